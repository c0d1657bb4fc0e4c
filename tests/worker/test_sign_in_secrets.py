"""No sign-in secret is readable by staff: the mail log and failed-task records store reset,
confirmation and invitation links as a placeholder, while the email delivered keeps them; the
mail log's bodies are for Support (and superusers) only; old rows are purged."""

import datetime
import importlib
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sponsors import invitations
from tests.factories import make_organisation, make_user
from worker import failures, redaction
from worker.models import FailedTask, MailDeliveryCopy, MailLog, MailStatus
from worker.tasks import maintenance

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"https?://\S+/accounts/password/reset/key/\S+/")
INVITATION_LINK = re.compile(r"https?://\S+/account/invitations/[\w-]+/")


@pytest.fixture
def logging_backend(settings):
    """As configured outside tests: log, then deliver to memory (mail.outbox)."""
    settings.EMAIL_BACKEND = "worker.mail_backend.LoggingEmailBackend"
    settings.MAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def request_reset(client, email):
    response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 302
    return RESET_LINK.search(mail.outbox[-1].body).group(0)


def logged_text(log: MailLog) -> str:
    return " ".join([log.subject, log.body_text, log.body_html, log.error])


def test_the_reset_link_is_delivered_but_never_stored_in_the_mail_log(client, logging_backend):
    make_user("boss@example.org", is_superuser=True, is_staff=True)
    link = request_reset(client, "boss@example.org")
    key = link.rstrip("/").rsplit("/", 1)[1]
    log = MailLog.objects.get()
    assert link not in logged_text(log) and key not in logged_text(log)
    assert redaction.PLACEHOLDER in log.body_text
    assert log.template == "account/email/password_reset_key"
    # The link the recipient got still works.
    response = client.get(link, follow=True)
    assert response.status_code == 200 and "password1" in response.content.decode()


def test_the_email_confirmation_key_is_not_logged(client, logging_backend):
    password = "a-Long-pass-42!"
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    delivered = mail.outbox[-1].body
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", delivered).group(0)
    log = MailLog.objects.get(to="new@example.org")
    assert link not in logged_text(log)
    assert link.rstrip("/").rsplit("/", 1)[1] not in logged_text(log)
    assert redaction.PLACEHOLDER in log.body_text


def test_an_invitation_link_is_delivered_but_the_log_holds_a_placeholder(
    logging_backend, django_capture_on_commit_callbacks
):
    admin = make_user("admin@acme.example")
    organisation = make_organisation(admin=admin)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.invite(organisation, admin, "new@acme.example")
    delivered = mail.outbox[-1]
    assert invitation.token in delivered.body
    assert invitation.token in delivered.alternatives[0][0]
    log = MailLog.objects.get(template="sponsors/email/invitation")
    assert log.status == MailStatus.SENT
    assert invitation.token not in logged_text(log)
    assert redaction.PLACEHOLDER in log.body_text and redaction.PLACEHOLDER in log.body_html
    assert "/accounts/signup/" in log.body_text  # not a secret: kept
    # Once delivered, the unscrubbed copy is gone too.
    assert not MailDeliveryCopy.objects.exists()


def test_a_scrubbed_email_whose_copy_is_gone_is_not_sent_with_the_placeholder(settings):
    from worker.mail import SignInLinkExpired, deliver

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    log = MailLog.objects.create(
        key="k", to="x@example.org", from_email="s@e.org", subject="Invitation",
        body_text=f"Accept: {redaction.PLACEHOLDER}",
    )  # fmt: skip
    with pytest.raises(SignInLinkExpired):
        deliver(log.pk)
    log.refresh_from_db()
    assert log.status == MailStatus.FAILED and len(mail.outbox) == 0


def test_a_token_link_in_any_text_is_scrubbed_whatever_its_template(settings):
    url = f"{settings.SITE_URL}/account/pledges/?token=s3cr3t-value-12345"
    text = redaction.scrub(f"Pay here {url} or http://h/accounts/confirm-email/MQ:1x:abc/.")
    assert "s3cr3t" not in text and "MQ:1x" not in text
    assert text.count(redaction.PLACEHOLDER) == 2 and text.endswith(".")
    pledge = "http://h/account/pledges/123e4567-e89b-12d3-a456-426614174000/"
    assert redaction.scrub(pledge, strict=True) == pledge  # a UUID is an identifier


def test_a_failed_task_never_records_the_reset_link(client, logging_backend):
    make_user("boss@example.org")
    link = request_reset(client, "boss@example.org")
    failed = failures.record_failure(
        task_name="worker.tasks.mail.send_something",
        task_id="t-1",
        args=[link, 3],
        kwargs={"url": link, "nested": [{"again": f"see {link}"}]},
        exception=RuntimeError(f"SMTP refused the message containing {link}"),
        traceback_text=f'  File "x.py", line 1\n    send("{link}")\n',
        retries=3,
    )
    stored = FailedTask.objects.get(pk=failed.pk)
    everything = f"{stored.args} {stored.kwargs} {stored.exception} {stored.traceback}"
    assert link not in everything
    assert stored.args == [redaction.PLACEHOLDER, 3]
    assert "SMTP refused" in stored.exception


def test_the_data_migration_scrubs_rows_stored_before(client, logging_backend):
    make_user("boss@example.org")
    link = request_reset(client, "boss@example.org")
    MailLog.objects.update(body_text=f"Old row: {link}", body_html=f'<a href="{link}">x</a>')
    FailedTask.objects.create(task_name="t", task_id="1", args=[link], exception=link)
    migration = importlib.import_module("worker.migrations.0003_scrub_sign_in_secrets")
    from django.apps import apps

    migration.scrub_existing(apps, None)
    assert link not in logged_text(MailLog.objects.get())
    failed = FailedTask.objects.get()
    assert link not in f"{failed.args} {failed.exception}"


# ---- Who reads the mail log ----------------------------------------------------------------


@pytest.fixture
def roles(db):
    call_command("ensure_roles", verbosity=0)


def member_of(group_name, email):
    user = make_user(email)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.mark.parametrize(
    "group_name", ["Event organisers", "Sponsorship approvers", "Finance", "Partnership officers"]
)
def test_organisers_approvers_and_finance_cannot_open_the_mail_log(client, roles, group_name):
    entry = MailLog.objects.create(
        key="k", to="x@example.org", from_email="s@e.org", subject="Hello", body_text="Body"
    )
    client.force_login(member_of(group_name, "staff@example.org"))
    for url in (reverse("mail_log:index"), reverse("mail_log:inspect", args=[entry.pk])):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url
        assert b"Body" not in response.content


def test_support_reads_the_mail_log_and_its_bodies(client, roles):
    entry = MailLog.objects.create(
        key="k", to="x@example.org", from_email="s@e.org", subject="Hello", body_text="The body"
    )
    client.force_login(member_of("Support", "support@example.org"))
    assert "Hello" in client.get(reverse("mail_log:index")).content.decode()
    html = client.get(reverse("mail_log:inspect", args=[entry.pk])).content.decode()
    assert "The body" in html


def test_staff_see_that_a_mail_was_sent_on_the_organisation_but_not_its_body(client, roles):
    organisation = make_organisation(display_name="Acme")
    MailLog.objects.create(
        key="k",
        to="x@example.org",
        from_email="s@e.org",
        subject="Your receipt",
        body_text="Secret body",
        organisation=organisation,
        status=MailStatus.SENT,
    )
    # An approver sees every organisation (an organiser only those that pledged to their
    # events, tests/core/test_event_scope.py); neither reads bodies.
    approver = member_of("Sponsorship approvers", "approver@example.org")
    client.force_login(approver)
    url = reverse("sponsor_organisations:inspect", args=[organisation.pk])
    html = client.get(url).content.decode()
    assert "Your receipt" in html and "x@example.org" in html and "Sent" in html
    assert "Secret body" not in html and reverse("mail_log:index") not in html


# ---- Retention -----------------------------------------------------------------------------


def test_beat_purges_mail_log_rows_older_than_the_retention(settings):
    settings.MAIL_LOG_RETENTION_DAYS = 30
    now = timezone.now()
    for key, age in (("old", 31), ("young", 29)):
        MailLog.objects.create(
            key=key,
            to="x@example.org",
            from_email="s@e.org",
            subject=key,
            created_at=now - datetime.timedelta(days=age),
        )
    counts = maintenance.purge_mail_log.delay().get()
    assert counts["mail_log"] == 1
    assert list(MailLog.objects.values_list("key", flat=True)) == ["young"]
    from worker.app import app

    entry = app.conf.beat_schedule["purge-mail-log"]
    assert entry["task"] == "worker.tasks.maintenance.purge_mail_log"
