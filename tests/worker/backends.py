"""Email backends for the tests: one that always fails, one that fails once then delivers."""

import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        if self.fail_silently:
            return 0
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(BaseEmailBackend):
    """A permanent, non-transient refusal."""

    def send_messages(self, messages):
        raise ValueError("Invalid address")


class FlakyBackend(BaseEmailBackend):
    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Try again")
        mail.outbox.extend(messages)
        return len(messages)
