"""After paying, a sponsor signs the sponsorship agreement and uploads its logo for "logo on
website"; the organiser starts and marks that benefit delivered on the fulfilment board; the logo
then shows on the event page's sponsor wall."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from events.choices import BenefitKind, PackageCategory
from events.editorial import ORGANISERS
from events.models import EventOrganiser
from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.permissions import ensure_fulfilment_permissions
from marketplace.payments.bank import record_transfer
from sponsors.models import Clearance, Contact, ContactRole
from tests.e2e.helpers import chromium_page, screenshot, sign_in_to_admin
from tests.factories import (
    PASSWORD,
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    pledge_for,
    site_tree,
)


def logo_file(path, size, text="ORBIT"):
    image = Image.new("RGB", size, (11, 79, 138))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size[1] // 3)
    draw.text((size[0] // 2, size[1] // 2), text, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def sign_in(page, base_url, email, password):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sponsor_signs_uploads_a_logo_organiser_delivers_it_and_it_shows_on_the_event_page(
    live_server, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AVAILABILITY_CACHE_SECONDS = 0  # the wall shows at once, not after the page cache

    event = make_event(site_tree()[1], title="Global Symposium for Regulators", acronym="GSR-26")
    make_terms(event, "Sponsors supply their logo before the delivery date.")
    gold = make_package(
        event,
        title="Gold sponsor",
        category=PackageCategory.HEADLINE,
        price="50000.00",
        capacity=3,
        benefits=[(BenefitKind.LOGO_WEBSITE, 1, 30), (BenefitKind.PASSES, 5, 7)],
    )
    user, organisation = make_sponsor(
        "maya@orbit.example", name="Orbit Networks", clearance=Clearance.CLEARED
    )
    organisation.legal_name = "Orbit Networks SA"
    organisation.save()
    Contact.objects.create(
        organisation=organisation,
        role=ContactRole.SIGNATORY,
        name="Maya Okafor",
        email="maya@orbit.example",
    )
    pledge = pledge_for((user, organisation), gold, payment_method="bank_transfer")
    # Finance records the transfer: settlement pays the pledge and, through the outbox, issues
    # the agreement and creates the benefit tasks (eager tasks in tests).
    record_transfer(
        pledge,
        amount=pledge.total,
        currency="CHF",
        value_date=timezone.localdate(),
        bank_reference="UBS-2026-0042",
        actor=None,
    )
    logo_task = BenefitTask.objects.get(pledge=pledge, kind=BenefitKind.LOGO_WEBSITE)

    ensure_fulfilment_permissions()
    organiser = get_user_model().objects.create_user(
        "olivia@example.org", "olivia@example.org", "organiser-pass", first_name="Olivia"
    )
    organiser.groups.add(Group.objects.get(name=ORGANISERS))
    EventOrganiser.objects.create(event=pledge.event, user=organiser)  # her event
    small_logo = logo_file(tmp_path / "orbit-small.png", (300, 120))
    good_logo = logo_file(tmp_path / "orbit.png", (900, 360))

    with chromium_page() as page:
        # --- The sponsor signs the agreement -------------------------------------------------
        sign_in(page, live_server.url, user.email, PASSWORD)
        page.goto(live_server.url + f"/account/pledges/{pledge.public_id}/")
        assert page.get_by_role("heading", name="Delivery of your benefits").is_visible()
        screenshot(page, "fulfilment-01-paid-pledge")
        page.get_by_role("link", name="Read and sign the agreement").click()
        page.wait_for_url(re.compile(r".*/account/agreements/[0-9a-f-]{36}/$"))
        page.get_by_label("Your full name").fill("Maya Okafor")
        page.get_by_label("Your title").fill("Chief Executive Officer")
        page.get_by_label(re.compile("I have read agreement")).check()
        screenshot(page, "fulfilment-02-sign")
        page.get_by_role("button", name="Sign the agreement").click()
        page.wait_for_load_state()
        assert page.get_by_text("The organisers countersign it next.").is_visible()
        screenshot(page, "fulfilment-03-signed")

        # --- ... and uploads its logo for "logo on website" ----------------------------------
        page.goto(live_server.url + f"/account/pledges/{pledge.public_id}/")
        page.get_by_role("link", name="Supply the logo").click()
        page.wait_for_url(f"**/account/benefits/{logo_task.public_id}/")
        page.get_by_label("Logo").set_input_files(str(small_logo))
        page.get_by_role("button", name="Send").click()
        assert page.get_by_text(
            "The logo is 300×120 pixels; this benefit needs at least 600×300 pixels (or an SVG)."
        ).is_visible()
        screenshot(page, "fulfilment-04-logo-too-small")
        page.get_by_label("Logo").set_input_files(str(good_logo))
        page.get_by_role("button", name="Send").click()
        page.wait_for_load_state()
        assert page.get_by_text("Thank you: the organisers have your logo.").is_visible()
        assert page.get_by_alt_text("Logo supplied by Orbit Networks").is_visible()
        screenshot(page, "fulfilment-05-logo-sent")
        page.context.clear_cookies()

        # --- The organiser delivers it on the fulfilment board -------------------------------
        sign_in_to_admin(page, live_server.url, "olivia@example.org", "organiser-pass")
        page.goto(live_server.url + "/admin/fulfilment/")
        page.get_by_role("link", name="Global Symposium for Regulators").click()
        page.wait_for_url(f"**/admin/fulfilment/event/{event.pk}/")
        row = page.locator(f"[data-column='to_do'] li[data-task='{logo_task.pk}']")
        assert "Logo received" in row.inner_text()
        screenshot(page, "fulfilment-06-board")
        row.get_by_role("button", name=re.compile("^Start")).click()
        page.wait_for_load_state()
        card = page.locator(f"[data-column='in_progress'] li[data-task='{logo_task.pk}']")
        card.get_by_role("link", name=re.compile("^Mark delivered")).click()
        page.wait_for_url(f"**/admin/fulfilment/task/{logo_task.pk}/deliver/**")
        page.get_by_label("Link").fill(live_server.url + event.url)
        page.get_by_label("Note").fill("On the event page's sponsor wall.")
        screenshot(page, "fulfilment-07-deliver")
        page.get_by_role("button", name="Mark delivered").click()
        page.wait_for_url(f"**/admin/fulfilment/event/{event.pk}/")
        screenshot(page, "fulfilment-08-delivered")
        assert (
            "Delivered: Logo on website — Orbit Networks" in page.locator(".messages").inner_text()
        )
        assert page.locator(f"[data-column='delivered'] li[data-task='{logo_task.pk}']").count()
        page.context.clear_cookies()

        # --- Anyone sees the logo on the event page -----------------------------------------
        page.goto(live_server.url + event.url)
        wall = page.locator("section.sponsor-wall")
        assert wall.get_by_role("heading", name="Our sponsors").is_visible()
        assert wall.get_by_role("heading", name="Headline tier").is_visible()
        logo = wall.get_by_alt_text("Orbit Networks")
        logo.scroll_into_view_if_needed()
        assert logo.evaluate("img => img.complete && img.naturalWidth") == 900
        screenshot(page, "fulfilment-09-sponsor-wall")

    logo_task.refresh_from_db()
    assert logo_task.state == "delivered" and logo_task.proof_url.endswith(event.url)
    assert logo_task.history.filter(actor=organiser, to_state="delivered").exists()
    agreement = pledge.agreements.get()
    assert agreement.status == "signed_by_sponsor"
