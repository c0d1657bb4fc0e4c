import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PREFIX_LENGTH = 8


def digest_of(key: str) -> str:
    """SHA-256 of a token. The key carries 256 random bits, so a plain hash is enough: nothing
    in the database lets anyone rebuild a usable token."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """One API token of an account. Only its digest and its first characters (to recognise
    it in a list) are stored; the token itself is shown once, when it is issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=PREFIX_LENGTH)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"
