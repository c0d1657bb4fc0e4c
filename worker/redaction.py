"""Sign-in secrets never reach the mail log or the failed-task records.

A password-reset link, an email-confirmation key or an invitation link lets whoever reads it
act as the recipient; the mail log and failed tasks are read by staff, so both store such mail
with each secret replaced by `PLACEHOLDER` *before* the row is written. The email that is
delivered keeps its links (see `worker.mail.MailDeliveryCopy`).

Two layers, so that a new sign-in email cannot leak by default:

- *Every* email and task record: any URL or path on a known token route (allauth's password
  reset key, email confirmation, login code, invitation acceptance) or carrying a secret query
  parameter (`?token=`, `key=`, `code=`, ...) is removed.
- *Sign-in mail* — classified by its template (`is_sign_in_mail`: allauth's account and MFA
  templates, the sponsor invitation) — is scrubbed strictly: also every URL with an opaque,
  token-like segment, and the literal secrets its sender passes (`secrets`, e.g. allauth's
  `key`, `code` and link from the template context).
"""

import re
from collections.abc import Iterable

PLACEHOLDER = "[link removed: sign-in secret]"
CODE_PLACEHOLDER = "[code removed: sign-in secret]"

# Template prefixes of sign-in mail: allauth's account and MFA mails (whatever allauth adds
# under them later), social-account mails, and the sponsor team invitation.
SIGN_IN_TEMPLATE_PREFIXES = (
    "account/",
    "mfa/",
    "socialaccount/",
    "usersessions/",
    "sponsors/email/invitation",
)

# Paths that carry a secret in the URL itself (allauth's and ours), wherever they are mounted.
TOKEN_ROUTES = re.compile(
    r"/(?:password/reset/key|confirm-email|login/code|invitations|invitation|"
    r"password/set/key|password_reset/confirm|reset|verify-email)/[^/\s?#]+",
    re.IGNORECASE,
)
# Query parameters whose value is a secret (`&amp;` is how they appear in an HTML part).
SECRET_QUERY = re.compile(
    r"[?&](?:amp;)?(?:token|key|code|otp|signature|sig|secret|access_token|auth|"
    r"reset|uid|uidb36|uidb64)=",
    re.IGNORECASE,
)
# A run of characters that may be a URL or path: no whitespace, quotes or angle brackets.
CANDIDATE = re.compile(r"""[^\s<>"'`]+""")
TRAILING_PUNCTUATION = ".,;:!?)]}"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
OPAQUE = re.compile(r"^[A-Za-z0-9_\-:.=%]{16,}$")
# Context keys whose string values are secrets in a sign-in mail (allauth passes `key`, `code`,
# `password_reset_url`, `activate_url`; our invitation passes `link`).
SECRET_CONTEXT_KEYS = re.compile(r"(?:^|_)(?:key|code|token|secret|link)$|_url$", re.I)


def is_sign_in_mail(template: str) -> bool:
    """Whether mail rendered from `template` (a prefix such as "account/email/password_reset_key")
    authenticates its reader and is scrubbed strictly."""
    return bool(template) and template.startswith(SIGN_IN_TEMPLATE_PREFIXES)


def _is_opaque(segment: str) -> bool:
    """A token-looking piece: long, letters and digits, not a UUID (pledges' public ids are
    identifiers behind a permission check, not secrets)."""
    if not OPAQUE.match(segment) or UUID.match(segment):
        return False
    return any(c.isdigit() for c in segment) and any(c.isalpha() for c in segment)


def is_secret_url(candidate: str, *, strict: bool = False) -> bool:
    """Whether `candidate` (a URL or a path) carries a sign-in secret."""
    if TOKEN_ROUTES.search(candidate) or SECRET_QUERY.search(candidate):
        return True
    if not strict or not ("://" in candidate or candidate.startswith("/")):
        return False
    return any(_is_opaque(piece) for piece in re.split(r"[/?&=#]", candidate) if piece)


def scrub(text: str, *, strict: bool = False, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret URL replaced by PLACEHOLDER (see the module's docstring) and
    each literal in `secrets` (and its HTML-escaped form) removed."""
    if not text or not isinstance(text, str):
        return text
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        replacement = PLACEHOLDER if "/" in secret else CODE_PLACEHOLDER
        text = text.replace(secret, replacement)
        text = text.replace(secret.replace("&", "&amp;"), replacement)

    def replace(match):
        run = match.group(0)
        core = run.rstrip(TRAILING_PUNCTUATION)
        if core and is_secret_url(core, strict=strict):
            return PLACEHOLDER + run[len(core) :]
        return run

    return CANDIDATE.sub(replace, text)


def scrub_mail(
    subject: str, text: str, html: str, *, template: str = "", secrets: Iterable[str] = ()
) -> tuple[str, str, str]:
    """The (subject, text, html) of an email as the mail log may store them."""
    strict = is_sign_in_mail(template) or bool(secrets)
    secrets = list(secrets)
    return tuple(scrub(part, strict=strict, secrets=secrets) for part in (subject, text, html))


def secrets_in_context(context: dict) -> list[str]:
    """The string values of a sign-in mail's template context that are secrets (keys, codes,
    links), to be removed literally wherever the templates print them."""
    found = []
    for name, value in (context or {}).items():
        if isinstance(value, str) and SECRET_CONTEXT_KEYS.search(str(name)):
            if name.endswith(("_url", "link")) and not is_secret_url(value, strict=True):
                continue  # e.g. the sign-up page's address: no secret in it
            found.append(value)
    return found


def scrub_data(value):
    """A JSON-like value (task arguments) with secret URLs removed from every string in it."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [scrub_data(item) for item in value]
    if isinstance(value, dict):
        return {key: scrub_data(item) for key, item in value.items()}
    return value


def tag_message(message, template_prefix: str, context: dict):
    """Mark an EmailMessage rendered from `template_prefix` so the logging email backend scrubs
    it as sign-in mail, literal secrets from `context` included. Returns the message."""
    message.mail_template = template_prefix
    if is_sign_in_mail(template_prefix):
        message.sign_in_secrets = secrets_in_context(context)
    return message
