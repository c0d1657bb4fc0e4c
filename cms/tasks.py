"""The site's periodic task (beat): Wagtail's scheduled publishing."""

from celery import shared_task
from celery.schedules import crontab
from django.core.management import call_command

from worker.app import app


@shared_task(queue_name="default", ignore_result=True)
def publish_scheduled() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones (Wagtail's own
    command, so the admin's scheduling is the single source of truth)."""
    call_command("publish_scheduled")


app.add_periodic_task(crontab(), publish_scheduled.s(), name="publish-scheduled-pages")
