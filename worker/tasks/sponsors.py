"""Emails about sponsor organisations (team invitations, due-diligence decisions).

Their names start with `worker.tasks.mail.` so `task_routes` sends them to the mail queue."""

from celery import shared_task

from sponsors import notifications, screening
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


@shared_task(name="worker.tasks.sponsors.screen_sponsors", base=BaseTask)
def screen_sponsors() -> dict:
    """Daily: screen every organisation against the stored sanctions list (new matches only)."""
    result = screening.screen_organisations(source="daily")
    return {"organisations": result.organisations, "new_matches": len(result.new_matches)}
