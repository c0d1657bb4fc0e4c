"""A short-lived cache of public catalogue pages for anonymous visitors.

The catalogue promises availability is never more than `AVAILABILITY_CACHE_SECONDS` stale, so
a whole rendered page may be reused for that long. Signed-in visitors (or anyone with a session
cookie), non-GET requests and responses that set cookies are never cached.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

CACHED_PREFIXES = ("/events/",)
HEADER = "X-Page-Cache"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.AVAILABILITY_CACHE_SECONDS
        if seconds <= 0 or not self._cacheable_request(request):
            return self.get_response(request)
        key = self._key(request)
        cached = cache.get(key)
        if cached is not None:
            cached[HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            patch_cache_control(response, public=True, max_age=seconds)
            cache.set(key, response, seconds)
            response[HEADER] = "miss"
        return response

    @staticmethod
    def _cacheable_request(request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and request.path.startswith(CACHED_PREFIXES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.user.is_authenticated
        )

    @staticmethod
    def _key(request) -> str:
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        return f"page:{get_language()}:{digest}"
