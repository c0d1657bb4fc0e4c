"""The API's one pagination rule."""

from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 200


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """`?limit=&offset=` with at most MAX_LIMIT rows a page, whatever `limit` asks: a larger
    value is served as MAX_LIMIT (the answer's `next` link goes on from there)."""

    max_limit = MAX_LIMIT
