"""The mail queue: send one logged email (see `worker/mail.py`, which enqueues it)."""

from celery import shared_task

from worker import mail
from worker.base import BaseTask


@shared_task(bind=True, base=BaseTask, queue_name="mail")
def send_logged_mail(self, mail_log_id: int) -> bool:
    """Send MailLog `mail_log_id` once; transient errors retry with backoff, and the last
    attempt's error marks the row failed. Running it again after success sends nothing."""
    return mail.deliver(mail_log_id, final_attempt=self.is_final_attempt)
