"""Every email the marketplace sends, logged: `send_templated_mail` and its delivery task.

    from worker.mail import send_templated_mail

    with transaction.atomic():
        ...
        send_templated_mail(
            "pledges/email/receipt", {"pledge": pledge}, [contact.email],
            pledge=pledge, key=f"receipt:{pledge.pk}",
            attachments=[Attachment("receipt.pdf", stored_name, "application/pdf")],
        )

The message is rendered at once (in the current language, or `language`) from three templates —
`<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` — so every email has a text and an
HTML part and its strings are translated like any template's. A MailLog row (status *queued*) is
written in the current transaction and the `mail` queue task `send_logged_mail`
(worker/tasks/mail.py) is enqueued through the outbox, so nothing is sent if the transaction
rolls back and nothing is lost if the broker is down. The task calls `deliver`, which sends the
row once: status *sent* with the provider's message id, or, after the retries, *failed* with the
error.

Emails sent by other code (allauth's verification and password mails) are logged by the email
backend, `worker.mail_backend.LoggingEmailBackend`.

The mail log is read by staff, so sign-in secrets (reset, confirmation and invitation links)
are removed from the row before it is written (`worker/redaction.py`); the parts as they must
be delivered wait in a MailDeliveryCopy, deleted once the email is sent.
"""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from worker import outbox, redaction, signals
from worker.base import TRANSIENT_ERRORS
from worker.models import MailDeliveryCopy, MailLog, MailStatus

# The task imports this module back (it calls `deliver`): each imports the other as a module,
# so either may load first.
from worker.tasks import mail as mail_tasks

ATTACHMENTS_DIR = "mail/attachments"
MAX_ERROR = 4000


def attachment_storage() -> FileSystemStorage:
    """Where attachments wait for delivery: private (receipts, agreements), never under
    MEDIA_ROOT, which is served to the public."""
    return FileSystemStorage(location=settings.PRIVATE_DOCUMENTS_ROOT)


class SignInLinkExpired(Exception):
    """A scrubbed email whose delivery copy is gone: it can no longer be sent as written."""


@dataclass(frozen=True)
class Attachment:
    """A file already in the attachment storage (see `attachment_storage`), attached by name."""

    filename: str
    path: str
    mimetype: str = "application/octet-stream"


def render_templated_mail(template_prefix: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) rendered from `<prefix>_subject.txt`, `<prefix>.txt`, `<prefix>.html`
    in the active language. The subject is one line, with MAIL_SUBJECT_PREFIX in front."""
    # No request, so no context processor: the templates' <html lang dir> come from here.
    context = {
        "site_url": settings.SITE_URL,
        "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
        "LANGUAGE_BIDI": translation.get_language_bidi(),
        **context,
    }
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    subject = settings.MAIL_SUBJECT_PREFIX + " ".join(subject.split())
    text = render_to_string(f"{template_prefix}.txt", context)
    html = render_to_string(f"{template_prefix}.html", context)
    return subject, text, html


def send_templated_mail(
    template_prefix: str,
    context: dict,
    to: str | Iterable[str],
    *,
    pledge=None,
    organisation=None,
    attachments: Iterable = (),
    key: str | None = None,
    from_email: str | None = None,
    reply_to: Iterable[str] = (),
    language: str | None = None,
) -> MailLog:
    """Log one email and have the mail queue send it once the current transaction commits.

    Guarantees: the MailLog row (status queued) belongs to the current transaction — rolled
    back, nothing is sent; committed, it is sent even if the broker is down now (outbox). The
    same `key` gives one email however often this runs: the existing row is returned and
    nothing new is queued. `to` is an address or a list of them (one message to all).
    `attachments` are `Attachment`s (files in the default storage) or (filename, bytes,
    mimetype) tuples, which are stored under `mail/attachments/`. `pledge` also sets
    `organisation` to the pledge's. Raises ValueError without a recipient, and
    TemplateDoesNotExist if one of the three templates is missing."""
    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [address.strip() for address in recipients if address and address.strip()]
    if not recipients:
        raise ValueError("send_templated_mail() needs at least one recipient.")
    if key:
        existing = MailLog.objects.filter(key=key).first()
        if existing is not None:
            return existing
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, text, html = render_templated_mail(template_prefix, context)
    from_email = from_email or settings.DEFAULT_FROM_EMAIL
    # What the log may keep: sign-in secrets out (the delivery copy keeps them for sending).
    secrets = []
    if redaction.is_sign_in_mail(template_prefix):
        secrets = redaction.secrets_in_context(context)
    logged_subject, logged_text, logged_html = redaction.scrub_mail(
        subject, text, html, template=template_prefix, secrets=secrets
    )
    if organisation is None and pledge is not None:
        organisation_id = pledge.organisation_id
    else:
        organisation_id = getattr(organisation, "pk", None)
    try:
        with transaction.atomic():
            log = MailLog.objects.create(
                key=key or f"uuid:{uuid.uuid4()}",
                source=MailLog.Source.TEMPLATE,
                template=template_prefix,
                to=", ".join(recipients),
                from_email=from_email,
                reply_to=", ".join(reply_to),
                subject=logged_subject[:998],
                body_text=logged_text,
                body_html=logged_html,
                attachments=[_store(attachment) for attachment in attachments],
                language=language,
                pledge=pledge,
                organisation_id=organisation_id,
                message_id=new_message_id(from_email),
            )
            if (logged_subject, logged_text, logged_html) != (subject, text, html):
                MailDeliveryCopy.objects.create(
                    mail=log, subject=subject[:998], body_text=text, body_html=html
                )
    except IntegrityError:
        if key and (existing := MailLog.objects.filter(key=key).first()) is not None:
            return existing
        raise
    outbox.enqueue(mail_tasks.send_logged_mail, log.pk, key=f"mail:{log.pk}")
    return log


def new_message_id(from_email: str = "") -> str:
    """A Message-ID in the sender's domain (not the machine's, which may be slow to look up)."""
    domain = parseaddr(from_email or settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return make_msgid(domain=domain or "localhost")


def _store(attachment) -> dict:
    if isinstance(attachment, Attachment):
        return {"filename": attachment.filename, "path": attachment.path,
                "mimetype": attachment.mimetype}  # fmt: skip
    filename, content, mimetype = attachment
    if isinstance(content, str):
        content = content.encode()
    folder = f"{ATTACHMENTS_DIR}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
    path = attachment_storage().save(f"{folder}/{filename}", ContentFile(content))
    return {"filename": filename, "path": path, "mimetype": mimetype}


def build_message(log: MailLog) -> EmailMultiAlternatives:
    """The EmailMultiAlternatives for a logged email (text body, HTML alternative, files), with
    the unscrubbed parts of its delivery copy when the log row had secrets removed."""
    copy = MailDeliveryCopy.objects.filter(mail=log).first()
    subject, text, html = (
        (copy.subject, copy.body_text, copy.body_html)
        if copy is not None
        else (log.subject, log.body_text, log.body_html)
    )
    if copy is None and redaction.PLACEHOLDER in f"{subject} {text} {html}":
        # The copy was purged (DELIVERY_COPY_DAYS) before the email went out: sending the
        # scrubbed text would give the recipient a dead placeholder instead of their link.
        raise SignInLinkExpired("The sign-in link expired before the email could be sent.")
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=log.from_email,
        to=log.recipients,
        reply_to=[a.strip() for a in log.reply_to.split(",") if a.strip()],
        headers={"Message-ID": log.message_id} if log.message_id else None,
    )
    if html:
        message.attach_alternative(html, "text/html")
    for item in log.attachments:
        with attachment_storage().open(item["path"], "rb") as handle:
            message.attach(item["filename"], handle.read(), item.get("mimetype"))
    message.mail_log_id = log.pk  # already logged: the logging backend leaves it alone
    return message


def deliver(log_id: int, *, final_attempt: bool = False) -> bool:
    """Send a logged email unless it was sent already; returns whether this call sent it.

    Holds the row locked while sending, so concurrent runs send it once. On an error the row
    records it and the error is raised again (for the task to retry): the status stays queued,
    or becomes failed when `final_attempt` or the error is not transient. Sends
    `worker.signals.mail_sent` / `mail_failed` (for good) once the row is saved."""
    error = None
    with transaction.atomic():
        log = MailLog.objects.select_for_update().filter(pk=log_id).first()
        if log is None or log.status == MailStatus.SENT:
            return False
        log.attempts += 1
        try:
            message = build_message(log)
            message.send()
        except Exception as exc:
            error = exc
            final = final_attempt or not isinstance(exc, TRANSIENT_ERRORS)
            log.error = redaction.scrub(f"{type(exc).__name__}: {exc}", strict=True)[:MAX_ERROR]
            log.status = MailStatus.FAILED if final else MailStatus.QUEUED
            log.failed_at = timezone.now() if final else None
            log.save(update_fields=["attempts", "error", "status", "failed_at", "updated_at"])
        else:
            log.status = MailStatus.SENT
            log.sent_at = timezone.now()
            log.message_id = provider_message_id(message) or log.message_id
            log.failed_at = None
            log.save(
                update_fields=[
                    "attempts", "status", "sent_at", "message_id", "failed_at", "updated_at"
                ]
            )  # fmt: skip
            # Delivered: the secrets need not be kept anywhere any more.
            MailDeliveryCopy.objects.filter(mail=log).delete()
    if error is not None:
        if log.status == MailStatus.FAILED:
            signals.send_robustly(signals.mail_failed, MailLog, log=log)
        raise error
    signals.send_robustly(signals.mail_sent, MailLog, log=log)
    return True


def provider_message_id(message) -> str:
    """The id the provider gave the message (an ESP backend's status), else its Message-ID."""
    status = getattr(message, "anymail_status", None)
    if status is not None and getattr(status, "message_id", None):
        return str(status.message_id)
    return message.extra_headers.get("Message-ID", "")


# A failed email's delivery copy is kept this long for a retry; sign-in links expire sooner.
DELIVERY_COPY_DAYS = 3


def purge_mail_log(now=None) -> dict:
    """Delete mail-log rows created more than MAIL_LOG_RETENTION_DAYS ago (their delivery
    copies and stored attachments' records with them), and the delivery copies of emails that
    were not sent within DELIVERY_COPY_DAYS. Returns the counts deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.MAIL_LOG_RETENTION_DAYS)
    copies, _by_model = MailDeliveryCopy.objects.filter(
        created_at__lt=now - datetime.timedelta(days=DELIVERY_COPY_DAYS)
    ).delete()
    old = MailLog.objects.filter(created_at__lt=cutoff)
    attachments = [item["path"] for item in _attachments_of(old)]
    deleted, _by_model = old.delete()
    storage = attachment_storage()
    for path in attachments:
        if path and storage.exists(path):
            storage.delete(path)
    return {"mail_log": deleted, "delivery_copies": copies}


def _attachments_of(queryset):
    for attachments in queryset.exclude(attachments=[]).values_list("attachments", flat=True):
        for item in attachments or []:
            if isinstance(item, dict) and item.get("path", "").startswith(ATTACHMENTS_DIR):
                yield item
