"""Signing: the sponsor signs in the portal, an organiser countersigns in the admin, and the
executed copy goes to both sides and into the partnership register.

A signature is a typed full name and title, a confirmation, and a record of when, from which IP
address and browser, and which document (its SHA-256) was signed. The hash the signer saw must
be the current version's, so nobody signs a version that changed under them.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.agreements import mail, rendering, tasks
from marketplace.agreements.errors import AgreementError
from marketplace.agreements.hooks import AGREEMENT_EXECUTED
from marketplace.agreements.models import Agreement, Signature, SignatureSide
from marketplace.agreements.moves import apply_move, lock_agreement
from marketplace.agreements.services import _pdf_name, _read, pdf_bytes
from marketplace.agreements.states import AgreementState
from sponsors.membership import Action, membership_allows, membership_of, refusal
from worker import outbox

COUNTERSIGN_PERMISSION = "agreements.countersign_agreement"
MAX_NAME = 200
MAX_USER_AGENT = 1000


def _clean_signer(full_name: str, title: str, confirmed: bool) -> tuple[str, str]:
    full_name = " ".join((full_name or "").split())
    title = " ".join((title or "").split())
    if not full_name:
        raise AgreementError(_("Type your full name."), field="full_name")
    if len(full_name) > MAX_NAME:
        raise AgreementError(_("Keep the name under 200 characters."), field="full_name")
    if not title:
        raise AgreementError(_("Type your title (for example Chief Executive)."), field="title")
    if len(title) > MAX_NAME:
        raise AgreementError(_("Keep the title under 200 characters."), field="title")
    if confirmed is not True:
        raise AgreementError(
            _("Confirm that you sign on behalf of the organisation."), field="confirm"
        )
    return full_name, title


def _refuse_unless(agreement, state: str) -> None:
    if agreement.status == state:
        return
    if agreement.status == AgreementState.VOID:
        raise AgreementError(
            _("%(label)s was replaced by a new version: open the current one and sign that.")
            % {"label": agreement.label}
        )
    raise AgreementError(
        _("%(label)s is %(state)s: there is nothing to sign.")
        % {"label": agreement.label, "state": agreement.get_status_display().lower()}
    )


def sign_as_sponsor(
    agreement: Agreement,
    *,
    user,
    full_name: str,
    title: str,
    confirmed: bool,
    document_sha256: str,
    ip_address: str | None,
    user_agent: str = "",
) -> Signature:
    """Record the sponsor's signature of the agreement and move it to signed_by_sponsor; the
    event's organiser is emailed to countersign. Guarantees: the signer is a signatory or an
    administrator of the pledging organisation (`sponsors.membership`), the agreement awaits
    the sponsor, and `document_sha256` (the PDF the signer was shown) is the agreement's —
    else AgreementError and nothing is written."""

    full_name, title = _clean_signer(full_name, title, confirmed)
    with transaction.atomic():
        locked = lock_agreement(agreement.pk)
        organisation = locked.pledge.organisation
        membership = membership_of(user, organisation)
        if membership is None:
            raise AgreementError(_("Only members of the sponsoring organisation can sign."))
        if not membership_allows(membership, Action.SIGN):
            raise AgreementError(refusal(organisation, Action.SIGN))
        _refuse_unless(locked, AgreementState.SENT)
        if (document_sha256 or "").strip().lower() != locked.sha256:
            raise AgreementError(
                _(
                    "The document you read is not the current version of %(label)s: open the "
                    "agreement again, read it and sign."
                )
                % {"label": locked.label}
            )
        signature = Signature.objects.create(
            agreement=locked,
            side=SignatureSide.SPONSOR,
            user=user,
            full_name=full_name,
            title=title,
            ip_address=ip_address,
            user_agent=(user_agent or "")[:MAX_USER_AGENT],
            document_sha256=locked.sha256,
        )
        apply_move(
            locked,
            AgreementState.SIGNED_BY_SPONSOR,
            actor=user,
            reason=_("Signed by %(name)s, %(title)s.") % {"name": full_name, "title": title},
            at=signature.signed_at,
        )
        mail.send(
            locked,
            "signed_by_sponsor",
            [locked.pledge.event.organiser_email],
            key=f"agreement:{locked.pk}:signed_by_sponsor",
        )
    return signature


def countersign(
    agreement: Agreement,
    *,
    user,
    full_name: str,
    title: str,
    confirmed: bool,
    ip_address: str | None,
    user_agent: str = "",
) -> Signature:
    """Record the organisers' countersignature and execute the agreement; the executed PDF is
    rendered, emailed to both sides and entered in the register by the documents task (queued
    in this transaction). Guarantees: the user may countersign and the sponsor has signed this
    version — else AgreementError and nothing is written."""
    if not user.has_perm(COUNTERSIGN_PERMISSION):
        raise AgreementError(_("You may not countersign agreements."))
    full_name, title = _clean_signer(full_name, title, confirmed)
    with transaction.atomic():
        locked = lock_agreement(agreement.pk)
        _refuse_unless(locked, AgreementState.SIGNED_BY_SPONSOR)
        # Nobody signs both sides: a member of the sponsor cannot countersign for the organisers.
        if locked.pledge.organisation.memberships.filter(user=user).exists():
            raise AgreementError(
                _("You are a member of %(organisation)s: another approver must countersign.")
                % {"organisation": locked.pledge.organisation}
            )
        signature = Signature.objects.create(
            agreement=locked,
            side=SignatureSide.ORGANISER,
            user=user,
            full_name=full_name,
            title=title,
            ip_address=ip_address,
            user_agent=(user_agent or "")[:MAX_USER_AGENT],
            document_sha256=locked.sha256,
        )
        apply_move(
            locked,
            AgreementState.EXECUTED,
            actor=user,
            reason=_("Countersigned by %(name)s, %(title)s.") % {"name": full_name, "title": title},
            at=signature.signed_at,
        )
        outbox.enqueue(
            tasks.deliver_executed_agreement, locked.pk, key=f"agreement-executed:{locked.pk}"
        )
    return signature


def deliver_executed(agreement_id: int) -> bool:
    """Render the executed PDF (the signed PDF's pages + the signature page) once, keep it with
    its SHA-256, email it to the signatory and to the event's organiser, and enter the agreement
    in the partnership register as a sponsorship agreement — all of it once: returns False when
    it was done already. The signed PDF is checked against the hash both parties signed."""
    agreement = Agreement.objects.select_related("pledge").filter(pk=agreement_id).first()
    if agreement is None or agreement.status != AgreementState.EXECUTED:
        return False
    if agreement.delivered_at is not None:
        return False
    if not agreement.executed_pdf:
        signed = pdf_bytes(agreement)
        if rendering.sha256_of(signed) != agreement.sha256:
            raise AgreementError(
                _("The stored PDF of %(label)s does not match the hash that was signed.")
                % {"label": agreement.label}
            )
        executed = rendering.render_executed(agreement, signed)
    with transaction.atomic():
        locked = lock_agreement(agreement_id)
        if locked.delivered_at is not None:
            return False
        if not locked.executed_pdf:
            locked.executed_sha256 = rendering.sha256_of(executed)
            locked.executed_pdf.save(
                _pdf_name(locked, "-executed"), ContentFile(executed), save=False
            )
            locked.save(update_fields=["executed_pdf", "executed_sha256"])
        else:
            executed = _read(locked.executed_pdf)
        attachment = (f"{locked.file_stem}-executed.pdf", executed)
        mail.send(
            locked,
            "executed_sponsor",
            mail.signatory_recipients(locked.pledge),
            key=f"agreement:{locked.pk}:executed:sponsor",
            pdf=attachment,
        )
        mail.send(
            locked,
            "executed_organiser",
            [locked.pledge.event.organiser_email],
            key=f"agreement:{locked.pk}:executed:organiser",
            pdf=attachment,
        )
        AGREEMENT_EXECUTED.run(locked, executed_pdf=executed)  # the register enters it
        locked.delivered_at = timezone.now()
        locked.save(update_fields=["register_entry", "delivered_at"])
    return True
