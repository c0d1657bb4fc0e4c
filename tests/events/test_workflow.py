"""An organiser drafts and submits a package; only an approver can publish it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from events.editorial import APPROVERS, ORGANISERS, ensure_editorial_setup
from events.models import EventOrganiser, SponsorshipPackagePage
from tests.factories import make_event


def _user(email, group):
    user = get_user_model().objects.create_user(email, email, "a-long-password-123")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editorial(tree):
    ensure_editorial_setup(tree[1])
    event = make_event(tree[1])
    organiser = _user("organiser@example.org", ORGANISERS)
    EventOrganiser.objects.create(event=event, user=organiser)
    return event, organiser, _user("approver@example.org", APPROVERS)


def _package_form(**overrides):
    data = {
        "title": "Exclusive networking dinner",
        "slug": "dinner",
        "category": "social_event",
        "price": "60000.00",
        "capacity": "1",
        "max_per_sponsor": "1",
        "summary": "The dinner.",
        "description": streamfield([]),
        "benefits": inline_formset(
            [
                {
                    "kind": "speaking_slot",
                    "quantity": "1",
                    "days_before_event": "21",
                    "description": "",
                }
            ]
        ),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_organiser_submits_and_approver_publishes(client, editorial, settings):
    # Public pages may be up to AVAILABILITY_CACHE_SECONDS old; this story reads them at once.
    settings.AVAILABILITY_CACHE_SECONDS = 0
    event, organiser, approver = editorial
    client.force_login(organiser)
    add_url = reverse("wagtailadmin_pages:add", args=["events", "sponsorshippackagepage", event.pk])
    response = client.post(add_url, {**_package_form(), "action-submit": "Submit"})
    assert response.status_code == 302, response.content.decode()[:2000]
    package = SponsorshipPackagePage.objects.get(slug="dinner")
    assert not package.live
    state = WorkflowState.objects.get(object_id=str(package.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    # The organiser cannot publish directly.
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[package.pk]),
        {**_package_form(), "action-publish": "Publish"},
    )
    package.refresh_from_db()
    assert not package.live
    # Not live means not public: neither on the event page nor in the API.
    client.logout()
    assert "Exclusive networking dinner" not in client.get(event.url).content.decode()
    assert client.get(f"/api/v1/packages/{package.pk}/").status_code == 404

    # The approver approves the task, which publishes the page.
    client.force_login(approver)
    task_state = state.current_task_state
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[package.pk, "approve", task_state.pk],
        ),
        {"comment": "Looks right."},
    )
    assert (response.status_code, response["Location"]) == (302, f"/admin/pages/{package.pk}/edit/")
    package.refresh_from_db()
    assert package.live
    client.logout()
    assert "Exclusive networking dinner" in client.get(event.url).content.decode()
    assert client.get(f"/api/v1/packages/{package.pk}/").json()["status"] == "available"


def test_organiser_cannot_edit_outside_the_events_tree(client, editorial, tree):
    _, organiser, _ = editorial
    client.force_login(organiser)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[tree[0].pk]))
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # refused


def test_scheduled_package_goes_live_when_publish_scheduled_runs(editorial):
    import datetime

    import time_machine
    from django.utils import timezone

    from cms.tasks import publish_scheduled

    event, *_ = editorial
    package = SponsorshipPackagePage(
        title="Later package", slug="later", category="headline", price=1, capacity=2
    )
    event.add_child(instance=package)
    package.unpublish()
    package.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    package.save_revision().publish()
    package.refresh_from_db()
    assert not package.live
    publish_scheduled.delay()
    package.refresh_from_db()
    assert not package.live
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        publish_scheduled.delay()
    package.refresh_from_db()
    assert package.live
