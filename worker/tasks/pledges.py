"""Periodic upkeep of pledges: expire overdue holds and offer freed slots to waiting lists."""

from celery import shared_task

from marketplace.pledges import services, waitlist


@shared_task(name="worker.tasks.pledges.expire_overdue_holds", ignore_result=True)
def expire_overdue_holds() -> dict:
    """Expire holds whose time ran out (emailing their sponsors), then offer any free slots to
    the organisations waiting for them. Safe to run twice: the second run finds nothing."""
    return {
        "expired": services.expire_overdue(),
        "offered": waitlist.offer_all_waiting(),
    }
