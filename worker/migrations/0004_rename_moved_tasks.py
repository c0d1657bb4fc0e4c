"""Tasks moved beside their services (`<app>/tasks.py`) and took the names Celery derives from
their new modules. Pending outbox messages and failed-task records keep the name they were
stored with, so they are renamed here: messages queued before the deploy still run, and a failed
task can still be retried. Reversible (the same table, read backwards).

Messages already handed to the broker carry the old name: let the workers empty the queues
before deploying (stop web and beat first), or they are refused as unregistered."""

from django.db import migrations

RENAMED = {
    "worker.tasks.agreements.remind_unsigned": "marketplace.agreements.tasks.remind_unsigned",
    "worker.tasks.agreements.clear_signature_evidence": (
        "marketplace.agreements.tasks.clear_signature_evidence"
    ),
    "worker.tasks.documents.issue_agreement": "marketplace.agreements.tasks.issue_agreement",
    "worker.tasks.documents.deliver_executed_agreement": (
        "marketplace.agreements.tasks.deliver_executed_agreement"
    ),
    "worker.tasks.documents.deliver_document": "marketplace.finance.tasks.deliver_document",
    "worker.tasks.fulfilment.create_benefit_tasks": (
        "marketplace.fulfilment.tasks.create_benefit_tasks"
    ),
    "worker.tasks.reminders.remind_fulfilment": "marketplace.fulfilment.tasks.remind_fulfilment",
    "worker.tasks.pledges.expire_overdue_holds": "marketplace.pledges.tasks.expire_overdue_holds",
    "worker.tasks.reminders.remind_payments": "marketplace.pledges.tasks.remind_payments",
    "worker.tasks.mail.send_sponsor_invitation": "sponsors.tasks.send_invitation",
    "worker.tasks.mail.send_clearance_decision": "sponsors.tasks.send_clearance_decision",
    "worker.tasks.sponsors.screen_sponsors": "sponsors.tasks.screen_sponsors",
    "worker.tasks.maintenance.publish_scheduled": "cms.tasks.publish_scheduled",
}


def rename(apps, mapping):
    OutboxMessage = apps.get_model("worker", "OutboxMessage")
    FailedTask = apps.get_model("worker", "FailedTask")
    for old, new in mapping.items():
        OutboxMessage.objects.filter(task_name=old, sent_at__isnull=True).update(task_name=new)
        FailedTask.objects.filter(task_name=old).update(task_name=new)


def forwards(apps, schema_editor):
    rename(apps, RENAMED)


def backwards(apps, schema_editor):
    rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("worker", "0003_scrub_sign_in_secrets")]

    operations = [migrations.RunPython(forwards, backwards)]
