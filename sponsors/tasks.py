"""Sponsors' Celery tasks: emails about organisations (team invitations, due-diligence
decisions) on the `mail` queue, and beat's daily sanctions screening.

Thin and safe to run twice (see notifications.py and screening.py)."""

from celery import shared_task
from celery.schedules import crontab

from sponsors import notifications, screening
from worker.app import app
from worker.base import BaseTask


@shared_task(base=BaseTask, queue_name="mail")
def send_invitation(invitation_id: int) -> None:
    notifications.send_invitation(invitation_id)


@shared_task(base=BaseTask, queue_name="mail")
def send_clearance_decision(decision_id: int) -> None:
    notifications.send_clearance_decision(decision_id)


@shared_task(base=BaseTask, queue_name="default")
def screen_sponsors() -> dict:
    """Daily: screen every organisation against the stored sanctions list (new matches only)."""
    result = screening.screen_organisations(source="daily")
    return {"organisations": result.organisations, "new_matches": len(result.new_matches)}


app.add_periodic_task(
    crontab(hour=3, minute=17),  # daily: the sanctions list changes often
    screen_sponsors.s(),
    name="screen-sponsors",
)
