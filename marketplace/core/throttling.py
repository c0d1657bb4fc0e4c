"""DRF throttles that count per client address as the rest of the site reads it."""

from rest_framework.throttling import SimpleRateThrottle

from marketplace.core.client import client_ip


class ClientAddressThrottle(SimpleRateThrottle):
    """A rate per client address, signed in or not. DRF's own `get_ident` trusts the whole
    X-Forwarded-For header (a new value per request is a new client); ours reads the address
    through `client_ip`, which honours TRUSTED_PROXY_COUNT only."""

    def get_ident(self, request):
        return client_ip(request) or "unknown"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
