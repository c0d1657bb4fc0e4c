"""OpenAPI schema hooks."""


def only_api_v1(endpoints):
    """Document our public API only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
