"""What can happen to a sponsor organisation: onboarding, profile edits, contacts and the
organisers' due-diligence decisions. Each function is one transaction; emails are queued after
commit.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sponsors import tasks
from sponsors.models import (
    APPROVED_CLEARANCES,
    Clearance,
    ClearanceDecision,
    Contact,
    ContactRole,
    ExclusionCriterion,
    MemberRole,
    Membership,
    Organisation,
    ScreeningMatch,
    ScreeningOutcome,
)
from sponsors.screening import has_open_match, screen_organisation
from worker import outbox

# Changing one of these on a cleared organisation sends it back to due-diligence review.
MATERIAL_FIELDS = ("legal_name", "country", "category")
DECISION_FIELDS = ("clearance", "clearance_reason", "cleared_by_id", "cleared_at")


class OrganisationError(Exception):
    """A request about an organisation that the rules refuse; the message is for the person."""


def create_organisation(user, organisation: Organisation, primary_contact: dict) -> Organisation:
    """Save a new organisation with `user` as its administrator and a primary contact.

    Guarantees: the organisation, the admin membership and the contact are created together
    or not at all; a declaration is timestamped when the category needs one and both boxes are
    ticked; the organisation starts pending due diligence.
    """
    if organisation.pk:
        raise OrganisationError(_("This organisation already exists."))
    with transaction.atomic():
        organisation.clearance = Clearance.PENDING
        _stamp_declaration(organisation)
        organisation.save()
        Membership.objects.create(user=user, organisation=organisation, role=MemberRole.ADMIN)
        Contact.objects.create(
            organisation=organisation, role=ContactRole.PRIMARY, **primary_contact
        )
        screen_organisation(organisation, source="onboarding")
    return organisation


def update_organisation(organisation: Organisation, changed_fields, by=None) -> Organisation:
    """Save profile edits made by an organisation admin.

    Guarantees: the declaration timestamp follows the boxes; a change of legal name, country
    or category on a cleared organisation puts it back to pending review (a declined one stays
    declined).
    """
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        # The decision is the organisers': keep what is stored, not what the form loaded.
        for field in DECISION_FIELDS:
            setattr(organisation, field, getattr(current, field))
        reopened = current.clearance in APPROVED_CLEARANCES and (
            set(MATERIAL_FIELDS) & set(changed_fields)
        )
        if reopened:
            organisation.clearance = Clearance.PENDING
            organisation.clearance_reason = _(
                "Sent back to review after a change of %(fields)s."
            ) % {"fields": ", ".join(f for f in MATERIAL_FIELDS if f in changed_fields)}
        _stamp_declaration(organisation)
        organisation.save()
        if {"legal_name", "display_name"} & set(changed_fields):
            screen_organisation(organisation, source="profile")
        if reopened:
            ClearanceDecision.objects.create(
                organisation=organisation,
                decision=Clearance.PENDING,
                reason=organisation.clearance_reason,
                decided_by=by,
            )
    return organisation


def _stamp_declaration(organisation: Organisation) -> None:
    declared = organisation.declares_no_excluded_activities and organisation.accepts_global_compact
    if declared and organisation.declared_at is None:
        organisation.declared_at = timezone.now()
    elif not declared:
        organisation.declared_at = None


def save_contact(contact: Contact) -> Contact:
    """Create or update a contact. Guarantees the organisation keeps a primary contact: the
    last primary contact cannot be moved to another role."""
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=contact.organisation_id)
        if contact.pk and contact.role != ContactRole.PRIMARY:
            before = Contact.objects.get(pk=contact.pk)
            if before.role == ContactRole.PRIMARY and _last_primary(before):
                raise OrganisationError(
                    _("This is the only primary contact: add another primary contact first.")
                )
        contact.save()
        screen_organisation(contact.organisation, source="contact")
    return contact


def delete_contact(contact: Contact) -> None:
    """Delete a contact, unless it is the organisation's only primary contact."""
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=contact.organisation_id)
        if contact.role == ContactRole.PRIMARY and _last_primary(contact):
            raise OrganisationError(
                _("This is the only primary contact: add another primary contact first.")
            )
        contact.delete()


def _last_primary(contact: Contact) -> bool:
    others = Contact.objects.filter(
        organisation_id=contact.organisation_id, role=ContactRole.PRIMARY
    )
    return not others.exclude(pk=contact.pk).exists()


def clear_organisation(organisation: Organisation, by, reason: str) -> ClearanceDecision:
    """Mark the organisation cleared in due diligence (see `decide_clearance`)."""
    return decide_clearance(organisation, by, Clearance.CLEARED, reason)


def decline_organisation(organisation: Organisation, by, reason: str) -> ClearanceDecision:
    """Mark the organisation declined in due diligence (see `decide_clearance`)."""
    return decide_clearance(organisation, by, Clearance.DECLINED, reason)


def decide_clearance(
    organisation: Organisation,
    by,
    decision: str,
    reason: str,
    notify=True,
    *,
    criteria=(),
    reservation: str = "",
):
    """Record a due-diligence decision: approved, approved with reservation, or declined.

    Guarantees: a reason is required, and a reservation when approving with one; the exclusion
    criteria checked (`ExclusionCriterion` values) are kept with the decision; an organisation
    that must declare and has not, or that has a sanctions-screening match awaiting review,
    cannot be approved; the organisation's state, who and when are updated and a
    `ClearanceDecision` is written in one transaction; the primary contact is emailed after
    commit (`notify`).
    """
    reason = (reason or "").strip()
    reservation = (reservation or "").strip()
    criteria = list(dict.fromkeys(criteria or ()))
    if decision not in (*APPROVED_CLEARANCES, Clearance.DECLINED):
        raise OrganisationError(_("Unknown decision."))
    if not reason:
        raise OrganisationError(_("Give a reason for the decision."))
    if decision == Clearance.RESERVED and not reservation:
        raise OrganisationError(_("Say what the reservation is."))
    unknown = set(criteria) - set(ExclusionCriterion.values)
    if unknown:
        raise OrganisationError(
            _("Unknown exclusion criteria: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if decision in APPROVED_CLEARANCES and not locked.has_declared:
            raise OrganisationError(
                _("The organisation has not yet declared it is not involved in excluded "
                  "activities and accepts the UN Global Compact; it cannot be cleared.")
            )  # fmt: skip
        if decision in APPROVED_CLEARANCES and has_open_match(locked):
            raise OrganisationError(
                _("A possible match with the UN Security Council sanctions list awaits an "
                  "approver's review: review it before approving the organisation.")
            )  # fmt: skip
        now = timezone.now()
        locked.clearance = decision
        locked.clearance_reason = reason
        locked.cleared_by = by
        locked.cleared_at = now
        locked.save(update_fields=["clearance", "clearance_reason", "cleared_by", "cleared_at"])
        record = ClearanceDecision.objects.create(
            organisation=locked,
            decision=decision,
            reason=reason,
            decided_by=by,
            decided_at=now,
            criteria_checked=criteria,
            reservation=reservation if decision == Clearance.RESERVED else "",
        )
        if notify:
            _queue_decision_email(record.pk)
    for field in ("clearance", "clearance_reason", "cleared_by", "cleared_at"):
        setattr(organisation, field, getattr(locked, field))
    return record


def _queue_decision_email(decision_id: int) -> None:
    """Enqueue the email task in the current transaction (outbox: sent after commit)."""
    outbox.enqueue(
        tasks.send_clearance_decision,
        decision_id,
        key=f"clearance-decision:{decision_id}",
    )


class ScreeningError(OrganisationError):
    """A review the rules refuse; the message is for the person."""


def review_match(match: ScreeningMatch, by, outcome: str, reason: str) -> ScreeningMatch:
    """Record an approver's review of an open match.

    Guarantees: a reason is required and a match is reviewed once; a true match declines the
    organisation in due diligence (its history says why; no email is sent, so nobody is tipped
    off); who, when, the outcome and the reason stay on the match.
    """
    reason = (reason or "").strip()
    if outcome not in (ScreeningOutcome.TRUE_MATCH, ScreeningOutcome.FALSE_POSITIVE):
        raise ScreeningError(_("Choose true match or false positive."))
    if not reason:
        raise ScreeningError(_("Give the reason for your review."))
    with transaction.atomic():
        locked = ScreeningMatch.objects.select_for_update().select_related("entry").get(pk=match.pk)
        if not locked.is_open:
            raise ScreeningError(_("This match has already been reviewed."))
        locked.outcome = outcome
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.review_reason = reason
        locked.save(update_fields=["outcome", "reviewed_by", "reviewed_at", "review_reason"])
        if outcome == ScreeningOutcome.TRUE_MATCH:
            decide_clearance(
                locked.organisation,
                by,
                Clearance.DECLINED,
                _("%(name)s matches the UN Security Council sanctions list entry %(entry)s. "
                  "%(reason)s") % {
                    "name": locked.subject_name,
                    "entry": locked.entry,
                    "reason": reason,
                },
                notify=False,
            )  # fmt: skip
    return locked
