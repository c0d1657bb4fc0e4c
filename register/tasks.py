"""The register's Celery task: run a large CSV import. Thin: the work is in `import_jobs.py`,
which enqueues it by object and so imports this module; the task imports `import_jobs` when it
runs, which keeps that a one-way import."""

from celery import shared_task

from worker.base import BaseTask


@shared_task(
    base=BaseTask,
    queue_name="default",
    max_retries=0,
    # A 100,000-row import takes well under a minute; the global 3-minute limit is for mail
    # and PDFs, not for this. Below the broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT).
    soft_time_limit=1500,
    time_limit=1800,
)
def run_import_job(job_id: int) -> bool:
    """Run a large CSV import of the register and record its outcome on the ImportJob. Safe
    to run twice."""
    from register import import_jobs  # at run time: import_jobs imports this module

    return import_jobs.run_import_job(job_id)
