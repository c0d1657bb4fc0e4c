"""Records kept by the background-work infrastructure: the transactional outbox, the mail log and
tasks that failed for good. Each changes through `worker/outbox.py`, `worker/mail.py` and
`worker/failures.py`; the admin only reads them (and re-enqueues a failed task)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A task to publish to the broker, written in the transaction that wanted it.

    `sent_at` is set once the broker accepted the message; until then the row is pending and
    `flush_outbox` (beat, every minute) publishes it again."""

    key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    task_name = models.CharField(_("task"), max_length=255)
    args = models.JSONField(_("arguments"), default=list, blank=True, encoder=DjangoJSONEncoder)
    kwargs = models.JSONField(
        _("keyword arguments"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    task_id = models.CharField(_("task id"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent to the broker at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("publishing attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self):
        return f"{self.task_name} [{self.key}]"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class MailLog(models.Model):
    """One email: what was sent to whom, about which pledge or organisation, and what became of
    it. Written in the transaction that decided to send it (templated mail) or when another
    library sent it through the email backend (`source` = backend)."""

    # Written with every email; Wagtail's reference index (two to four queries a save) has no
    # use for it: the admin lists a pledge's emails by their foreign key.
    wagtail_reference_index_ignore = True

    class Source(models.TextChoices):
        TEMPLATE = "template", _("Templated mail")
        BACKEND = "backend", _("Sent directly")

    key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.TEMPLATE
    )
    template = models.CharField(_("template"), max_length=255, blank=True, db_index=True)
    to = models.TextField(_("to"), help_text=_("Comma-separated addresses."))
    from_email = models.CharField(_("from"), max_length=255)
    reply_to = models.TextField(_("reply to"), blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField(_("text part"), blank=True)
    body_html = models.TextField(_("HTML part"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    pledge = models.ForeignKey(
        "pledges.Pledge",
        verbose_name=_("pledge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mail_log",
    )
    organisation = models.ForeignKey(
        "sponsors.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mail_log",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    message_id = models.CharField(_("message id"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("sending attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("mail log")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="maillog_status_created"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    @property
    def recipients(self) -> list[str]:
        return [address.strip() for address in self.to.split(",") if address.strip()]


class FailedTask(models.Model):
    """A Celery task that failed for good: a non-transient error, or retries exhausted."""

    task_name = models.CharField(_("task"), max_length=255, db_index=True)
    task_id = models.CharField(_("task id"), max_length=64, db_index=True)
    args = models.JSONField(_("arguments"), default=list, blank=True, encoder=DjangoJSONEncoder)
    kwargs = models.JSONField(
        _("keyword arguments"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    exception = models.TextField(_("exception"))
    traceback = models.TextField(_("traceback"), blank=True)
    retries = models.PositiveIntegerField(_("retries made"), default=0)
    failed_at = models.DateTimeField(_("failed at"), default=timezone.now, db_index=True)
    retried_at = models.DateTimeField(_("re-enqueued at"), null=True, blank=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("re-enqueued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("failed task")
        ordering = ["-failed_at", "-pk"]
        permissions = [("retry_failedtask", _("Can re-enqueue a failed task"))]

    def __str__(self):
        return f"{self.task_name} ({self.task_id})"


class MailDeliveryCopy(models.Model):
    """The unscrubbed parts of an email whose mail-log row had sign-in secrets removed
    (`worker/redaction.py`), kept only so the mail queue can deliver it: deleted once it is
    sent, and by the mail-log retention task. No admin screen shows this model."""

    wagtail_reference_index_ignore = True

    mail = models.OneToOneField(
        MailLog,
        verbose_name=_("email"),
        on_delete=models.CASCADE,
        related_name="delivery_copy",
    )
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField(_("text part"), blank=True)
    body_html = models.TextField(_("HTML part"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("email awaiting delivery")
        default_permissions = ()

    def __str__(self):
        return f"{self.mail_id}"
