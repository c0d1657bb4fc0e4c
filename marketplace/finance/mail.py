"""Emailing a finance document through the mail log (worker/mail.py): logged, sent once per
key by the mail queue, with the PDF attached, in each recipient's language (one message per
language group, `sponsors.languages`; the PDF itself is in the organisation's language)."""

from sponsors.languages import send_in_their_languages


def send_with_attachment(
    *, subject, template, context, to, filename, content, pledge, key, subject_values=None
):
    """Log and queue an HTML + text message rendered from `<template>_subject.txt`, `.txt` and
    `.html`, with a PDF attached; the same `key` sends one email however often this runs.
    `subject` is translated (and formatted with `subject_values`) in each reader's language.
    Returns the number of messages queued (0 when there is no recipient)."""
    to = [address for address in to if address]
    if not to:
        return 0

    def in_language():
        text = str(subject) % subject_values if subject_values else str(subject)
        return {**context, "subject": text}

    logs = send_in_their_languages(
        template,
        in_language,
        to,
        pledge=pledge,
        attachments=[(filename, content, "application/pdf")],
        key=key,
    )
    return len(logs)
