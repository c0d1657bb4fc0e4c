"""A sponsor follows the to-do list from pledge to all done (pay, sign, supply the logo, name
the delegates for the passes); a visitor searches "wifi" and "gold" and picks the right
package."""

import re

import pytest
from django.utils import timezone

from events.choices import BenefitKind, PackageCategory
from marketplace.finance.invoices import request_invoice
from marketplace.payments.bank import record_transfer
from marketplace.pledges.models import Pledge
from sponsors import invitations
from sponsors.models import Clearance, Contact, ContactRole
from tests.e2e.helpers import chromium_page, screenshot
from tests.e2e.test_fulfilment_journey import logo_file, sign_in
from tests.factories import (
    PASSWORD,
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    pledge_for,
    site_tree,
)


def todo(page):
    return page.locator("[data-todo-list] .todo-item .todo-text")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sponsor_follows_the_to_do_list_from_pledge_to_all_done(live_server, settings, tmp_path):
    settings.SITE_URL = live_server.url
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AVAILABILITY_CACHE_SECONDS = 0
    event = make_event(site_tree()[1], title="Global Symposium for Regulators", acronym="GSR-26")
    make_terms(event)
    gold = make_package(
        event,
        title="Gold partner",
        slug="gold",
        category=PackageCategory.HEADLINE,
        price="50000.00",
        capacity=3,
        benefits=[(BenefitKind.LOGO_WEBSITE, 1, 30), (BenefitKind.PASSES, 2, 7)],
    )
    user, organisation = make_sponsor(
        "maya@orbit.example", name="Orbit Networks", clearance=Clearance.CLEARED
    )
    Contact.objects.create(
        organisation=organisation, role=ContactRole.SIGNATORY, name="Maya Okafor",
        email="maya@orbit.example",
    )  # fmt: skip
    logo = logo_file(tmp_path / "orbit.png", (900, 360))

    with chromium_page() as page:
        sign_in(page, live_server.url, user.email, PASSWORD)
        page.goto(live_server.url + gold.url)
        page.get_by_role("link", name="Pledge this package").click()
        page.get_by_label("Bank transfer").check()
        page.get_by_label(re.compile("accept the event.s terms")).check()
        page.get_by_role("button", name="Pledge and hold the slots").click()
        page.wait_for_url(re.compile(r".*/account/pledges/[0-9a-f-]{36}/$"))
        assert todo(page).all_inner_texts() == ["Pay CHF\xa050,000 by bank transfer"]
        screenshot(page, "next-steps-01-pay")
        page.get_by_role("button", name="Get the invoice to pay by bank transfer").click()
        page.wait_for_load_state()
        assert re.match(
            r"Pay CHF\xa050,000 by bank transfer \(invoice INV-", todo(page).first.inner_text()
        )

        # Finance records the transfer: the pledge is paid, its agreement and tasks follow.
        pledge = Pledge.objects.get()
        record_transfer(
            pledge, amount=pledge.total, currency="CHF", value_date=timezone.localdate(),
            bank_reference="UBS-1", actor=None,
        )  # fmt: skip
        page.goto(live_server.url + "/account/")
        steps = page.locator("[data-todo-overview] .todo-text").all_inner_texts()
        assert steps[0].startswith("Sign agreement AGR-")
        assert steps[1:] == ["Supply logo for Logo on website", "Name the delegates for 2 passes"]
        screenshot(page, "next-steps-02-overview")

        page.get_by_role("link", name=re.compile("^Sign agreement")).click()
        page.get_by_label("Your full name").fill("Maya Okafor")
        page.get_by_label("Your title").fill("Chief Executive Officer")
        page.get_by_label(re.compile("I have read agreement")).check()
        page.get_by_role("button", name="Sign the agreement").click()
        page.wait_for_load_state()

        page.goto(live_server.url + "/account/")
        page.get_by_role("link", name="Supply logo for Logo on website").click()
        page.get_by_label("Logo").set_input_files(str(logo))
        page.get_by_role("button", name="Send").click()
        page.wait_for_load_state()
        assert page.get_by_text("Thank you: the organisers have your logo.").is_visible()

        page.goto(live_server.url + "/account/")
        page.get_by_role("link", name="Name the delegates for 2 passes").click()
        page.get_by_label("Pass 1: full name").fill("Maya Okafor")
        page.get_by_label("Pass 1: email").fill("maya@orbit.example")
        page.get_by_label("Pass 2: full name").fill("Jonas Berg")
        page.get_by_label("Pass 2: email").fill("jonas@orbit")
        page.get_by_role("button", name="Save the delegates").click()
        page.wait_for_load_state()
        assert page.get_by_text("Enter a valid email address.").is_visible()
        screenshot(page, "next-steps-03-delegate-error")
        page.get_by_label("Pass 2: email").fill("jonas@orbit.example")
        page.get_by_role("button", name="Save the delegates").click()
        page.wait_for_load_state()
        assert page.get_by_text("Delegates saved: 2 of 2 passes named.").is_visible()
        screenshot(page, "next-steps-04-delegates")

        page.goto(live_server.url + "/account/")
        assert page.locator("[data-todo-overview]").get_by_text("Nothing waits on you").is_visible()
        page.goto(live_server.url + f"/account/pledges/{pledge.public_id}/")
        assert page.locator("[data-todo-done]").is_visible()
        assert page.get_by_text("The organisers countersign agreement").is_visible()
        screenshot(page, "next-steps-05-all-done")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_visitor_searches_wifi_and_gold_and_picks_the_right_package(live_server, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 0
    index = site_tree()[1]
    gsr = make_event(index, title="Global Symposium for Regulators", acronym="GSR-26")
    forum = make_event(index, title="Regional forum for Africa", acronym="RF-26", slug="forum")
    make_package(gsr, title="Gold partner", slug="gold", price="75000.00", capacity=3,
                 summary="Top billing at the symposium.")  # fmt: skip
    make_package(forum, title="Gold partner", slug="gold", price="20000.00", capacity=2,
                 summary="The forum's main partner.")  # fmt: skip
    make_package(gsr, title="Conference Wi-Fi", slug="wifi", price="30000.00", capacity=1,
                 category=PackageCategory.VISIBILITY, summary="The network is yours.")  # fmt: skip

    with chromium_page() as page:
        page.goto(live_server.url + "/")
        assert page.get_by_role("link", name="Become a sponsor").is_visible()
        page.get_by_role("link", name="Search").first.click()
        page.get_by_label("Search events and packages").fill("wifi")
        page.get_by_role("button", name="Search").click()
        result = page.locator("[data-result]", has_text="Conference Wi-Fi")
        assert "Global Symposium for Regulators" in result.inner_text()
        assert "Exclusive" in result.inner_text()
        screenshot(page, "search-wifi")

        page.get_by_label("Search events and packages").fill("gold")
        page.get_by_label("What to search").select_option("package")
        page.get_by_role("button", name="Search").click()
        cards = page.locator("[data-result]")
        assert cards.count() == 2
        forum_card = cards.filter(has_text="Regional forum for Africa")
        assert "CHF\xa020,000" in forum_card.inner_text()
        screenshot(page, "search-gold")
        forum_card.get_by_role("link", name="Gold partner").click()
        page.wait_for_url("**/events/forum/gold/")
        assert page.get_by_text("Regional forum for Africa").first.is_visible()
        assert page.get_by_role("link", name="Become a sponsor: sign up to pledge").is_visible()
        screenshot(page, "search-picked-package")

        page.goto(live_server.url + "/events/")
        screenshot(page, "events-list-prices")
        page.goto(live_server.url + "/no-such-page/")
        assert page.get_by_role("heading", name="We could not find that page").is_visible()
        screenshot(page, "not-found")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_invitation_opened_signed_out_and_the_documents_page(live_server, settings, tmp_path):
    settings.SITE_URL = live_server.url
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    event = make_event(site_tree()[1], title="Global Symposium for Regulators", acronym="GSR-26")
    make_terms(event)
    gold = make_package(event, title="Gold partner", slug="gold", price="50000.00")
    user, organisation = make_sponsor(
        "maya@orbit.example", name="Orbit Networks", clearance=Clearance.CLEARED
    )
    user.first_name, user.last_name = "Maya", "Okafor"
    user.save()
    invitation = invitations.invite(organisation, user, "jonas@orbit.example")
    pledge = pledge_for((user, organisation), gold)
    request_invoice(pledge, user=user)

    with chromium_page() as page:
        page.goto(live_server.url + f"/account/invitations/{invitation.token}/")
        assert page.get_by_text(
            "Maya Okafor invited jonas@orbit.example to join Orbit Networks as Member."
        ).is_visible()
        screenshot(page, "invitation-signed-out")
        page.get_by_role("link", name="Create my account").click()
        page.wait_for_url("**/accounts/signup/**")
        assert page.get_by_label("Email").input_value() == "jonas@orbit.example"

        sign_in(page, live_server.url, user.email, PASSWORD)
        page.goto(live_server.url + "/account/")
        page.get_by_role("link", name="Documents").click()
        page.wait_for_url("**/account/pledges/documents/")
        row = page.locator("[data-document]").first
        assert "Invoice" in row.inner_text() and pledge.reference in row.inner_text()
        screenshot(page, "documents")
