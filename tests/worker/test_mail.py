"""The mail log: every templated email is logged in the caller's transaction, sent once by the
mail queue with a text and an HTML part, and its fate (sent with a message id, or failed with
the error) recorded."""

import smtplib

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import transaction
from django.template import TemplateDoesNotExist

from tests.factories import make_organisation
from tests.worker.backends import FlakyBackend
from worker.mail import Attachment, attachment_storage, deliver, send_templated_mail
from worker.models import FailedTask, MailLog, MailStatus, OutboxMessage

pytestmark = pytest.mark.django_db
HELLO = "worker_tests/email/hello"


def send(to="ada@example.org", **kwargs):
    return send_templated_mail(HELLO, {"name": "Ada"}, to, **kwargs)


def test_an_email_is_logged_queued_then_sent_with_text_and_html_parts(on_commit, settings):
    organisation = make_organisation()
    with on_commit():
        with transaction.atomic():
            log = send(organisation=organisation, key="hello:1")
            assert log.status == MailStatus.QUEUED
            assert mail.outbox == []  # nothing leaves before the commit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.org"]
    assert message.subject == "[Sponsorship] Hello Ada (test)"  # one line, prefixed
    assert "Dear Ada," in message.body and settings.SITE_URL in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<p>Dear Ada,</p>" in html
    log.refresh_from_db()
    assert log.status == MailStatus.SENT and log.attempts == 1
    assert log.sent_at is not None and log.error == ""
    assert log.message_id and log.message_id == message.extra_headers["Message-ID"]
    assert log.message_id.endswith("@example.org>")
    assert (log.template, log.organisation, log.pledge) == (HELLO, organisation, None)
    assert log.to == "ada@example.org" and log.subject == message.subject
    assert OutboxMessage.objects.get().key == f"mail:{log.pk}"


def test_a_rolled_back_transaction_sends_and_logs_nothing(on_commit):
    with on_commit():
        with pytest.raises(RuntimeError), transaction.atomic():
            send()
            raise RuntimeError("no")
    assert mail.outbox == [] and not MailLog.objects.exists()


def test_the_same_key_sent_twice_gives_one_email(on_commit):
    with on_commit():
        first = send(key="receipt:42")
    with on_commit():
        second = send(key="receipt:42")
        with transaction.atomic():
            third = send(key="receipt:42")
    assert first.pk == second.pk == third.pk
    assert len(mail.outbox) == 1 and MailLog.objects.count() == 1
    # The task running again sends nothing either.
    assert deliver(first.pk) is False
    assert len(mail.outbox) == 1


def test_several_recipients_get_one_message(on_commit):
    with on_commit():
        log = send(["a@example.org", " b@example.org ", ""])
    assert mail.outbox[0].to == ["a@example.org", "b@example.org"]
    assert log.to == "a@example.org, b@example.org"


def test_a_failing_backend_marks_the_email_failed_with_the_error(on_commit, settings):
    settings.EMAIL_BACKEND = "tests.worker.backends.FailingBackend"
    with pytest.raises(Exception, match="Connection unexpectedly closed"):
        with on_commit():
            log = send(key="doomed")
    log.refresh_from_db()
    assert log.status == MailStatus.FAILED
    assert log.error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert log.attempts == 9  # the first try and 8 retries
    assert log.failed_at is not None and log.sent_at is None
    failed = FailedTask.objects.get()
    assert (failed.task_name, failed.args) == ("worker.tasks.mail.send_logged_mail", [log.pk])


def test_a_permanent_error_fails_at_once(on_commit, settings):
    settings.EMAIL_BACKEND = "tests.worker.backends.RefusingBackend"
    with pytest.raises(ValueError), on_commit():
        log = send()
    log.refresh_from_db()
    assert (log.status, log.attempts, log.error) == (
        MailStatus.FAILED,
        1,
        "ValueError: Invalid address",
    )


def test_a_transient_failure_is_retried_and_the_email_sent(on_commit, settings):
    settings.EMAIL_BACKEND = "tests.worker.backends.FlakyBackend"
    FlakyBackend.failures_left = 2
    with on_commit():
        log = send()
    log.refresh_from_db()
    assert log.status == MailStatus.SENT and log.attempts == 3
    assert "Try again" in log.error  # what happened on the way is kept
    assert len(mail.outbox) == 1
    assert not FailedTask.objects.exists()


def test_a_failed_email_can_be_sent_by_running_the_task_again(on_commit, settings):
    settings.EMAIL_BACKEND = "tests.worker.backends.RefusingBackend"
    with pytest.raises(ValueError), on_commit():
        log = send()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver(log.pk) is True
    log.refresh_from_db()
    assert log.status == MailStatus.SENT and log.failed_at is None
    assert len(mail.outbox) == 1


def test_attachments_are_stored_privately_and_attached(on_commit, settings, tmp_path):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    storage = attachment_storage()
    stored = storage.save("tests/agreement.pdf", ContentFile(b"%PDF-1.7 agreement"))
    try:
        with on_commit():
            log = send(
                attachments=[
                    Attachment("agreement.pdf", stored, "application/pdf"),
                    ("notes.txt", b"bring a badge", "text/plain"),
                ]
            )
        assert [a[0] for a in mail.outbox[0].attachments] == ["agreement.pdf", "notes.txt"]
        assert mail.outbox[0].attachments[0][1] == b"%PDF-1.7 agreement"
        assert log.attachments[1]["path"].startswith("mail/attachments/")
        assert (tmp_path / "private" / log.attachments[1]["path"]).exists()
        assert not (tmp_path / "media").exists()  # nothing public
    finally:
        storage.delete(stored)


def test_the_language_is_recorded_and_used(on_commit):
    with on_commit():
        log = send(language="fr")
    assert log.language == "fr"


def test_a_pledge_links_its_organisation(tree, on_commit):
    from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for

    event = make_event(tree[1])
    make_terms(event)
    user_org = make_sponsor(name="Acme")
    pledge = pledge_for(user_org, make_package(event, price="100.00", capacity=3))
    log = send(pledge=pledge)
    assert (log.pledge, log.organisation) == (pledge, user_org[1])


def test_bad_calls_are_refused():
    with pytest.raises(ValueError, match="recipient"):
        send([])
    with pytest.raises(TemplateDoesNotExist):
        send_templated_mail("worker_tests/email/missing", {}, "a@example.org")
    assert not MailLog.objects.exists()


@pytest.fixture
def received():
    from worker import signals

    events = []

    def on_sent(sender, log, **kwargs):
        events.append(("sent", log.pk))

    def on_failed(sender, log, **kwargs):
        events.append(("failed", log.pk))

    def on_task_failed(sender, failed, **kwargs):
        events.append(("task", failed.task_name))

    def broken(sender, **kwargs):
        raise RuntimeError("a receiver's bug")

    signals.mail_sent.connect(broken)  # must not stop the delivery nor the others
    signals.mail_sent.connect(on_sent)
    signals.mail_failed.connect(on_failed)
    signals.task_failed.connect(on_task_failed)
    yield events
    signals.mail_sent.disconnect(broken)
    signals.mail_sent.disconnect(on_sent)
    signals.mail_failed.disconnect(on_failed)
    signals.task_failed.disconnect(on_task_failed)


def test_signals_tell_when_an_email_is_sent(on_commit, received):
    with on_commit():
        log = send()
    assert received == [("sent", log.pk)]
    deliver(log.pk)  # nothing new
    assert received == [("sent", log.pk)]
    log.refresh_from_db()
    assert log.status == MailStatus.SENT


def test_signals_tell_once_when_an_email_fails_for_good(on_commit, settings, received):
    settings.EMAIL_BACKEND = "tests.worker.backends.FailingBackend"
    with pytest.raises(smtplib.SMTPServerDisconnected), on_commit():
        log = send()
    # Not on each of the 8 retries: once, then the task's own failure.
    assert received == [("failed", log.pk), ("task", "worker.tasks.mail.send_logged_mail")]
