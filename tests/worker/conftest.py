import copy
from pathlib import Path

import pytest

from tests.worker import testing_tasks

TEMPLATES_DIR = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _test_templates(settings):
    """Make the test-only email templates (`worker_tests/email/...`) loadable."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], str(TEMPLATES_DIR)]
    settings.TEMPLATES = templates


@pytest.fixture
def calls():
    testing_tasks.CALLS.clear()
    yield testing_tasks.CALLS
    testing_tasks.CALLS.clear()
