import pytest

from tests.pledges.conftest import event, package, sponsor  # noqa: F401 (shared fixtures)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
