from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotentRequest(models.Model):
    """An API POST sent with an `Idempotency-Key`, and the answer it got
    (marketplace/core/idempotency.py). The unique (user, key) pair is what stops two copies of
    one request from both running."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of method, path and body: the same key with anything else is refused.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Empty while the first request is still running.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)

    class Meta:
        verbose_name = _("idempotent request")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_request_per_idempotency_key")
        ]

    def __str__(self):
        return f"{self.key} ({self.user_id})"
