"""The logging email backend: mail sent by other code (allauth, send_mail) is logged too, and
templated mail is not logged twice."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.urls import reverse

from tests.factories import make_user
from worker.mail import send_templated_mail
from worker.models import MailLog, MailStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def logging_backend(settings):
    """As configured outside tests: log, then deliver to memory (mail.outbox)."""
    settings.EMAIL_BACKEND = "worker.mail_backend.LoggingEmailBackend"
    settings.MAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def test_a_direct_message_is_delivered_and_logged_as_sent(logging_backend):
    message = EmailMultiAlternatives("Plain", "Text body", to=["x@example.org"], cc=["y@e.org"])
    message.attach_alternative("<p>HTML body</p>", "text/html")
    assert message.send() == 1
    assert len(mail.outbox) == 1
    log = MailLog.objects.get()
    assert log.source == MailLog.Source.BACKEND and log.status == MailStatus.SENT
    assert (log.to, log.subject, log.body_text) == ("x@example.org, y@e.org", "Plain", "Text body")
    assert log.body_html == "<p>HTML body</p>"
    assert log.message_id == mail.outbox[0].extra_headers["Message-ID"]
    assert mail.outbox[0].message()["Message-ID"] == log.message_id


def test_a_delivery_failure_is_logged_and_raised(logging_backend):
    logging_backend.MAIL_DELIVERY_BACKEND = "tests.worker.backends.FailingBackend"
    with pytest.raises(Exception, match="unexpectedly closed"):
        send_mail("Hi", "Body", None, ["x@example.org"])
    log = MailLog.objects.get()
    assert log.status == MailStatus.FAILED and "SMTPServerDisconnected" in log.error
    # fail_silently: logged as failed, nothing raised.
    assert send_mail("Hi again", "Body", None, ["x@example.org"], fail_silently=True) == 0
    assert MailLog.objects.filter(subject="Hi again", status=MailStatus.FAILED).exists()


def test_templated_mail_through_the_logging_backend_is_logged_once(
    logging_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        log = send_templated_mail("worker_tests/email/hello", {"name": "Ada"}, "a@example.org")
    assert len(mail.outbox) == 1
    assert MailLog.objects.get() == log
    log.refresh_from_db()
    assert log.status == MailStatus.SENT


def test_allauth_password_reset_mail_is_logged(client, logging_backend):
    make_user("forgetful@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    log = MailLog.objects.get()
    assert log.to == "forgetful@example.org"
    assert log.subject == mail.outbox[0].subject and "Password Reset" in log.subject
    assert log.status == MailStatus.SENT and log.source == MailLog.Source.BACKEND


def test_the_backend_refuses_to_delegate_to_itself(settings):
    from worker.mail_backend import LoggingEmailBackend

    settings.MAIL_DELIVERY_BACKEND = "worker.mail_backend.LoggingEmailBackend"
    with pytest.raises(ValueError, match="MAIL_DELIVERY_BACKEND"):
        LoggingEmailBackend()
