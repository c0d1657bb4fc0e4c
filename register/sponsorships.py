"""Executed marketplace sponsorship agreements land in the register by themselves: a step of
`marketplace.agreements.hooks.AGREEMENT_EXECUTED`, registered in `RegisterConfig.ready`."""

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.agreements.hooks import AGREEMENT_EXECUTED
from marketplace.agreements.models import SignatureSide
from register.choices import SignatorySide
from register.services import record_sponsorship_agreement


@AGREEMENT_EXECUTED.register(10, "enter it in the partnership register")
def enter_in_register(agreement, *, executed_pdf: bytes, **context) -> None:
    """Record the executed sponsorship agreement (with its executed PDF) in the register and
    link it from the agreement (`register_entry`, saved by the caller)."""
    executed = executed_pdf
    pledge = agreement.pledge
    content = agreement.content
    sponsor = agreement.signature_of(SignatureSide.SPONSOR)
    organiser = agreement.signature_of(SignatureSide.ORGANISER)
    agreement.register_entry = record_sponsorship_agreement(
        reference=agreement.number,
        title=(
            _("Sponsorship of %(event)s: %(package)s")
            % {"event": content["event"]["title"], "package": content["pledge"]["package_title"]}
        )[:255],
        organisation=pledge.organisation,
        signed_on=timezone.localdate(agreement.executed_at),
        regions=[pledge.event.region],
        value=pledge.total,
        currency=pledge.currency,
        objective=_("%(quantity)s × %(package)s, pledge %(reference)s (agreement %(label)s).")
        % {
            "quantity": pledge.quantity,
            "package": pledge.package_title,
            "reference": pledge.reference,
            "label": agreement.label,
        },
        signatories=[
            (SignatorySide.PARTNER, sponsor.full_name, sponsor.title),
            (SignatorySide.BUREAU, organiser.full_name, organiser.title),
        ],
        documents=[
            (
                _("%(label)s (executed)") % {"label": agreement.label},
                ContentFile(executed, name=f"{agreement.file_stem}-executed.pdf"),
            )
        ],
    )
