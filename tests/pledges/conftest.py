import pytest

from events.choices import PackageCategory
from tests.factories import make_event, make_package
from tests.pledges.factories import make_sponsor, make_terms


@pytest.fixture
def event(tree):
    event = make_event(tree[1])
    make_terms(event)
    return event


@pytest.fixture
def package(event):
    """Capacity 3, at most 2 per sponsor, CHF 5,000 each."""
    return make_package(
        event,
        title="Fellowships",
        category=PackageCategory.FELLOWSHIP,
        price="5000.00",
        capacity=3,
        max_per_sponsor=2,
    )


@pytest.fixture
def sponsor(db):
    return make_sponsor(name="Acme")


@pytest.fixture
def other_sponsor(db):
    return make_sponsor(name="Borealis")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (emails, waiting-list offers) of the code in the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
