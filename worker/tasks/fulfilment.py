"""Benefit fulfilment: turn a paid pledge's benefits into tasks (see marketplace/fulfilment)."""

from celery import shared_task

from marketplace.fulfilment import services
from worker.base import BaseTask


@shared_task(base=BaseTask, name="worker.tasks.fulfilment.create_benefit_tasks")
def create_benefit_tasks(pledge_id: int) -> int:
    """Create the pledge's benefit tasks; returns how many it has. Safe to run twice."""
    return len(services.create_tasks_for_pledge(pledge_id))
