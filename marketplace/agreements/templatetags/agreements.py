"""The agreement parts of other apps' pages: the pledge page's agreement section and the
sponsor dashboard's "agreements to sign". Inclusion tags, so those views need no change."""

from django import template

from marketplace.agreements.models import Agreement, AgreementPolicy, IssueOn
from marketplace.agreements.states import AgreementState
from marketplace.pledges.states import PAID_STATES

register = template.Library()


@register.inclusion_tag("agreements/includes/pledge_section.html")
def pledge_agreement_section(pledge):
    versions = list(Agreement.objects.filter(pledge=pledge).order_by("-version"))
    current = next((a for a in versions if a.status != AgreementState.VOID), None)
    # Paid (or a version replaced) but the task has not produced the agreement yet.
    waiting = current is None and (bool(versions) or pledge.status in PAID_STATES)
    return {
        "pledge": pledge,
        "current": current,
        "older": [a for a in versions if a.status == AgreementState.VOID],
        "waiting": waiting,
        "on_approval": AgreementPolicy.for_event(pledge.event_id).issue_on == IssueOn.APPROVAL,
    }


@register.inclusion_tag("agreements/includes/to_sign.html")
def agreements_to_sign(organisation):
    agreements = (
        Agreement.objects.filter(pledge__organisation=organisation, status=AgreementState.SENT)
        .order_by("sent_at", "pk")
        .only("public_id", "number", "version", "content")
    )
    return {"agreements": list(agreements)}
