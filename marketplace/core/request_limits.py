"""Limits on what a request may send, enforced before or while it is read, never after.

- `RequestLimitsMiddleware` answers 413 to a body declared larger than `MAX_REQUEST_BODY_MB`
  without reading a byte of it; a chunked body (no Content-Length) is read through a stream that
  gives up, and answers 413, as soon as it grows past the limit.
- `BodyLimitUploadHandler` (first in FILE_UPLOAD_HANDLERS) counts the file bytes of a multipart
  body and stops the parse past the same limit, whatever the headers said.
- `FieldLimitUploadHandler` enforces each upload field's own limit while streaming: a view
  declares its fields' limits with `@upload_limits(logo=2 * MB)`; a file that grows past its
  limit stops the parse there (the rest of the body is never read) and reaches the form as a
  `RefusedUpload`, an empty file whose size is over the limit, so the form's own size check
  answers with its usual message.

Django's CSRF check reads `request.POST` before the view runs, so the limits of a view are
installed by the middleware's `process_view`, which must come before CsrfViewMiddleware.
"""

from functools import wraps
from io import BytesIO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.utils.translation import gettext as _

MB = 1024 * 1024
TOO_LARGE = "_request_body_too_large"


def max_body_bytes() -> int:
    return settings.MAX_REQUEST_BODY_MB * MB


def upload_limits(**limits: int):
    """Mark a view with the byte limit of each upload field, by field name (a form prefix
    such as `org-logo` matches `logo`). Enforced while the body streams in."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            # Normally installed already by the middleware's process_view; this covers a view
            # called some other way, as long as nothing has read the body yet.
            if not hasattr(request, "_files"):
                install_field_limits(request, limits)
            return view(request, *args, **kwargs)

        wrapped.upload_limits = dict(limits)
        return wrapped

    return decorator


def install_field_limits(request, limits: dict[str, int]) -> None:
    """Give this request's upload parse the field limits, and put a `RefusedUpload` in
    request.FILES for each field stopped at its limit."""
    if getattr(request, "upload_field_limits", None) is not None:
        return
    request.upload_field_limits = dict(limits)
    request.refused_uploads = {}
    load = request._load_post_and_files

    def load_then_add_refusals():
        load()
        for field_name, refused in request.refused_uploads.items():
            request._files.setlist(field_name, [refused])

    request._load_post_and_files = load_then_add_refusals


class RefusedUpload(UploadedFile):
    """Stands for a file refused while streaming: no content, and a size over its limit (the
    request's declared length when known, which for a single file is about the file's size)."""

    def __init__(self, *, name, content_type, size, limit):
        super().__init__(BytesIO(b""), name=name, content_type=content_type, size=size)
        self.limit = limit
        self.refused = True


class FieldLimitUploadHandler(FileUploadHandler):
    """Stops the parse as soon as a file passes its field's limit (see `upload_limits`)."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.limit = self._limit_for(field_name)
        self.received = 0

    def _limit_for(self, field_name):
        limits = getattr(self.request, "upload_field_limits", None) or {}
        for key, limit in limits.items():
            if field_name == key or field_name.endswith("-" + key):
                return limit
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.limit is not None and self.received > self.limit:
            declared = _declared_length(self.request)
            self.request.refused_uploads[self.field_name] = RefusedUpload(
                name=self.file_name,
                content_type=self.content_type,
                size=max(self.received, declared or 0),
                limit=self.limit,
            )
            # connection_reset: do not read (exhaust) the rest of the body.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


class BodyLimitUploadHandler(FileUploadHandler):
    """Refuses (413) a multipart body whose files together pass MAX_REQUEST_BODY_MB."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.total = 0
        self.limit = max_body_bytes()

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        if self.total > self.limit:
            setattr(self.request, TOO_LARGE, True)
            raise RequestDataTooBig("The request body is over MAX_REQUEST_BODY_MB.")
        return raw_data

    def file_complete(self, file_size):
        return None


class LimitedBodyStream:
    """A request body of unknown length that raises once more than `limit` bytes arrive."""

    def __init__(self, stream, limit, request):
        self.stream, self.limit, self.request, self.read_bytes = stream, limit, request, 0

    def _count(self, data):
        self.read_bytes += len(data)
        if self.read_bytes > self.limit:
            setattr(self.request, TOO_LARGE, True)
            raise RequestDataTooBig("The request body is over MAX_REQUEST_BODY_MB.")
        return data

    def read(self, size=-1):
        # Never ask for more than one byte past the limit, so an endless body stops there.
        room = self.limit + 1 - self.read_bytes
        size = room if size is None or size < 0 else min(size, room)
        return self._count(self.stream.read(size)) if size > 0 else b""

    def readline(self, size=-1):
        room = self.limit + 1 - self.read_bytes
        size = room if size is None or size < 0 else min(size, room)
        return self._count(self.stream.readline(size)) if size > 0 else b""


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def too_large_response() -> HttpResponse:
    return HttpResponse(
        _("The request is too large: at most %(mb)s MB may be sent at once.")
        % {"mb": settings.MAX_REQUEST_BODY_MB},
        status=413,
        content_type="text/plain; charset=utf-8",
    )


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = max_body_bytes()
        declared = _declared_length(request)
        if declared is not None and declared > limit:
            return too_large_response()  # before anything reads the body
        if declared is None and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", ""):
            # WSGI: Django reads nothing of a body without a length; read the raw input, capped.
            raw = request.META.get("wsgi.input", request._stream)
            request._stream = LimitedBodyStream(raw, limit, request)
        response = self.get_response(request)
        if getattr(request, TOO_LARGE, False):
            return too_large_response()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A function view decorated with @upload_limits, or a class-based view whose class
        # declares `upload_limits` (its as_view() function carries `view_class`).
        limits = getattr(view_func, "upload_limits", None) or getattr(
            getattr(view_func, "view_class", None), "upload_limits", None
        )
        if limits and not hasattr(request, "_files"):
            install_field_limits(request, limits)
        return None
