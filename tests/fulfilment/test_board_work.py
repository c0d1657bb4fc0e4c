"""Working the fulfilment board: columns by state, assigning (one task or many), starting in
bulk, and "remind sponsor" (the asset request sent now, once a day at most, in the history)."""

import datetime
import re

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.editorial import ORGANISERS
from marketplace.fulfilment import reminders
from marketplace.fulfilment.models import BenefitTask
from tests.factories import make_event, make_package, make_sponsor, make_terms
from tests.fulfilment.conftest import BENEFITS, paid_pledge_with_tasks
from worker.models import MailLog


def _column(html, state):
    section = re.search(rf'<section class="board-column"[^>]*data-column="{state}">(.*?)</section>',
                        html, re.S)  # fmt: skip
    return re.findall(r'data-task="(\d+)"', section.group(1))


def _colleague(django_user_model, email="sam@example.org", name="Sam"):
    user = django_user_model.objects.create_user(email, email, "x", first_name=name)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    return user


def test_the_board_has_a_headed_column_per_state(client, paid, organiser, event):
    from marketplace.fulfilment import services

    tasks = {task.kind: task for task in paid[1]}
    services.start(tasks["passes"], actor=organiser)
    client.force_login(organiser)
    html = client.get(f"/admin/fulfilment/event/{event.pk}/").content.decode()
    for heading in ("To do", "In progress", "Delivered", "Waived"):
        assert re.search(rf"<h2 id=\"column-\w+\">{heading} ", html)
    assert _column(html, "in_progress") == [str(tasks["passes"].pk)]
    assert len(_column(html, "to_do")) == 5
    assert "No task in this state." in html  # delivered and waived are empty


def test_bulk_assign_then_filter_by_assignee(client, paid, organiser, event, django_user_model):
    sam = _colleague(django_user_model)
    logo, passes = (t for t in paid[1] if t.kind in ("logo_website", "passes"))
    client.force_login(organiser)
    board = f"/admin/fulfilment/event/{event.pk}/"
    response = client.post(
        "/admin/fulfilment/board/bulk/",
        {"action": "assign", "assignee": sam.pk, "task": [logo.pk, passes.pk], "next": board},
        follow=True,
    )
    assert "Assign to…: 2 tasks done." in response.content.decode()
    assert set(BenefitTask.objects.filter(assignee=sam).values_list("pk", flat=True)) == {
        logo.pk,
        passes.pk,
    }
    assert logo.history.filter(reason="Assigned to Sam.", actor=organiser).exists()
    mine = client.get(board, {"assignee": sam.pk}).content.decode()
    assert sorted(re.findall(r'data-task="(\d+)"', mine)) == sorted([str(logo.pk), str(passes.pk)])
    unassigned = client.get(board, {"assignee": "none"}).content.decode()
    assert len(re.findall(r'data-task="(\d+)"', unassigned)) == 4
    assert "Sam" in re.search(rf'data-task="{logo.pk}">(.*?)</li>', mine, re.S).group(1)


def test_assigning_needs_a_choice_and_someone_who_works_the_board(
    client, paid, organiser, event, django_user_model
):
    from marketplace.fulfilment import services
    from marketplace.fulfilment.states import FulfilmentError

    logo = paid[1][0]
    client.force_login(organiser)
    response = client.post(
        "/admin/fulfilment/board/bulk/", {"action": "assign", "task": [logo.pk]}, follow=True
    )
    assert "Choose who the tasks go to." in response.content.decode()
    sponsor_user = django_user_model.objects.get(email="maya@acme.example")
    try:
        services.assign(logo, assignee=sponsor_user, actor=organiser)
    except FulfilmentError as error:
        assert "cannot work benefit tasks" in error.message
    else:
        raise AssertionError("a sponsor was assigned a task")
    assert BenefitTask.objects.get(pk=logo.pk).assignee is None


def test_bulk_start_skips_tasks_of_other_events_and_reports_refusals(
    client, paid, organiser, event, tree
):
    other_event = make_event(tree[1], title="Regional Forum", acronym="RF-26")
    make_terms(other_event)
    other = paid_pledge_with_tasks(make_sponsor(name="Other"), make_package(other_event,
                                   benefits=BENEFITS))[1][0]  # fmt: skip
    logo = paid[1][0]
    from marketplace.fulfilment import services

    services.start(paid[1][1], actor=organiser)  # already started: refused, listed
    client.force_login(organiser)
    response = client.post(
        "/admin/fulfilment/board/bulk/",
        {"action": "start", "task": [logo.pk, paid[1][1].pk, other.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Start: 1 task done." in html
    assert "cannot go from “In progress” to “In progress”" in html
    assert BenefitTask.objects.get(pk=logo.pk).state == "in_progress"
    assert BenefitTask.objects.get(pk=other.pk).state == "to_do"  # another event: untouched


def test_remind_sponsor_sends_now_once_a_day_and_logs_it(client, paid, organiser, event):
    logo = next(task for task in paid[1] if task.kind == "logo_website")
    client.force_login(organiser)
    url = f"/admin/fulfilment/task/{logo.pk}/remind/"
    first = client.post(url, follow=True).content.decode()
    assert "Sponsor reminded: Logo on website — Acme" in first
    mails = MailLog.objects.filter(key__startswith=f"fulfilment:remind-sponsor:{logo.pk}:")
    assert mails.count() == 1 and "maya@acme.example" in mails.get().recipients
    assert logo.history.filter(reason__startswith="Sponsor reminded", actor=organiser).exists()

    again = client.post(url, follow=True).content.decode()
    assert "already reminded about this benefit today" in again
    assert mails.count() == 1

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    reminders.remind_sponsor(logo, actor=organiser, today=tomorrow)  # a new day: sent again
    assert mails.count() == 2


def test_remind_sponsor_refuses_a_task_needing_nothing_or_already_supplied(client, paid, organiser):
    exhibition = next(task for task in paid[1] if not task.needs_asset)
    client.force_login(organiser)
    html = client.post(f"/admin/fulfilment/task/{exhibition.pk}/remind/", follow=True)
    assert "needs nothing from the sponsor" in html.content.decode()
    assert not MailLog.objects.filter(key__startswith="fulfilment:remind-sponsor:").exists()


def test_the_board_query_count_does_not_grow_with_the_tasks(client, organiser, event, package):
    client.force_login(organiser)
    paid_pledge_with_tasks(make_sponsor(name="One"), package)
    board = f"/admin/fulfilment/event/{event.pk}/"
    client.get(board)
    with CaptureQueriesContext(connection) as few:
        client.get(board)
    for n in range(2):
        paid_pledge_with_tasks(make_sponsor(name=f"More {n}"), package)
    with CaptureQueriesContext(connection) as many:
        client.get(board)
    assert len(many) == len(few)
