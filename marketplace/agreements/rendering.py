"""What an agreement says, frozen, and its PDFs.

`snapshot` copies everything the agreement shows (parties, event, package, benefits from the
pledge's own snapshot, amounts in figures and in words, payment terms, clauses) into the
agreement's `content` when the version is created, so editing a clause, the organisation or the
package afterwards never changes an issued version: a change needs a new version.

`render_agreement` lays out `content` with WeasyPrint (`marketplace/core/pdf.py`). The executed
PDF is the signed PDF's own pages, byte for byte, followed by a signature page rendered from the
two signature records (`render_executed`).
"""

import hashlib
import io
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from events.choices import PackageCategory, Region
from marketplace.agreements.models import PackageClause, StandardClause
from marketplace.agreements.words import amount_in_words
from marketplace.core.pdf import render_pdf
from marketplace.finance.models import Invoice, Receipt
from marketplace.finance.snapshots import issuer
from marketplace.pledges.models import PaymentMethod
from marketplace.pledges.states import PAID_STATES
from sponsors.languages import organisation_language
from sponsors.models import ContactRole

AGREEMENT_TEMPLATE = "agreements/pdf/agreement.html"
SIGNATURE_PAGE_TEMPLATE = "agreements/pdf/signature_page.html"


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def figures(value, currency: str) -> str:
    """ "CHF 50,000.00": the amount as finance documents write it."""
    return f"{currency} {number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)}"


def payment_terms(pledge) -> str:
    """How the sponsor pays (or paid), in a sentence, from the pledge's receipts and invoice."""

    total = figures(pledge.total, pledge.currency)
    if pledge.status in PAID_STATES:
        receipts = list(
            Receipt.objects.filter(pledge=pledge)
            .order_by("year", "sequence")[:5]
            .values_list("number", "issued_at")
        )
        if receipts:
            return _(
                "The sponsor paid the full amount of %(total)s on %(date)s (receipt %(receipts)s)."
            ) % {
                "total": total,
                "date": timezone.localdate(receipts[-1][1]).isoformat(),
                "receipts": ", ".join(number for number, _at in receipts),
            }
        return _("The sponsor paid the full amount of %(total)s.") % {"total": total}
    invoice = Invoice.objects.filter(pledge=pledge).first()
    if invoice is not None:
        return _(
            "The sponsor pays %(total)s by bank transfer against invoice %(invoice)s, quoting "
            "the payment reference %(reference)s, by %(date)s."
        ) % {
            "total": total,
            "invoice": invoice.number,
            "reference": invoice.payment_reference,
            "date": invoice.due_date.isoformat(),
        }
    due = timezone.localdate(pledge.expires_at).isoformat() if pledge.expires_at else "—"
    if pledge.payment_method == PaymentMethod.BANK_TRANSFER:
        return _(
            "The sponsor pays %(total)s by bank transfer against the invoice issued on the "
            "pledge's page, quoting the payment reference %(reference)s, by %(date)s."
        ) % {"total": total, "reference": pledge.reference, "date": due}
    return _("The sponsor pays %(total)s by card on the pledge's page by %(date)s.") % {
        "total": total,
        "date": due,
    }


def _clauses(pledge) -> list[dict]:

    standard = StandardClause.objects.filter(active=True).order_by("order", "pk")
    specific = PackageClause.objects.filter(active=True, package_id=pledge.package_id).order_by(
        "order", "pk"
    )
    return [{"title": c.title, "body": c.body, "scope": "standard"} for c in standard] + [
        {"title": c.title, "body": c.body, "scope": "package"} for c in specific
    ]


def _party(organisation) -> dict:

    signatory = organisation.contact_for(ContactRole.SIGNATORY)
    return {
        "legal_name": organisation.legal_name,
        "display_name": organisation.display_name,
        "billing_address": organisation.billing_address,
        "country": str(organisation.country.name) if organisation.country else "",
        "tax_id": organisation.tax_id,
        "signatory_name": signatory.name if signatory else "",
        "signatory_email": signatory.email if signatory else "",
        "signatory_role": str(signatory.get_role_display()) if signatory else "",
    }


def snapshot(pledge, *, number: str, version: int, supersedes: str = "") -> dict:
    """Everything version `version` of the pledge's agreement shows, as JSON, in the language
    the organisation chose for its documents (kept as `language`: every later rendering of
    this version uses it). Reads the pledge's snapshot of its package (never the package as it
    is now)."""

    event = pledge.event
    bureau = issuer()
    label = number if version == 1 else f"{number} v{version}"
    language = organisation_language(pledge.organisation)
    with translation.override(language):
        try:
            category = str(PackageCategory(pledge.package_category).label)
        except ValueError:
            category = pledge.package_category
        return {
            "number": number,
            "version": version,
            "language": language,
            "label": label,
            "supersedes": supersedes,
            "issued_on": timezone.localdate().isoformat(),
            "bureau": {
                "name": bureau["organisation_name"],
                "address": bureau["address"],
                "email": bureau["contact_email"],
            },
            "sponsor": _party(pledge.organisation),
            "event": {
                "title": event.title,
                "acronym": event.acronym,
                "start_date": event.start_date.isoformat(),
                "end_date": event.end_date.isoformat(),
                "venue": event.venue,
                "city": event.city,
                "country": str(event.country.name) if event.country else "",
                "region": str(Region(event.region).label) if event.region else "",
                "organiser_name": event.organiser_name,
                "organiser_email": event.organiser_email,
            },
            "pledge": {
                "reference": pledge.reference,
                "package_title": pledge.package_title,
                "package_category": category,
                "quantity": pledge.quantity,
                "unit_price": figures(pledge.unit_price, pledge.currency),
                "total": figures(pledge.total, pledge.currency),
                "total_value": str(pledge.total),
                "currency": pledge.currency,
                "total_in_words": amount_in_words(pledge.total, pledge.currency),
                "payment_method": str(pledge.get_payment_method_display()),
            },
            "benefits": [
                {
                    "kind": str(row.get("kind_label", "")),
                    "description": row.get("description", ""),
                    "quantity": row.get("quantity", 1),
                    "due_date": row.get("due_date", ""),
                }
                for row in pledge.benefit_rows
            ],
            "payment_terms": payment_terms(pledge),
            "clauses": _clauses(pledge),
        }


def content_language(content: dict) -> str:
    return (content or {}).get("language") or settings.LANGUAGE_CODE


def render_agreement(content: dict) -> bytes:
    """The agreement's PDF, from its frozen content, in the language it was issued in (the
    site's, for versions issued before agreements had one)."""
    with translation.override(content_language(content)):
        return render_pdf(AGREEMENT_TEMPLATE, {"c": content})


def render_signature_page(agreement) -> bytes:
    signatures = list(agreement.signatures.order_by("side"))
    with translation.override(content_language(agreement.content)):
        return render_pdf(
            SIGNATURE_PAGE_TEMPLATE,
            {
                "c": agreement.content,
                "agreement": agreement,
                "sponsor": next((s for s in signatures if s.side == "sponsor"), None),
                "organiser": next((s for s in signatures if s.side == "organiser"), None),
            },
        )


def render_executed(agreement, signed_pdf: bytes) -> bytes:
    """The signed PDF's pages unchanged, then the signature page."""
    # pypdf only when an agreement is executed (a worker task), not in every web process.
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(signed_pdf)))
    writer.append(PdfReader(io.BytesIO(render_signature_page(agreement))))
    writer.add_metadata(
        {"/Title": f"{agreement.label} (executed)", "/Subject": "Sponsorship agreement"}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
