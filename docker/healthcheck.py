"""Container health check: GET /healthz from inside the container, answering 0 when it is 200.

It asks for the site's own host name (the first of ALLOWED_HOSTS) so Django accepts the request,
and says the request came over HTTPS, as a proxy in front would, so SECURE_SSL_REDIRECT does not
turn the answer into a redirect.
"""

import os
import sys
import urllib.request


def main() -> int:
    port = os.environ.get("PORT", "8000")
    hosts = [h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    host = next((h for h in hosts if h and h != "*"), "localhost")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=8) as response:  # noqa: S310 - fixed URL
            print(response.read().decode()[:200])
            return 0 if response.status == 200 else 1
    except Exception as exc:  # any failure is "unhealthy", with the reason in the log
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
