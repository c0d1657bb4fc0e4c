"""The client's address, read one way for the whole site: throttles, sign-in rate limits and
signature evidence all agree on who is asking."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's IP address.

    REMOTE_ADDR, unless `TRUSTED_PROXY_COUNT` (N) reverse proxies are declared in front of the
    app: then the N-th address from the right of X-Forwarded-For, the one the outermost trusted
    proxy saw. Entries further left are written by the client and never trusted; with N = 0 the
    header is ignored entirely. None if the result is not an IP address.
    """
    address = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops > 0 and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            address = chain[-hops]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
