"""Remove sign-in secrets from mail-log rows and failed-task records written before the mail
log scrubbed them (see worker/redaction.py). Irreversible by design: the links are gone."""

from django.db import migrations

BATCH = 500


def scrub_existing(apps, schema_editor):
    from worker import redaction

    MailLog = apps.get_model("worker", "MailLog")
    for log in MailLog.objects.only("pk", "template", "subject", "body_text", "body_html",
                                    "error").iterator(chunk_size=BATCH):  # fmt: skip
        subject, text, html = redaction.scrub_mail(
            log.subject, log.body_text, log.body_html, template=log.template
        )
        error = redaction.scrub(log.error, strict=True)
        if (subject, text, html, error) != (log.subject, log.body_text, log.body_html, log.error):
            MailLog.objects.filter(pk=log.pk).update(
                subject=subject, body_text=text, body_html=html, error=error
            )
    FailedTask = apps.get_model("worker", "FailedTask")
    for failed in FailedTask.objects.iterator(chunk_size=BATCH):
        scrubbed = {
            "args": redaction.scrub_data(failed.args),
            "kwargs": redaction.scrub_data(failed.kwargs),
            "exception": redaction.scrub(failed.exception),
            "traceback": redaction.scrub(failed.traceback),
        }
        if any(getattr(failed, name) != value for name, value in scrubbed.items()):
            FailedTask.objects.filter(pk=failed.pk).update(**scrubbed)


class Migration(migrations.Migration):
    dependencies = [("worker", "0002_mail_delivery_copy")]

    operations = [migrations.RunPython(scrub_existing, migrations.RunPython.noop)]
