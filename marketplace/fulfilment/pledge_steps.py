"""Fulfilment's step after a pledge is paid (`marketplace/pledges/hooks.py`), registered by
`FulfilmentConfig.ready`."""

from marketplace.fulfilment.services import enqueue_task_creation
from marketplace.pledges.hooks import PLEDGE_PAID


@PLEDGE_PAID.register(20, "create the benefit tasks")
def create_benefit_tasks(pledge, **context) -> None:
    """Queue the creation of the pledge's benefit tasks through the outbox, in this
    transaction."""
    enqueue_task_creation(pledge.pk)
