"""Issuing, checking and revoking API tokens. The rules live here; the API view, the portal
page and the signal handlers only call them."""

import dataclasses
import datetime
import hashlib
import logging
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sponsors.tokens.models import PREFIX_LENGTH, ApiToken, digest_of

logger = logging.getLogger(__name__)

# Wrong passwords for one email, from any address, before the email is locked out.
EMAIL_FAILURE_LIMIT = 5
EMAIL_FAILURE_WINDOW = datetime.timedelta(minutes=15)
# `last_used_at` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenRefused(Exception):
    """This account may not hold an API token; `message` says why, `code` names the rule."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclasses.dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # the secret itself: returned once, never stored


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_DAYS)


def create_token(user) -> IssuedToken:
    """A new token for `user`, valid API_TOKEN_DAYS, whatever the account. Use `issue_token`
    for anything a person asks for; this is the mechanism under it."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=digest_of(key),
        prefix=key[:PREFIX_LENGTH],
        expires_at=timezone.now() + token_lifetime(),
    )
    return IssuedToken(token=token, key=key)


def refusal_for(user, email: str) -> TokenRefused | None:
    """Why `user`, signed in with `email`, may not have a token, or None. Superusers never get
    one (a leaked token would be a leaked superuser), nor accounts whose email address is not
    verified (nobody proved they own it)."""
    if user.is_superuser:
        return TokenRefused(
            _("API tokens are not issued to superusers. Use an account without superuser rights."),
            code="superuser",
        )
    verified = EmailAddress.objects.filter(user=user, email__iexact=email, verified=True)
    if not verified.exists():
        return TokenRefused(
            _("Verify your email address first: follow the link we emailed you, then try again."),
            code="email_not_verified",
        )
    return None


def issue_token(user, email: str) -> IssuedToken:
    """A new token for a person who proved their password; raises TokenRefused when the
    account may not hold one."""
    refusal = refusal_for(user, email)
    if refusal is not None:
        raise refusal
    issued = create_token(user)
    logger.info("API token %s… issued to user %s", issued.token.prefix, user.pk)
    return issued


def user_for_password(email: str, password: str):
    """The active account with this email (primary or any of its addresses) and password."""
    candidates = get_user_model().objects.filter(
        Q(email__iexact=email) | Q(emailaddress__email__iexact=email), is_active=True
    )
    return next((u for u in candidates.distinct() if u.check_password(password)), None)


def authenticate_key(key: str):
    """The (user, token) a presented key belongs to, or None when it is unknown, expired or its
    account is inactive. Records when it was last used."""
    token = ApiToken.objects.select_related("user").filter(digest=digest_of(key)).first()
    now = timezone.now()
    if token is None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token


def revoke_token(user, token_id: int) -> bool:
    """Revoke one of `user`'s tokens; False if it is not theirs (or already gone)."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if deleted:
        logger.info("API token %s revoked by its owner %s", token_id, user.pk)
    return bool(deleted)


def revoke_all_tokens(user_id: int, reason: str) -> int:
    """Revoke every token of the user `user_id`; returns how many there were."""
    deleted, _rows = ApiToken.objects.filter(user_id=user_id).delete()
    if deleted:
        logger.info("%s API token(s) of user %s revoked: %s", deleted, user_id, reason)
    return deleted


# --- Failed attempts per email ---------------------------------------------------------------


def _failures_key(email: str) -> str:
    return "api-token-failures:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def email_locked(email: str) -> bool:
    """True once EMAIL_FAILURE_LIMIT wrong passwords were given for this email within the
    window, from whatever addresses: then even the right password is refused until it ends."""
    return (cache.get(_failures_key(email)) or 0) >= EMAIL_FAILURE_LIMIT


def record_failure(email: str) -> None:
    key = _failures_key(email)
    # The window opens with the first failure and is not extended by later ones.
    cache.add(key, 0, timeout=int(EMAIL_FAILURE_WINDOW.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(EMAIL_FAILURE_WINDOW.total_seconds()))
