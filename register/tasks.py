"""The register's Celery tasks (registered by `RegisterConfig.ready`, in the web and worker
processes alike). Thin: the work is in `import_jobs.py`."""

from celery import shared_task

from worker.base import BaseTask


@shared_task(
    base=BaseTask,
    name="register.tasks.run_import_job",
    max_retries=0,
    # A 100,000-row import takes well under a minute; the global 3-minute limit is for mail
    # and PDFs, not for this. Below the broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT).
    soft_time_limit=1500,
    time_limit=1800,
)
def run_import_job(job_id: int) -> bool:
    """Run a large CSV import of the register and record its outcome on the ImportJob. Safe
    to run twice."""
    from register import import_jobs

    return import_jobs.run_import_job(job_id)
