"""Emailing a finance document: one small function, so the mail log (marketplace/core/mail.py,
when it exists) can take over in one place."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_with_attachment(*, subject, template, context, to, filename, content) -> int:
    """Send an HTML + text message rendered from `<template>.txt` / `.html`, with a PDF
    attached. Returns the number of messages sent (0 when there is no recipient)."""
    to = [address for address in to if address]
    if not to:
        return 0
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + str(subject),
        body=render_to_string(f"{template}.txt", context),
        to=to,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.attach(filename, content, "application/pdf")
    return message.send()
