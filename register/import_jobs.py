"""Large CSV imports run by a worker: the upload is kept under DATA_DIR/private/imports while
the job runs and deleted after, and the `ImportJob` row tells the admin page how far it got.

`start_import_job` saves the file and records the job and its task in one transaction (the
task goes through the outbox, so a broker outage loses nothing); `run_import_job` is the
task's body and is safe to run twice: a finished job is left alone, and a job whose worker
died is simply run again (the import itself is all or nothing, and idempotent).
"""

import csv
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from register import tasks
from register.attachments import private_document_storage
from register.importing import import_agreements
from register.models import ImportJob
from worker import outbox

logger = logging.getLogger(__name__)
FOLDER = "imports"


def runs_in_worker(size: int) -> bool:
    """Whether an upload of `size` bytes is imported by a worker (REGISTER_IMPORT_TASK_MB)."""
    return size > settings.REGISTER_IMPORT_TASK_MB * 1024 * 1024


def start_import_job(upload, *, user, dry_run: bool, update: bool) -> ImportJob:
    """Keep the uploaded file privately, record the job and queue its task after commit."""
    storage = private_document_storage()
    path = storage.save(f"{FOLDER}/{uuid.uuid4().hex}.csv", upload)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                created_by=user if getattr(user, "is_authenticated", False) else None,
                file_name=(upload.name or "import.csv")[:255],
                path=path,
                dry_run=dry_run,
                update=update,
            )
            outbox.enqueue(tasks.run_import_job, job.pk, key=f"register-import:{job.pk}")
    except Exception:
        storage.delete(path)
        raise
    return job


def _count_rows(path) -> int | None:
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            return max(sum(1 for _record in csv.reader(stream)) - 1, 0)
    except (UnicodeDecodeError, csv.Error):
        return None  # the import itself reports what is wrong with the file


def run_import_job(job_id: int) -> bool:
    """Run a queued (or interrupted) job to its end; returns whether it ran. The file is
    deleted whatever happens."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return False
        job.state, job.started_at = ImportJob.State.RUNNING, timezone.now()
        job.save(update_fields=["state", "started_at"])
    storage = private_document_storage()
    try:
        path = storage.path(job.path)
        total = _count_rows(path)
        ImportJob.objects.filter(pk=job.pk).update(rows_total=total)

        def progress(rows_done):
            ImportJob.objects.filter(pk=job.pk).update(rows_done=rows_done)

        with open(path, encoding="utf-8-sig", newline="") as stream:
            result = import_agreements(
                stream,
                dry_run=job.dry_run,
                update=job.update,
                user=job.created_by,
                source="admin import",
                progress=progress,
            )
        job.rows_total = total if total is not None else result.rows
        job.rows_done = result.rows
        job.errors = [str(error) for error in result.errors]
        job.more_errors = result.more_errors
        job.result = {
            "ok": result.ok,
            "summary": result.summary() if result.ok else "",
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "updates": [
                {"line": u.line, "reference": u.reference, "changes": u.changes}
                for u in result.updates
            ],
            "more_updates": result.more_updates,
        }
        job.state = ImportJob.State.DONE
    except Exception:
        # Whatever went wrong (a vanished file, a database error), the person waiting sees
        # that the job ended; the details are in the log, not on the page.
        logger.exception("Register import job %s failed", job.pk)
        job.state = ImportJob.State.FAILED
        job.errors = ["file: the import stopped on an unexpected error; nothing was imported"]
    finally:
        if job.path:
            storage.delete(job.path)
        job.path = ""
        job.finished_at = timezone.now()
        job.save()
    return True
