"""`Idempotency-Key` for the API's POST operations: a client that is not sure its request
arrived sends it again with the same key and gets the first answer, never a second effect.

Same key, same user, same method, path and body within IDEMPOTENCY_WINDOW: the stored answer
again (status and body) with `Idempotent-Replayed: true`. Same key with anything else: 422.
A copy that arrives while the first is still running: 409 (it does not run). Answers of 5xx
are not kept, so the client may retry them. A request without the header runs as usual.

Apply it with one line on a DRF view's handler: `@idempotent`.
"""

import datetime
import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from marketplace.core.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_WINDOW = datetime.timedelta(hours=24)
MAX_KEY_LENGTH = 255
# The key as validated, for the schema: 1 to 255 printable ASCII characters (HTTP strips the
# spaces around a header's value).
KEY_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_KEY_LENGTH,
    "pattern": "^[!-~]([ -~]*[!-~])?$",
}


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.path.encode())
    digest.update(b"\0")
    # The parsed body, keys sorted: the same JSON sent with other spacing is the same request.
    digest.update(json.dumps(request.data, sort_keys=True, cls=JSONEncoder).encode())
    return digest.hexdigest()


def _refusal(message: str, code: int) -> Response:
    return Response({"detail": message}, status=code)


def purge_expired(now=None) -> int:
    """Forget keys older than IDEMPOTENCY_WINDOW; returns how many."""
    now = now or timezone.now()
    deleted, _rows = IdempotentRequest.objects.filter(
        created_at__lt=now - IDEMPOTENCY_WINDOW
    ).delete()
    return deleted


def _claim(user, key: str, fingerprint: str):
    """(record, created): the row for this key, inserted as "running" if it is new. The unique
    constraint decides the race: of two copies, exactly one insert succeeds."""
    now = timezone.now()
    purge_expired(now)
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(
                user=user, key=key, fingerprint=fingerprint, created_at=now
            )
        return record, True
    except IntegrityError:
        return IdempotentRequest.objects.get(user=user, key=key), False


def idempotent(handler):
    """Decorate an APIView handler (`def post(self, request, ...)`) to honour Idempotency-Key.
    Put it under authentication: keys are per user."""

    @functools.wraps(handler)
    def wrapped(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        key = key.strip()
        # Printable ASCII only: a header's other bytes reach Django as Latin-1, so a UTF-8 key
        # would be stored garbled (and clients send keys such as UUIDs anyway).
        if not key or len(key) > MAX_KEY_LENGTH or not (key.isascii() and key.isprintable()):
            return _refusal(
                _("The Idempotency-Key header must be 1 to 255 printable ASCII characters."),
                status.HTTP_400_BAD_REQUEST,
            )
        fingerprint = _fingerprint(request)
        record, created = _claim(request.user, key, fingerprint)
        if not created:
            if record.fingerprint != fingerprint:
                return _refusal(
                    _(
                        "This Idempotency-Key was already used for a different request. Use a "
                        "new key for each new request."
                    ),
                    status.HTTP_422_UNPROCESSABLE_ENTITY,
                )
            if record.status_code is None:
                return _refusal(
                    _("A request with this Idempotency-Key is still being processed."),
                    status.HTTP_409_CONFLICT,
                )
            response = Response(json.loads(record.response_body), status=record.status_code)
            response[REPLAYED_HEADER] = "true"
            return response
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            record.delete()
            raise
        if response.status_code >= 500:
            record.delete()
            return response
        record.status_code = response.status_code
        record.response_body = json.dumps(response.data, cls=JSONEncoder)
        record.save(update_fields=["status_code", "response_body"])
        return response

    parameter = OpenApiParameter(
        HEADER,
        KEY_SCHEMA,
        OpenApiParameter.HEADER,
        required=False,
        description=_(
            "Send the request again with the same key to get the first answer (24 hours)."
        ),
    )
    return extend_schema(parameters=[parameter])(wrapped)
