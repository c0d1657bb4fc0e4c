"""An email backend that logs every message it sends, then hands it to the real backend.

EMAIL_BACKEND is this class; the real one (SMTP, file, console, memory) is MAIL_DELIVERY_BACKEND,
both set from EMAIL_URL by `marketplace/config.py:email_settings`. Messages from
`worker.mail.deliver` are logged already (they carry `mail_log_id`) and pass straight through;
any other message — allauth's verification and password-reset mails, `send_mail` calls — gets a
MailLog row (source *backend*) with status sent or failed, the error and its Message-ID.
Logging never stops a message: a database error while logging is only written to the log.
Sign-in secrets are removed from what is logged (`worker/redaction.py`), never from what is
sent: allauth's mails are tagged with their template by the account adapter
(`redaction.tag_message`), and any token link is removed whatever tagged it.
"""

import logging
import uuid

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, transaction
from django.utils import timezone, translation

from worker import redaction
from worker.mail import MAX_ERROR, new_message_id, provider_message_id
from worker.models import MailLog, MailStatus

logger = logging.getLogger(__name__)


class LoggingEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        delegate = getattr(settings, "MAIL_DELIVERY_BACKEND", "")
        if not delegate or delegate == f"{__name__}.{type(self).__name__}":
            raise ValueError("MAIL_DELIVERY_BACKEND must name the real email backend.")
        self.delegate = get_connection(delegate, fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.delegate.open()

    def close(self):
        return self.delegate.close()

    def send_messages(self, email_messages):
        messages = list(email_messages or [])
        if not messages:
            return 0
        for message in messages:
            if not getattr(message, "mail_log_id", None) and "Message-ID" not in (
                message.extra_headers or {}
            ):
                message.extra_headers = {
                    **(message.extra_headers or {}),
                    "Message-ID": new_message_id(message.from_email),
                }
        try:
            opened = self.delegate.open()
        except Exception as exc:
            for message in messages:
                _log(message, exc)
            if self.fail_silently:
                return 0
            raise
        try:
            return sum(self._send_one(message) for message in messages)
        finally:
            if opened:
                self.delegate.close()

    def _send_one(self, message) -> int:
        try:
            sent = self.delegate.send_messages([message]) or 0
        except Exception as exc:
            _log(message, exc)
            raise
        _log(message, None if sent else RuntimeError("The email backend did not send it."))
        return sent


def _log(message, error: Exception | None) -> None:
    """Record a message that did not come through `send_templated_mail`."""
    if getattr(message, "mail_log_id", None):
        return
    html = next(
        (content for content, mimetype in getattr(message, "alternatives", []) or []
         if mimetype == "text/html"),
        "",
    )  # fmt: skip
    template = getattr(message, "mail_template", "") or ""
    subject, text, html = redaction.scrub_mail(
        str(message.subject),
        message.body if isinstance(message.body, str) else "",
        html if isinstance(html, str) else "",
        template=template,
        secrets=getattr(message, "sign_in_secrets", ()) or (),
    )
    error_text = f"{type(error).__name__}: {error}" if error else ""
    now = timezone.now()
    try:
        with transaction.atomic():
            MailLog.objects.create(
                key=f"backend:{uuid.uuid4()}",
                source=MailLog.Source.BACKEND,
                template=template[:255],
                to=", ".join(message.recipients()),
                from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                reply_to=", ".join(message.reply_to or []),
                subject=subject[:998],
                body_text=text,
                body_html=html,
                attachments=[
                    {"filename": getattr(item, "filename", None) or item[0]}
                    for item in message.attachments
                    if not hasattr(item, "get_content_type")
                ],
                language=translation.get_language() or "",
                status=MailStatus.FAILED if error else MailStatus.SENT,
                message_id=provider_message_id(message),
                error=redaction.scrub(error_text, strict=True)[:MAX_ERROR],
                attempts=1,
                sent_at=None if error else now,
                failed_at=now if error else None,
            )
    except DatabaseError:
        logger.exception("Could not log the email %r", subject)
