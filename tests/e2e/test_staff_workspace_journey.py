"""Staff journeys through their workspaces: an approver clears the queue the dashboard shows,
reading the pledge's whole story before deciding; an organiser works the fulfilment board —
assigns, reminds the sponsor, starts and delivers — reads the pledge's story, and clones GSR-26
into GSR-27 from the event's page."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from events.choices import BenefitKind, PackageCategory
from events.editorial import APPROVERS, ORGANISERS, ensure_editorial_setup
from events.models import EventOrganiser, EventPage, SponsorshipPackagePage
from marketplace.core.roles import ensure_roles
from marketplace.fulfilment.models import BenefitTask
from marketplace.payments.bank import record_transfer
from marketplace.pledges.models import Pledge
from sponsors.models import Clearance, Contact, ContactRole
from tests.e2e.helpers import chromium_page, screenshot, sign_in_to_admin
from tests.factories import (
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    pledge_for,
    site_tree,
)
from worker.models import MailLog

STAFF_PASSWORD = "a-long-staff-passphrase"


def staff(email, group, first_name, last_name):
    user = get_user_model().objects.create_user(
        email, email, STAFF_PASSWORD, first_name=first_name, last_name=last_name
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def catalogue():
    _home, index = site_tree()
    ensure_editorial_setup(index)
    ensure_roles()
    event = make_event(index, title="Global Symposium for Regulators", acronym="GSR-26")
    make_terms(event, "Sponsors pay within the hold.")
    return event


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_approver_clears_the_queue_from_the_dashboard(live_server, settings, tmp_path):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    event = catalogue()
    dinner = make_package(
        event, title="Networking dinner", price="30000.00", capacity=1, requires_approval=True
    )
    sponsor = make_sponsor("maya@orbit.example", name="Orbit Networks", clearance=Clearance.CLEARED)
    pledge = pledge_for(sponsor, dinner)
    assert pledge.status == "awaiting_approval"
    staff("amadou@example.org", APPROVERS, "Amadou", "Diallo")

    with chromium_page() as page:
        sign_in_to_admin(page, live_server.url, "amadou@example.org", STAFF_PASSWORD)
        panel = page.locator("[data-panel='pledges-awaiting-decision']")
        assert panel.locator("[data-count]").inner_text() == "1"
        screenshot(page, "staff-01-approver-dashboard")

        panel.get_by_role("link", name=re.compile(pledge.reference)).click()
        page.wait_for_url(f"**/admin/pledges/inspect/{pledge.pk}/")
        assert page.get_by_role("heading", name="Balance and documents").is_visible()
        assert page.get_by_role("heading", name="Timeline").is_visible()
        assert "CHF\u00a030,000" in page.locator("dl.pledge-facts").inner_text()
        page.set_viewport_size({"width": 1280, "height": 2400})  # the whole story at once
        screenshot(page, "staff-02-pledge-story-awaiting-approval")
        page.set_viewport_size({"width": 1280, "height": 900})

        page.locator("main").get_by_role("link", name="Approve", exact=True).first.click()
        page.wait_for_url(f"**/admin/pledges/approve/{pledge.pk}/")
        page.get_by_label("Reason").fill("Cleared sponsor; dinner confirmed.")
        page.get_by_role("button", name="Approve").click()
        page.wait_for_url(f"**/admin/pledges/inspect/{pledge.pk}/")
        assert f"Pledge {pledge.reference} approved" in page.locator(".messages").inner_text()
        timeline = page.locator("[data-section='timeline']").inner_text()
        assert "Awaiting approval → Awaiting payment" in timeline and "Amadou Diallo" in timeline

        # The sponsor's page tells the same story across its pledges.
        page.locator("dl.pledge-facts").get_by_role("link", name="Orbit Networks").click()
        page.wait_for_url(f"**/admin/organisations/inspect/{sponsor[1].pk}/")
        assert page.get_by_role("heading", name="Pledges", exact=True).is_visible()
        assert pledge.reference in page.locator("[data-section='pledges']").inner_text()
        assert "Awaiting payment" in page.locator("[data-section='timeline']").inner_text()
        page.set_viewport_size({"width": 1280, "height": 2400})
        screenshot(page, "staff-03a-organisation-story")
        page.set_viewport_size({"width": 1280, "height": 900})

        page.goto(live_server.url + "/admin/")
        panel = page.locator("[data-panel='pledges-awaiting-decision']")
        assert panel.locator("[data-count]").inner_text() == "0"
        assert "No pledge waits for a decision." in panel.inner_text()
        screenshot(page, "staff-03-approver-queue-cleared")

    assert Pledge.objects.get(pk=pledge.pk).status == "awaiting_payment"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_organiser_works_the_board_and_clones_gsr_26_into_gsr_27(
    live_server, settings, tmp_path
):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url
    event = catalogue()
    gold = make_package(
        event,
        title="Gold sponsor",
        category=PackageCategory.HEADLINE,
        price="50000.00",
        capacity=3,
        benefits=[(BenefitKind.LOGO_WEBSITE, 1, 30), (BenefitKind.PASSES, 5, 7)],
    )
    user, organisation = make_sponsor("maya@orbit.example", name="Orbit Networks")
    Contact.objects.create(
        organisation=organisation, role=ContactRole.SIGNATORY, name="Maya Okafor",
        email="maya@orbit.example",
    )  # fmt: skip
    pledge = pledge_for((user, organisation), gold)
    record_transfer(
        pledge, amount=pledge.total, currency="CHF", value_date=timezone.localdate(),
        bank_reference="UBS-2026-0042", actor=None,
    )  # fmt: skip
    logo = BenefitTask.objects.get(pledge=pledge, kind=BenefitKind.LOGO_WEBSITE)
    passes = BenefitTask.objects.get(pledge=pledge, kind=BenefitKind.PASSES)
    organiser = staff("olivia@example.org", ORGANISERS, "Olivia", "Mensah")
    EventOrganiser.objects.create(event=event, user=organiser)
    reminders_before = MailLog.objects.count()

    with chromium_page(height=1000) as page:
        sign_in_to_admin(page, live_server.url, "olivia@example.org", STAFF_PASSWORD)
        page.goto(live_server.url + f"/admin/fulfilment/event/{event.pk}/")
        assert page.get_by_role("heading", name=re.compile(r"^To do")).is_visible()

        # Assign both tasks to herself in one go.
        for task in (logo, passes):
            page.locator(f"#select-{task.pk}").check()
        page.get_by_label("With the selected tasks").select_option(label="Assign to…")
        page.get_by_label("Assignee (for “Assign to…”)").select_option(label="Olivia Mensah")
        page.get_by_role("button", name="Apply to the selected tasks").click()
        page.wait_for_load_state()
        assert "Assign to…: 2 tasks done." in page.locator(".messages").inner_text()
        card = page.locator(f"[data-column='to_do'] li[data-task='{logo.pk}']")
        assert "Olivia Mensah" in card.inner_text() and "Missing" in card.inner_text()

        # The logo has not come: remind the sponsor now (once a day at most).
        card.get_by_role("button", name=re.compile("^Remind sponsor")).click()
        page.wait_for_load_state()
        assert "Sponsor reminded: Logo on website" in page.locator(".messages").inner_text()
        screenshot(page, "staff-04-board-assigned-and-reminded")

        # The passes need nothing from the sponsor: start, then deliver with a proof.
        card = page.locator(f"[data-column='to_do'] li[data-task='{passes.pk}']")
        card.get_by_role("button", name=re.compile("^Start")).click()
        page.wait_for_load_state()
        card = page.locator(f"[data-column='in_progress'] li[data-task='{passes.pk}']")
        card.get_by_role("link", name=re.compile("^Mark delivered")).click()
        page.wait_for_url(f"**/admin/fulfilment/task/{passes.pk}/deliver/**")
        page.get_by_label("Link").fill(live_server.url + "/registration/orbit-passes/")
        page.get_by_label("Note").fill("Five passes issued at the registration desk.")
        page.get_by_role("button", name="Mark delivered").click()
        page.wait_for_url(f"**/admin/fulfilment/event/{event.pk}/")
        assert page.locator(f"[data-column='delivered'] li[data-task='{passes.pk}']").count()
        screenshot(page, "staff-05-board-delivered")

        # The pledge's story shows the work: one of two tasks done, the reminder mailed.
        page.goto(live_server.url + f"/admin/pledges/inspect/{pledge.pk}/")
        tasks = page.locator("[data-section='tasks']").inner_text()
        assert "1 of 2 tasks delivered or waived" in tasks
        assert (
            "Benefit tasks"
            in page.locator("nav[aria-label='Sections of this pledge']").inner_text()
        )
        timeline = page.locator("[data-section='timeline']").inner_text()
        assert "In progress → Delivered" in timeline and "Olivia Mensah" in timeline
        page.set_viewport_size({"width": 1280, "height": 2800})  # the whole story at once
        screenshot(page, "staff-06-pledge-story-organiser")
        page.set_viewport_size({"width": 1280, "height": 1000})

        # Next year's symposium: clone the catalogue from the event's page.
        page.goto(live_server.url + f"/admin/pages/{event.pk}/")
        clone = page.get_by_role("link", name="Clone the catalogue")
        if not clone.is_visible():  # the header's actions sit behind a dropdown toggle
            page.locator("header").get_by_role(
                "button", name=re.compile("Actions|More")
            ).first.click()
        clone.click()
        page.wait_for_url(f"**/admin/events/clone/{event.pk}/")
        assert page.get_by_label("Acronym of the new event").input_value() == "GSR-27"
        start = event.start_date + datetime.timedelta(weeks=52)
        assert page.get_by_label("First day of the new event").input_value() == start.isoformat()
        screenshot(page, "staff-07-clone-form")
        page.get_by_role("button", name="Clone the catalogue").click()
        page.wait_for_url(re.compile(r".*/admin/pages/\d+/$"))
        assert "GSR-27 created as a draft with 1 package" in page.locator(".messages").inner_text()
        screenshot(page, "staff-08-cloned")

        # A word to the event's paid sponsors, logged per recipient.
        page.goto(live_server.url + "/admin/sponsor-messages/write/")
        page.get_by_label("Event").select_option(label="GSR-26 — Global Symposium for Regulators")
        page.get_by_label("Sponsors who have paid").check()
        page.get_by_label("Subject").fill("Stand set-up")
        page.get_by_label("Message").fill("Stands open at 8:00 on the first day.")
        screenshot(page, "staff-09-write-to-sponsors")
        page.get_by_role("button", name="Write to sponsors").click()
        page.wait_for_url(re.compile(r".*/admin/sponsor-messages/inspect/\d+/$"))
        assert "Message sent to 1 address at 1 sponsor." in page.locator(".messages").inner_text()
        assert "maya@orbit.example" in page.locator("table.listing").inner_text()
        screenshot(page, "staff-10-message-sent")

    copy = EventPage.objects.get(acronym="GSR-27")
    assert not copy.live and copy.start_date == start
    assert SponsorshipPackagePage.objects.child_of(copy).get().title == "Gold sponsor"
    logo.refresh_from_db()
    passes.refresh_from_db()
    assert logo.assignee == organiser and passes.assignee == organiser
    assert passes.state == "delivered" and logo.state == "to_do"
    assert MailLog.objects.count() > reminders_before
    assert logo.history.filter(actor=organiser, reason__icontains="remind").exists()
