"""Four eyes on the catalogue: whoever submits a package cannot approve it, pages under review
are published by approval only, and an organiser works only on the events they organise."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupApprovalTask, Task, WorkflowState

from events.editorial import APPROVERS, ORGANISERS, REVIEW_TASK, ensure_editorial_setup
from events.models import EventOrganiser, EventPage, SponsorshipPackagePage
from events.review import SponsorshipReviewTask
from tests.events.test_workflow import _package_form
from tests.factories import make_event, make_package


def _user(email, group):
    user = get_user_model().objects.create_user(email, email, "a-long-password-123")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def review(tree):
    ensure_editorial_setup(tree[1])
    event = make_event(tree[1])
    return (
        event,
        _user("amadou@example.org", APPROVERS),
        _user("beatrice@example.org", APPROVERS),
    )


def _submit(client, user, event, slug="dinner"):
    client.force_login(user)
    add_url = reverse("wagtailadmin_pages:add", args=["events", "sponsorshippackagepage", event.pk])
    response = client.post(add_url, {**_package_form(slug=slug), "action-submit": "Submit"})
    assert response.status_code == 302, response.content.decode()[:2000]
    package = SponsorshipPackagePage.objects.get(slug=slug)
    return package, WorkflowState.objects.get(object_id=str(package.pk))


def _approve(client, package, state):
    return client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[package.pk, "approve", state.current_task_state.pk],
        ),
        {"comment": "Fine by me."},
    )


def test_an_approver_cannot_approve_the_package_they_submitted(client, review):
    event, amadou, beatrice = review
    package, state = _submit(client, amadou, event)
    task = state.current_task_state.task.specific
    assert isinstance(task, SponsorshipReviewTask)
    assert task.get_actions(package, amadou) == []

    response = _approve(client, package, state)
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # refused
    package.refresh_from_db()
    state.refresh_from_db()
    assert not package.live
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    # Nor is it in their dashboard's "awaiting your review".
    assert not task.get_task_states_user_can_moderate(amadou).exists()

    # Another approver can.
    client.force_login(beatrice)
    assert [name for name, *_ in task.get_actions(package, beatrice)] == [
        "reject",
        "approve",
        "approve",
    ]
    response = _approve(client, package, state)
    assert (response.status_code, response["Location"]) == (302, f"/admin/pages/{package.pk}/edit/")
    package.refresh_from_db()
    assert package.live


def test_the_submitter_is_refused_even_when_calling_the_task_directly(review, client):
    from django.core.exceptions import PermissionDenied

    event, amadou, _ = review
    package, state = _submit(client, amadou, event)
    task = state.current_task_state.task.specific
    with pytest.raises(PermissionDenied):
        task.on_action(state.current_task_state, amadou, "approve")
    package.refresh_from_db()
    assert not package.live


def test_an_approver_cannot_publish_a_reviewed_page_with_the_publish_button(client, review):
    event, amadou, _ = review
    client.force_login(amadou)
    add_url = reverse("wagtailadmin_pages:add", args=["events", "sponsorshippackagepage", event.pk])
    response = client.post(add_url, {**_package_form(), "action-publish": "Publish"})
    package = SponsorshipPackagePage.objects.get(slug="dinner")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[package.pk])
    assert not package.live  # saved as a draft, to be submitted for review


def test_the_existing_review_task_becomes_a_sponsorship_review_task_in_place(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("events.migrations.0002_organisers_and_review_task")
    old = GroupApprovalTask.objects.create(name=REVIEW_TASK)
    assert not SponsorshipReviewTask.objects.filter(pk=old.pk).exists()
    migration.convert_review_task(apps, None)
    migration.convert_review_task(apps, None)  # a second run changes nothing
    assert isinstance(Task.objects.get(pk=old.pk).specific, SponsorshipReviewTask)


# --- Per-event scope in the page explorer ---------------------------------------------------


@pytest.fixture
def two_events(tree):
    ensure_editorial_setup(tree[1])
    mine = make_event(tree[1], title="Global Symposium", acronym="GSR-26", slug="gsr")
    theirs = make_event(tree[1], title="Regional Forum", acronym="RF-26", slug="forum")
    make_package(theirs, title="Coffee break", slug="coffee")
    olivia = _user("olivia@example.org", ORGANISERS)
    EventOrganiser.objects.create(event=mine, user=olivia)
    return mine, theirs, olivia


def test_an_organiser_sees_and_edits_only_their_events_in_the_explorer(client, two_events):
    mine, theirs, olivia = two_events
    client.force_login(olivia)
    listing = client.get(reverse("wagtailadmin_explore", args=[mine.get_parent().pk]))
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "Global Symposium" in html and "Regional Forum" not in html

    assert client.get(reverse("wagtailadmin_pages:edit", args=[mine.pk])).status_code == 200
    for url in (
        reverse("wagtailadmin_pages:edit", args=[theirs.pk]),
        reverse("wagtailadmin_pages:edit", args=[theirs.get_children().get().pk]),
        reverse("wagtailadmin_pages:add", args=["events", "sponsorshippackagepage", theirs.pk]),
        reverse("wagtailadmin_pages:delete", args=[theirs.pk]),
    ):
        response = client.get(url)
        # Wagtail's "permission denied"
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url


def test_an_organiser_who_creates_an_event_organises_it(client, two_events, tree):
    *_, olivia = two_events
    client.force_login(olivia)
    data = {
        "title": "Study Group 1",
        "slug": "sg1",
        "acronym": "SG1",
        "start_date": "2031-03-01",
        "end_date": "2031-03-03",
        "city": "Geneva",
        "country": "CH",
        "venue": "",
        "region": "GLO",
        "currency": "CHF",
        "sponsorship_deadline": "2031-02-01",
        "card_hold_minutes": "30",
        "bank_transfer_hold_days": "14",
        "organiser_name": "Team",
        "organiser_email": "team@example.org",
        "summary": "",
    }
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    data = nested_form_data({**data, "body": streamfield([]), "organisers": inline_formset([])})
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["events", "eventpage", tree[1].pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = EventPage.objects.get(slug="sg1")
    assert list(event.organisers.values_list("user", flat=True)) == [olivia.pk]
    # The draft's revision lists the team too, so publishing it keeps the organiser.
    event.get_latest_revision().publish()
    assert list(event.organisers.values_list("user", flat=True)) == [olivia.pk]
