"""Emailing a finance document through the mail log (worker/mail.py): logged, sent once per
key by the mail queue, with the PDF attached."""

from worker.mail import send_templated_mail


def send_with_attachment(*, subject, template, context, to, filename, content, pledge, key):
    """Log and queue an HTML + text message rendered from `<template>_subject.txt`, `.txt` and
    `.html`, with a PDF attached; the same `key` sends one email however often this runs.
    Returns the number of messages queued (0 when there is no recipient)."""
    to = [address for address in to if address]
    if not to:
        return 0
    send_templated_mail(
        template,
        {**context, "subject": str(subject)},
        to,
        pledge=pledge,
        attachments=[(filename, content, "application/pdf")],
        key=key,
    )
    return 1
