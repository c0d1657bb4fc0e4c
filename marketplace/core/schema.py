"""OpenAPI schema hooks, and the error answers every operation documents."""

from drf_spectacular.utils import OpenApiResponse


def only_api_v1(endpoints):
    """Document our public API only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


# ---- Error answers, as the API sends them -------------------------------------------------
# Every refusal is JSON. Most carry one `detail` (DRF's own refusals, and ours); field errors
# are `{field: [message, ...]}`, with `non_field_errors` for the whole body. Some refusals add
# a field of their own (409 `available`, 403 `missing`, 403 `code`): those are declared by the
# views with `error_body(...)`.

DETAIL = {"type": "string", "description": "What went wrong, in the reader's language."}

ERROR_BODY = {
    "type": "object",
    "properties": {"detail": DETAIL},
    "required": ["detail"],
}

VALIDATION_ERROR_BODY = {
    "type": "object",
    "description": "Field errors: each invalid field (or parameter) with its messages, "
    "`non_field_errors` for the body as a whole; or one `detail`.",
    "properties": {"detail": DETAIL},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

# What each status means wherever it is answered; a view may say more (`error_responses`).
DESCRIPTIONS = {
    400: "Invalid input: field errors, or a malformed Idempotency-Key or body",
    401: "No valid credentials: send `Authorization: Token <key>` (or a signed-in session)",
    403: "Signed in, but not allowed: `detail` says why",
    404: "Not found, or not visible to this account",
    409: "Conflict with the current state: `detail` says which",
    413: "The request body is too large",
    415: "The body is not JSON (send `Content-Type: application/json`)",
    422: "This Idempotency-Key was used for a different request",
    429: "Too many requests: wait for `Retry-After` seconds",
    502: "The payment provider refused or did not answer; nothing changed",
}


def error_body(**extra) -> dict:
    """An error object: `detail` plus the given properties (JSON Schema), all required."""
    return {
        "type": "object",
        "properties": {"detail": DETAIL, **extra},
        "required": ["detail", *extra],
    }


def error_responses(*codes, **bodies_or_descriptions) -> dict:
    """`extend_schema(responses=...)` entries for the refusals `codes`: the body each one has
    (`VALIDATION_ERROR_BODY` for 400, `ERROR_BODY` otherwise) and what it means. Override one
    with `e409=("description", body)` or `e403="description"`."""
    responses = {}
    for code in codes:
        override = bodies_or_descriptions.get(f"e{code}")
        description, body = DESCRIPTIONS[code], VALIDATION_ERROR_BODY if code == 400 else ERROR_BODY
        if isinstance(override, tuple):
            description, body = override
        elif isinstance(override, str):
            description = override
        responses[code] = OpenApiResponse(response=body, description=description)
    return responses
