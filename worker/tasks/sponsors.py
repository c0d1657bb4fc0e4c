"""Emails about sponsor organisations (team invitations, due-diligence decisions)."""

from celery import shared_task

from sponsors import notifications


@shared_task(
    name="worker.tasks.sponsors.send_invitation",
    queue="mail",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_invitation(invitation_id: int) -> None:
    notifications.send_invitation(invitation_id)


@shared_task(
    name="worker.tasks.sponsors.send_clearance_decision",
    queue="mail",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_clearance_decision(decision_id: int) -> None:
    notifications.send_clearance_decision(decision_id)
