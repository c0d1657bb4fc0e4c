"""Issuing agreements and replacing them: the services the documents task and the admin call.

Numbering: the first version of a pledge's agreement takes the next `AGR-<year>-<5 digits>`
(gap-free, `marketplace/finance/numbering.py`); every later version of the same pledge's
agreement keeps that number and is told apart by its version (`AGR-2026-00007 v2`). So the AGR
sequence counts agreements, not drafts, and a sponsor's correspondence keeps one number.

Issuing a version (`issue_agreement`, run by the documents task) is safe to run twice or on two
workers at once: the version row is created once (the pledge row is locked, and (pledge,
version) is unique), the PDF is stored once, and the email goes out once (its mail-log key).
"""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.agreements import mail, rendering, tasks
from marketplace.agreements.errors import AgreementError
from marketplace.agreements.models import Agreement
from marketplace.agreements.moves import apply_move, lock_agreement, log_change
from marketplace.agreements.scheduling import issue_key
from marketplace.agreements.states import REPLACEABLE_STATES, AgreementState
from marketplace.finance.numbering import next_number
from marketplace.pledges.models import Pledge
from marketplace.pledges.states import PledgeState
from worker import outbox

log = logging.getLogger(__name__)

SERIES = "AGR"
# A pledge in one of these states may be given an agreement (paid, or approved and invoiced).
ISSUABLE_PLEDGE_STATES = (
    PledgeState.AWAITING_PAYMENT,
    PledgeState.PAID,
    PledgeState.PARTIALLY_REFUNDED,
)


def current_agreement(pledge) -> Agreement | None:
    """The pledge's newest version that is not void (None before the first one is issued)."""
    return (
        Agreement.objects.filter(pledge=pledge)
        .exclude(status=AgreementState.VOID)
        .order_by("-version")
        .first()
    )


def issue_agreement(pledge_id: int, version: int = 1) -> Agreement | None:
    """Create version `version` of the pledge's agreement (frozen content, number), render and
    store its PDF with its SHA-256, move it to sent and email it, with the PDF, to the
    organisation's signatory. Returns the agreement, or None when the pledge cannot have this
    version (not paid or approved any more, or the previous version is missing).

    Guarantees: one row per (pledge, version) and one email, however often or concurrently
    it runs; a failure while rendering leaves the draft (with its number) for the retry."""
    agreement = _create_version(pledge_id, version)
    if agreement is None or agreement.status != AgreementState.DRAFT:
        return agreement
    pdf = rendering.render_agreement(agreement.content)  # slow: outside any lock
    with transaction.atomic():
        agreement = lock_agreement(agreement.pk)
        if agreement.status != AgreementState.DRAFT:
            return agreement  # another run finished first
        stored = []
        if not agreement.pdf:
            agreement.sha256 = rendering.sha256_of(pdf)
            agreement.pdf.save(_pdf_name(agreement), ContentFile(pdf), save=False)
            stored = ["pdf", "sha256"]
        else:
            pdf = _read(agreement.pdf)
        apply_move(
            agreement,
            AgreementState.SENT,
            reason=gettext_lazy("Emailed to the sponsor's signatory for signature."),
            also_save=stored,
        )
        mail.send(
            agreement,
            "reissued" if agreement.version > 1 else "issued",
            mail.signatory_recipients(agreement.pledge, agreement.content),
            key=f"agreement:{agreement.pk}:issued",
            pdf=(f"{agreement.file_stem}.pdf", pdf),
        )
    return agreement


def _create_version(pledge_id: int, version: int) -> Agreement | None:
    with transaction.atomic():
        pledge = (
            Pledge.objects.select_for_update(of=("self",))
            .select_related("event", "organisation")
            .filter(pk=pledge_id)
            .first()
        )
        if pledge is None:
            return None
        existing = Agreement.objects.filter(pledge=pledge, version=version).first()
        if existing is not None:
            return existing
        if pledge.status not in ISSUABLE_PLEDGE_STATES:
            log.info("No agreement for pledge %s: it is %s", pledge.reference, pledge.status)
            return None
        supersedes = ""
        if version == 1:
            number = str(next_number(SERIES))
        else:
            previous = Agreement.objects.filter(pledge=pledge, version=version - 1).first()
            if previous is None or previous.status != AgreementState.VOID:
                log.warning("Pledge %s: version %s without a void predecessor", pledge, version)
                return None
            number, supersedes = previous.number, previous.label
        agreement = Agreement.objects.create(
            pledge=pledge,
            number=number,
            version=version,
            status=AgreementState.DRAFT,
            content=rendering.snapshot(
                pledge, number=number, version=version, supersedes=supersedes
            ),
        )
        log_change(
            agreement,
            "",
            AgreementState.DRAFT,
            reason=_("Version %(version)s issued.") % {"version": version},
        )
    return agreement


def _pdf_name(agreement, suffix: str = "") -> str:
    """The file's name below the field's `agreements/` folder: `<year>/<number>-v<n>.pdf`."""
    year = agreement.number.split("-")[1]
    return f"{year}/{agreement.file_stem}{suffix}.pdf"


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def pdf_bytes(agreement, *, executed: bool = False) -> bytes:
    """The stored PDF (signed version, or executed copy). Raises AgreementError if missing."""
    field = agreement.executed_pdf if executed else agreement.pdf
    if not field:
        raise AgreementError(_("The PDF of %(label)s is not ready yet.") % {"label": agreement})
    return _read(field)


def issue_new_version(agreement: Agreement, *, actor, reason: str = "") -> int:
    """Void `agreement` (the pledge's newest version, not executed; or follow it if it is void
    already) and queue the next version,
    which is rendered from the clauses, organisation and pledge as they are now and emailed to
    the signatory. Returns the new version's number. The sponsor must sign the new version
    (a signature of the old one does not carry over). Raises AgreementError otherwise."""
    reason = (reason or "").strip() or _("Replaced by a new version.")
    with transaction.atomic():
        Pledge.objects.select_for_update().filter(pk=agreement.pledge_id).first()
        locked = lock_agreement(agreement.pk)
        newest = Agreement.objects.filter(pledge_id=locked.pledge_id).order_by("-version").first()
        if newest.pk != locked.pk:
            raise AgreementError(
                _("%(label)s was already replaced by version %(version)s.")
                % {"label": locked.label, "version": newest.version}
            )
        if locked.status not in (*REPLACEABLE_STATES, AgreementState.VOID):
            raise AgreementError(
                _("%(label)s is executed: an executed agreement is changed by an addendum.")
                % {"label": locked.label}
            )
        if locked.pledge.status not in ISSUABLE_PLEDGE_STATES:
            raise AgreementError(
                _("Pledge %(reference)s is %(state)s: it cannot have a new agreement.")
                % {
                    "reference": locked.pledge.reference,
                    "state": locked.pledge.get_status_display().lower(),
                }
            )
        if locked.status != AgreementState.VOID:  # a voided newest version is simply followed
            apply_move(locked, AgreementState.VOID, actor=actor, reason=reason)
        version = locked.version + 1
        schedule_version(locked.pledge_id, version)
    return version


def schedule_version(pledge_id: int, version: int) -> None:
    outbox.enqueue(tasks.issue_agreement, pledge_id, version, key=issue_key(pledge_id, version))


def void_agreement(agreement: Agreement, *, actor, reason: str) -> Agreement:
    """Void an agreement that is not executed, without a replacement (the deal is off). A
    reason is required; it is kept in the history. Raises AgreementError otherwise."""
    reason = (reason or "").strip()
    if not reason:
        raise AgreementError(_("Give a reason: it is kept in the history."), field="reason")
    with transaction.atomic():
        locked = lock_agreement(agreement.pk)
        if locked.status not in REPLACEABLE_STATES:
            raise AgreementError(
                _("%(label)s is %(state)s and cannot be voided.")
                % {"label": locked.label, "state": locked.get_status_display().lower()}
            )
        apply_move(locked, AgreementState.VOID, actor=actor, reason=reason)
    return locked
