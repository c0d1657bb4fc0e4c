from tests.payments.conftest import (  # noqa: F401 - shared fixtures
    _payments_settings,
    bank_pledge,
    event,
    on_commit,
    package,
    sponsor,
)
