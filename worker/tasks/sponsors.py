"""Emails about sponsor organisations (team invitations, due-diligence decisions).

Their names start with `worker.tasks.mail.` so `task_routes` sends them to the mail queue."""

from celery import shared_task

from sponsors import notifications
from worker.base import BaseTask


@shared_task(
    name="worker.tasks.mail.send_sponsor_invitation",
    base=BaseTask,
)
def send_invitation(invitation_id: int) -> None:
    notifications.send_invitation(invitation_id)


@shared_task(
    name="worker.tasks.mail.send_clearance_decision",
    base=BaseTask,
)
def send_clearance_decision(decision_id: int) -> None:
    notifications.send_clearance_decision(decision_id)
