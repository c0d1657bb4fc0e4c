"""The agreements' part of the sponsor's to-do list (`marketplace/pledges/todo.py`): the
agreement sent for signature, to sign before the event starts; once the sponsor signed, the
organisers' countersignature, shown as waiting on them. Registered by `AgreementsConfig.ready`."""

from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.agreements.models import Agreement
from marketplace.agreements.states import AgreementState
from marketplace.pledges.todo import SIGN, SPONSOR_TODO, WAITING, ToDo


@SPONSOR_TODO.register(20, "agreements: sign the agreement")
def agreement_steps(pledges) -> list[ToDo]:
    events = {pledge.pk: pledge.event for pledge in pledges}
    agreements = Agreement.objects.filter(
        pledge__in=list(events),
        status__in=(AgreementState.SENT, AgreementState.SIGNED_BY_SPONSOR),
    ).only("pk", "public_id", "number", "version", "status", "pledge_id")
    items = []
    for agreement in agreements:
        if agreement.status == AgreementState.SENT:
            items.append(
                ToDo(
                    agreement.pledge_id,
                    SIGN,
                    _("Sign agreement %(label)s") % {"label": agreement.label},
                    deadline=events[agreement.pledge_id].start_date,
                    url=reverse("agreements:detail", args=[agreement.public_id]),
                    action=_("Read and sign"),
                    detail=_("Your signatory signs online; it takes a minute."),
                    key="sign",
                )
            )
        else:
            items.append(
                ToDo(
                    agreement.pledge_id,
                    WAITING,
                    _("The organisers countersign agreement %(label)s.")
                    % {"label": agreement.label},
                    url=reverse("agreements:detail", args=[agreement.public_id]),
                    action=_("See the agreement"),
                    waiting=True,
                    key="countersign",
                )
            )
    return items
