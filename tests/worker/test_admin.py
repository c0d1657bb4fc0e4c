"""Staff see the mail log (filtered by organisation, pledge and status), failed tasks with a
retry action, and each pledge's and organisation's emails on their admin pages."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.factories import make_organisation, make_user
from worker.models import FailedTask, MailLog, MailStatus, OutboxMessage

pytestmark = pytest.mark.django_db


def log(subject, **fields):
    return MailLog.objects.create(
        key=subject, to="x@example.org", from_email="s@example.org", subject=subject, **fields
    )


@pytest.fixture
def staff(client):
    user = make_user("root@example.org", is_superuser=True, is_staff=True)
    client.force_login(user)
    return client


def staff_with(*codenames):
    group = Group.objects.create(name="-".join(codenames) or "admin only")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="worker", codename__in=codenames),
    )
    user = make_user(f"{group.name}@example.org")
    user.groups.add(group)
    return user


def test_the_mail_log_filters_by_organisation_and_status(staff):
    acme, globex = make_organisation(display_name="Acme"), make_organisation(display_name="Globex")
    log("Acme receipt", organisation=acme, status=MailStatus.SENT)
    log(
        "Acme reminder",
        organisation=acme,
        status=MailStatus.FAILED,
        error="550 no such user",
        body_text="Please pay.",
        body_html="<p>Please <b>pay</b>.</p>",
    )
    log("Globex receipt", organisation=globex)
    url = reverse("mail_log:index")
    html = staff.get(url, {"organisation": acme.pk}).content.decode()
    assert "Acme receipt" in html and "Acme reminder" in html and "Globex receipt" not in html
    html = staff.get(url, {"status": "failed"}).content.decode()
    assert "Acme reminder" in html and "Acme receipt" not in html
    entry = MailLog.objects.get(subject="Acme reminder")
    html = staff.get(reverse("mail_log:inspect", args=[entry.pk])).content.decode()
    assert "550 no such user" in html and "Please pay." in html
    assert 'srcdoc="&lt;p&gt;Please &lt;b&gt;pay&lt;/b&gt;.&lt;/p&gt;"' in html  # sandboxed


def test_the_organisation_page_lists_its_emails(staff):
    acme = make_organisation(display_name="Acme")
    log("Welcome to Acme", organisation=acme)
    log("Not about Acme")
    url = reverse("sponsor_organisations:inspect", args=[acme.pk])
    html = staff.get(url).content.decode()
    assert "Welcome to Acme" in html and "Not about Acme" not in html
    assert f"{reverse('mail_log:index')}?organisation={acme.pk}" in html


def test_the_pledge_page_lists_its_emails(staff, tree, django_capture_on_commit_callbacks):
    from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for
    from worker.mail import send_templated_mail

    event = make_event(tree[1])
    make_terms(event)
    pledge = pledge_for(make_sponsor(name="Acme"), make_package(event, price="10.00"))
    send_templated_mail(
        "worker_tests/email/hello", {"name": "Pledger"}, "p@example.org", pledge=pledge
    )
    html = staff.get(reverse("pledges_admin:inspect", args=[pledge.pk])).content.decode()
    assert "Hello Pledger" in html
    assert f"?pledge={pledge.pk}" in html


def test_a_failed_task_is_retried_once_from_the_admin(staff, django_capture_on_commit_callbacks):
    failed = FailedTask.objects.create(
        task_name="tests.worker.append_line",
        task_id="abc",
        args=["/dev/null", "x"],
        exception="OSError: disk full",
        traceback="Traceback (most recent call last):\n  File ...\nOSError: disk full",
    )
    inspect_url = reverse("failed_tasks:inspect", args=[failed.pk])
    retry_url = reverse("failed_tasks:retry", args=[failed.pk])
    html = staff.get(inspect_url).content.decode()
    assert "OSError: disk full" in html and retry_url in html
    assert "Traceback (most recent call last):\n  File ..." in html
    assert "disk full" in staff.get(retry_url).content.decode()  # the confirmation page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(retry_url)
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.retried_at is not None and failed.retried_by.email == "root@example.org"
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.args) == ("tests.worker.append_line", ["/dev/null", "x"])
    staff.post(retry_url)
    assert OutboxMessage.objects.count() == 1
    assert retry_url not in staff.get(inspect_url).content.decode()


def test_without_the_permissions_staff_see_nothing(client):
    failed = FailedTask.objects.create(task_name="t", task_id="1", exception="E")
    client.force_login(staff_with())
    for url in (reverse("mail_log:index"), reverse("failed_tasks:index")):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url
    client.force_login(staff_with("view_failedtask"))
    assert client.get(reverse("failed_tasks:index")).status_code == 200
    response = client.get(reverse("failed_tasks:inspect", args=[failed.pk]))
    assert reverse("failed_tasks:retry", args=[failed.pk]) not in response.content.decode()
    # Wagtail turns the refusal into a redirect with an error message.
    response = client.post(reverse("failed_tasks:retry", args=[failed.pk]))
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not OutboxMessage.objects.exists()


def test_the_grantable_permissions_are_view_and_retry_only():
    from wagtail import hooks

    codenames = {
        permission.codename
        for hook in hooks.get_hooks("register_permissions")
        for permission in hook()
        if permission.content_type.app_label == "worker"
    }
    assert codenames == {
        "view_maillog",
        "view_failedtask",
        "retry_failedtask",
        "view_outboxmessage",
    }
