"""When a pledge's agreement is issued: the step that follows "pledge paid" and "pledge
approved" (registered on the pledge's hooks in `pledge_steps.py`).

`schedule_agreement` runs INSIDE the transaction that marks the pledge paid (or approves it) and
records the issuing task in the transactional outbox there: if that transaction commits, the task
is published (now, or by the outbox flush once the broker is back); if it rolls back, nothing was
queued. A crash between commit and an after-commit signal can therefore not lose an agreement.
"""

from django.db import connection

from marketplace.agreements import tasks
from marketplace.agreements.models import AgreementPolicy, IssueOn
from marketplace.pledges.models import PaymentMethod
from worker import outbox

PAYMENT, APPROVAL = "payment", "approval"


def issue_key(pledge_id: int, version: int) -> str:
    return f"agreement:{pledge_id}:v{version}"


def schedule_agreement(pledge, trigger: str = PAYMENT) -> bool:
    """Queue version 1 of the pledge's agreement if `trigger` is the moment its event's policy
    chose; returns whether it did (or had already: the outbox key makes it once).

    - "payment": always (a pledge approved under an "approval" policy already has its
      agreement, and the same key queues nothing more; the task also issues a version once).
    - "approval": only when the event's policy issues on approval and the pledge is paid by
      bank transfer (invoiced); card pledges get theirs when paid.

    Must run inside the transaction that made the move."""
    if not connection.in_atomic_block:
        raise RuntimeError("schedule_agreement must run in the transaction that moves the pledge")
    if trigger == APPROVAL:
        policy = AgreementPolicy.for_event(pledge.event_id)
        if policy.issue_on != IssueOn.APPROVAL:
            return False
        if pledge.payment_method != PaymentMethod.BANK_TRANSFER:
            return False
    elif trigger != PAYMENT:
        raise ValueError(f"Unknown trigger {trigger!r}.")
    outbox.enqueue(tasks.issue_agreement, pledge.pk, 1, key=issue_key(pledge.pk, 1))
    return True
