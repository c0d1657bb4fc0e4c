"""The hook other apps attach to when a pledge is paid (agreements, fulfilment tasks).

`pledge_paid` is sent after the transaction that marked the pledge paid commits, with
`pledge_id`; receivers should queue their work (tasks take ids) and be safe to run twice.

    from marketplace.payments.signals import pledge_paid

    @receiver(pledge_paid)
    def start_agreement(sender, pledge_id, **kwargs): ...
"""

from django.db import transaction
from django.dispatch import Signal

pledge_paid = Signal()


def announce_paid_after_commit(pledge_id: int) -> None:
    def send():
        from marketplace.pledges.models import Pledge

        pledge_paid.send(sender=Pledge, pledge_id=pledge_id)

    transaction.on_commit(send)
