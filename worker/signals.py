"""Django signals about background work, for apps that want to react to a delivery.

- `mail_sent(sender=MailLog, log=<MailLog>)`: an email was handed to the provider (status sent).
- `mail_failed(sender=MailLog, log=<MailLog>)`: an email failed for good (status failed).
- `task_failed(sender=FailedTask, failed=<FailedTask>)`: a Celery task failed for good.

Each is sent after the change is committed, in the worker. A receiver's exception is logged
and never undoes or repeats the delivery.
"""

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

mail_sent = Signal()
mail_failed = Signal()
task_failed = Signal()


def send_robustly(signal: Signal, sender, **kwargs) -> None:
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "A %s receiver (%r) failed: %r", sender.__name__, receiver, result, exc_info=result
            )
