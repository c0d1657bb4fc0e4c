"""The organisers' fulfilment board in the Wagtail admin: filters, overdue in words, pagination,
the start / deliver / waive actions, and who may use them."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from events.editorial import APPROVERS, ORGANISERS
from events.models import EventOrganiser
from marketplace.fulfilment import admin_views, services
from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.permissions import ensure_fulfilment_permissions
from tests.fulfilment.conftest import paid_pledge_with_tasks
from tests.fulfilment.images import jpeg, png


def _rows(html):
    return re.findall(r'<li class="task-card[^"]*" data-task="(\d+)"', html)


def _board(client, event, **params):
    response = client.get(f"/admin/fulfilment/event/{event.pk}/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_events_overview_counts_open_overdue_and_missing_tasks(client, paid, organiser, event):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=35), tick=False):
        # 35 days on: the logo (due 30 days before the event) is 5 days late.
        client.force_login(organiser)  # sessions last two weeks
        html = client.get("/admin/fulfilment/").content.decode()
    assert event.title in html
    assert "1 overdue" in html


def test_the_board_filters_by_state_kind_team_and_due_date(client, paid, organiser, event):
    tasks = {task.kind: task for task in paid[1]}
    services.start(tasks["passes"], actor=organiser)
    client.force_login(organiser)

    assert len(_rows(_board(client, event))) == 6
    assert _rows(_board(client, event, state="in_progress")) == [str(tasks["passes"].pk)]
    assert _rows(_board(client, event, kind="logo_website")) == [str(tasks["logo_website"].pk)]
    assert sorted(_rows(_board(client, event, team="logistics"))) == [str(tasks["exhibition"].pk)]
    start = event.start_date
    in_range = _board(
        client,
        event,
        due_from=(start - datetime.timedelta(days=21)).isoformat(),
        due_to=(start - datetime.timedelta(days=10)).isoformat(),
    )
    assert sorted(_rows(in_range)) == sorted(
        str(tasks[k].pk) for k in ("passes", "press_release", "exhibition")
    )
    bad_range = _board(
        client, event, due_from=start.isoformat(), due_to="2000-01-01"
    )  # refused with a message, the filter is not applied
    assert "The end of the range is before its start." in bad_range


def test_overdue_tasks_are_marked_in_words_and_filterable(client, paid, organiser, event):
    logo = next(task for task in paid[1] if task.kind == "logo_website")
    later = timezone.now() + datetime.timedelta(days=32)  # the logo is due 28 days from now
    with time_machine.travel(later, tick=False):
        client.force_login(organiser)
        html = _board(client, event)
        overdue_only = _board(client, event, overdue="on")
    assert "Overdue by 2 days" in html
    assert re.search(rf'<li class="task-card task-overdue" data-task="{logo.pk}">', html)
    assert _rows(overdue_only) == [str(logo.pk)]


def test_the_board_is_paginated(client, organiser, event, package, monkeypatch):
    from tests.factories import make_sponsor

    monkeypatch.setattr(admin_views, "TASKS_PER_PAGE", 4)
    paid_pledge_with_tasks(make_sponsor(name="One"), package)  # 6 tasks
    client.force_login(organiser)
    overview = _board(client, event)  # each column shows its first cards, then a link
    assert len(_rows(overview)) == 4 and "2 more — show this column alone" in overview
    first = _board(client, event, state="to_do")
    second = _board(client, event, state="to_do", page=2)
    assert len(_rows(first)) == 4 and len(_rows(second)) == 2
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert not set(_rows(first)) & set(_rows(second))


def test_an_organiser_starts_delivers_with_a_photo_and_waives(client, paid, organiser, event):
    tasks = {task.kind: task for task in paid[1]}
    client.force_login(organiser)
    board = f"/admin/fulfilment/event/{event.pk}/?state=to_do"
    logo = tasks["logo_website"]

    response = client.post(f"/admin/fulfilment/task/{logo.pk}/start/", {"next": board})
    assert response.status_code == 302 and response["Location"] == board
    assert BenefitTask.objects.get(pk=logo.pk).state == "in_progress"

    deliver = f"/admin/fulfilment/task/{logo.pk}/deliver/"
    refused = client.post(deliver, {"note": "no proof"})
    assert refused.status_code == 200
    assert "Give a proof of delivery: a photo, a file or a link." in refused.content.decode()
    assert BenefitTask.objects.get(pk=logo.pk).state == "in_progress"

    done = client.post(deliver, {"proof_file": jpeg(), "proof_url": "example.org/sponsors"})
    assert done.status_code == 302
    logo.refresh_from_db()
    assert (logo.state, logo.proof_url, logo.proof_is_photo) == (
        "delivered",
        "https://example.org/sponsors",
        True,
    )
    proof = client.get(f"/admin/fulfilment/task/{logo.pk}/proof/")
    assert proof.status_code == 200 and proof["Content-Type"] == "image/jpeg"

    waive = f"/admin/fulfilment/task/{tasks['passes'].pk}/waive/"
    assert "This field is required" in client.post(waive, {"reason": ""}).content.decode()
    client.post(waive, {"reason": "The sponsor sends no delegates."})
    assert BenefitTask.objects.get(pk=tasks["passes"].pk).state == "waived"

    history = client.get(f"/admin/fulfilment/task/{logo.pk}/").content.decode()
    assert "Olivia" in history and "In progress" in history and "Delivered" in history


def test_an_unsafe_next_address_is_ignored(client, paid, organiser):
    task = paid[1][0]
    client.force_login(organiser)
    response = client.post(
        f"/admin/fulfilment/task/{task.pk}/start/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/admin/fulfilment/task/{task.pk}/"


def test_the_task_page_shows_the_sponsors_logo(client, paid, sponsor, organiser):
    logo = next(task for task in paid[1] if task.kind == "logo_website")
    services.submit_asset(logo, user=sponsor[0], upload=png())
    logo.refresh_from_db()
    client.force_login(organiser)
    html = client.get(f"/admin/fulfilment/task/{logo.pk}/").content.decode()
    assert logo.asset_logo.url in html and "Logo supplied by Acme" in html


@pytest.mark.parametrize("action", ["start", "deliver", "waive"])
def test_admin_users_without_the_permission_cannot_act(client, paid, django_user_model, action):
    task = paid[1][0]
    viewer = django_user_model.objects.create_user("v@example.org", "v@example.org", "x")
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_benefittask"),
    )
    EventOrganiser.objects.create(event=task.event, user=viewer)  # in scope, but may not act
    client.force_login(viewer)
    assert client.get(f"/admin/fulfilment/task/{task.pk}/").status_code == 200
    response = client.post(
        f"/admin/fulfilment/task/{task.pk}/{action}/",
        {"reason": "x", "proof_url": "https://example.org"},
    )
    # Wagtail turns the refusal into a redirect to the dashboard with an error message.
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert BenefitTask.objects.get(pk=task.pk).state == "to_do"


def test_permissions_are_granted_idempotently(db):
    ensure_fulfilment_permissions()
    ensure_fulfilment_permissions()
    for name in (ORGANISERS, APPROVERS):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"access_admin", "view_benefittask", "deliver_benefittask"} <= codenames
    assert Group.objects.filter(name=ORGANISERS).count() == 1
