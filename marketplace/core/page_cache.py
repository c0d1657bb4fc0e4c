"""A short-lived cache of public catalogue pages for anonymous visitors.

The catalogue promises availability is never more than `AVAILABILITY_CACHE_SECONDS` stale, so
a whole rendered page may be reused for that long. Signed-in visitors (or anyone with a session
or messages cookie), non-GET requests, responses that set cookies and pages rendered with the
request's CSP nonce are never cached.

Every copy carries the deadline it was given when the page was rendered: the moment the request
started (before the view read the database) plus `AVAILABILITY_CACHE_SECONDS`. No copy is served
after it, and the `max-age` sent to browsers is what is left of it, so a page is never older than
promised, even after passing through a browser's cache.

Copies live in the shared cache (Redis in production) and, when that cache is not already in the
process, also in a small per-process map in front of it, which saves a round trip to Redis on
most requests. Both hold the same deadline, so the per-process copy adds no staleness. Shortly
before a copy's deadline a single request renders its successor while the others keep serving
the copy, so busy pages are not rendered by every worker at once when it expires.
"""

import hashlib
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

CACHED_PREFIXES = ("/events/",)
HEADER = "X-Page-Cache"
LOCAL_MAX_ENTRIES = 200
PROCESS_LOCAL_BACKENDS = ("LocMemCache", "DummyCache")
REFRESH_AHEAD = 0.2  # of AVAILABILITY_CACHE_SECONDS: when the next copy starts to be rendered
REFRESH_LOCK_SECONDS = 2

# key -> (deadline, status, headers, content), shared by the threads of this process.
_local: dict[str, tuple] = {}
_local_lock = threading.Lock()


def clear_local() -> None:
    """Forget this process's copies (the shared cache is cleared with `cache.clear()`)."""
    with _local_lock:
        _local.clear()


def _fresh(entry, now: float) -> bool:
    return isinstance(entry, tuple) and len(entry) == 4 and entry[0] > now


def _remember_locally(key: str, entry: tuple) -> None:
    with _local_lock:
        if len(_local) >= LOCAL_MAX_ENTRIES:
            now = time.time()
            for stale in [k for k, v in _local.items() if v[0] <= now]:
                del _local[stale]
            if len(_local) >= LOCAL_MAX_ENTRIES:
                _local.clear()
        _local[key] = entry


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        backend = settings.CACHES["default"]["BACKEND"]
        self.use_local = not backend.endswith(PROCESS_LOCAL_BACKENDS)

    def __call__(self, request):
        seconds = settings.AVAILABILITY_CACHE_SECONDS
        if seconds <= 0 or not self._cacheable_request(request):
            return self.get_response(request)
        key = self._key(request)
        started = time.time()
        entry = _local.get(key) if self.use_local else None
        if not _fresh(entry, started):
            entry = self._shared(key, started)
        if entry is not None and entry[0] - started <= seconds * REFRESH_AHEAD:
            # Near its deadline one request, across all workers, renders the next copy while
            # the others keep serving this one: no burst of identical renders when it expires.
            newer = self._shared(key, started) if self.use_local else None
            if newer is not None and newer[0] > entry[0]:
                entry = newer  # another worker has already refreshed it
            elif cache.add(f"{key}:refreshing", 1, REFRESH_LOCK_SECONDS):
                entry = None
        if entry is not None:
            return self._from_entry(entry, started)
        return self._render(request, key, started, seconds)

    def _shared(self, key: str, now: float):
        """The shared cache's copy if still fresh (remembered in this process too)."""
        entry = cache.get(key)
        if not _fresh(entry, now):
            return None
        if self.use_local:
            _remember_locally(key, entry)
        return entry

    def _render(self, request, key: str, started: float, seconds: int):
        response = self.get_response(request)
        # A page that used the request's CSP nonce is not kept: the next visitor's header carries
        # another nonce, so its inline scripts would not run (the site's pages use none).
        used_nonce = getattr(request, "_csp_nonce", None) is not None
        if (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and not used_nonce
        ):
            deadline = started + seconds
            left = deadline - time.time()
            patch_cache_control(response, public=True, max_age=max(int(left), 0))
            if left > 0:
                entry = (deadline, response.status_code, list(response.items()), response.content)
                # Backends count whole seconds: round up; the deadline in the entry decides.
                cache.set(key, entry, math.ceil(left))
                if self.use_local:
                    _remember_locally(key, entry)
            response[HEADER] = "miss"
        return response

    @staticmethod
    def _from_entry(entry: tuple, now: float) -> HttpResponse:
        deadline, status, headers, content = entry
        response = HttpResponse(content, status=status, headers=dict(headers))
        patch_cache_control(response, public=True, max_age=int(deadline - now))
        response[HEADER] = "hit"
        return response

    @staticmethod
    def _cacheable_request(request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and request.path.startswith(CACHED_PREFIXES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES  # a pending flash message must be shown
            and not request.user.is_authenticated
        )

    @staticmethod
    def _key(request) -> str:
        # Scheme and host too: pages hold absolute links, and Wagtail may serve several sites.
        digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        return f"page:{get_language()}:{digest}"
