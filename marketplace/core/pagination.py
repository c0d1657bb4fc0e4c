"""The API's one pagination rule."""

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 200
MAX_OFFSET = 2**31 - 1  # beyond it the database would fail on the OFFSET, not answer
WHOLE_NUMBER = re.compile(r"[0-9]+")


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """`?limit=&offset=` with at most MAX_LIMIT rows a page, whatever `limit` asks: a larger
    value is served as MAX_LIMIT (the answer's `next` link goes on from there).

    A `limit` that is not a whole number of at least 1, or an `offset` that is not one of at
    least 0, is refused with 400 naming the parameter (DRF itself ignores it and serves the
    first page, so a client's mistake looked like a right answer)."""

    max_limit = MAX_LIMIT

    def _whole_number(self, request, name: str, minimum: int, maximum: int) -> int | None:
        """The parameter as an int in minimum..maximum (None when absent); 400 otherwise. A
        number of more digits than `maximum` has is `maximum` + 1 (no huge int is parsed)."""
        if name not in request.query_params:
            return None
        raw = request.query_params[name]
        if WHOLE_NUMBER.fullmatch(raw):
            value = int(raw) if len(raw) <= len(str(maximum)) else maximum + 1
            if minimum <= value <= maximum:
                return value
        raise ValidationError(
            {
                name: [
                    _("Enter a whole number from %(minimum)d to %(maximum)d.")
                    % {"minimum": minimum, "maximum": maximum}
                ]
            }
        )

    def get_limit(self, request):
        # Any larger limit is valid and served as MAX_LIMIT rows.
        limit = self._whole_number(request, self.limit_query_param, 1, 10**18)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request):
        return self._whole_number(request, self.offset_query_param, 0, MAX_OFFSET) or 0

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    f"Number of results to return per page (at most {MAX_LIMIT}: a larger "
                    f"value is served as {MAX_LIMIT})."
                )
                parameter["schema"]["maximum"] = 10**18
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"]["minimum"] = 0
                parameter["schema"]["maximum"] = MAX_OFFSET
        return parameters
