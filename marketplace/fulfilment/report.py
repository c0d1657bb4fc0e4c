"""The post-event report: after the event, each sponsor receives a PDF of its benefits — what
was delivered, when, with the proofs (photos embedded, links listed, files named) — and what
was waived and why. Sent by beat (marketplace/fulfilment/tasks.py) once per pledge.

A pledge is reported from the day after the event's last day, for REPORT_WINDOW_DAYS (so
turning the feature on never mails sponsors of long-past events). Photos are embedded as
`data:` URIs, scaled down, since the PDF renderer fetches nothing (marketplace/core/pdf.py).
"""

import base64
import datetime
import io

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image, UnidentifiedImageError

from marketplace.core.pdf import render_pdf
from marketplace.pledges.models import Pledge
from marketplace.pledges.states import PAID_STATES
from sponsors import recipients as sponsor_recipients
from sponsors.languages import organisation_language, send_in_their_languages
from sponsors.models import ContactRole
from worker.models import MailLog

REPORT_WINDOW_DAYS = 30
PHOTO_MAX_PIXELS = 1200


def report_key(pledge_id: int) -> str:
    return f"fulfilment:report:{pledge_id}"


def photo_data_uri(fieldfile) -> str:
    """A JPEG `data:` URI of the photo, at most PHOTO_MAX_PIXELS on its longer side ("" when
    the file cannot be read)."""
    try:
        with fieldfile.open("rb") as handle, Image.open(handle) as image:
            image = image.convert("RGB")
            image.thumbnail((PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=80)
    except (OSError, UnidentifiedImageError, ValueError):
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_report(pledge) -> bytes:
    """The report PDF of a pledge (its tasks in due-date order), in its organisation's
    language."""
    tasks = list(pledge.benefit_tasks.order_by("due_date", "benefit_index", "unit"))
    for task in tasks:
        task.photo = (
            photo_data_uri(task.proof_file) if task.proof_file and task.proof_is_photo else ""
        )
    delivered = [task for task in tasks if task.state == "delivered"]
    with translation.override(organisation_language(pledge.organisation)):
        return render_pdf(
            "fulfilment/pdf/report.html",
            {
                "pledge": pledge,
                "event": pledge.event,
                "organisation": pledge.organisation,
                "tasks": tasks,
                "delivered_count": len(delivered),
                "generated_on": timezone.localdate(),
            },
        )


def pledges_to_report(today: datetime.date):

    return (
        Pledge.objects.filter(
            status__in=PAID_STATES,
            event__end_date__lt=today,
            event__end_date__gte=today - datetime.timedelta(days=REPORT_WINDOW_DAYS),
            benefit_tasks__isnull=False,
        )
        .distinct()
        .select_related("organisation", "event")
        .order_by("pk")
    )


def send_report(pledge) -> bool:
    """Render and queue the pledge's report, once: returns False when it was sent before (or
    there is nobody to send it to)."""

    key = report_key(pledge.pk)
    recipients = sponsor_recipients.team_and_contact(pledge.organisation, ContactRole.MARKETING)
    if not recipients or MailLog.objects.filter(key=key).exists():
        return False
    content = render_report(pledge)
    filename = f"benefits-{pledge.reference}.pdf"
    send_in_their_languages(
        "fulfilment/email/report",
        {
            "pledge": pledge,
            "event": pledge.event,
            "tasks": list(pledge.benefit_tasks.order_by("due_date", "benefit_index", "unit")),
            "link": settings.SITE_URL + reverse("pledges:detail", args=[pledge.public_id]),
            "filename": filename,
        },
        recipients,
        pledge=pledge,
        attachments=[(filename, content, "application/pdf")],
        key=key,
    )
    return True


def send_post_event_reports(today: datetime.date | None = None) -> int:
    """Queue the report of every paid pledge whose event ended (within the window) and that
    has not had it yet, once per pledge. Returns how many were due and unsent when this call
    looked."""

    today = today or timezone.localdate()
    pledges = list(pledges_to_report(today))
    done = set(
        MailLog.objects.filter(key__in=[report_key(p.pk) for p in pledges]).values_list(
            "key", flat=True
        )
    )
    return sum(send_report(pledge) for pledge in pledges if report_key(pledge.pk) not in done)
