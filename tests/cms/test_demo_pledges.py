"""The demo has pledges in every state, agreements sent and signed, benefit tasks to do and
overdue, so every screen shows something on the first run; loading twice adds nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from marketplace.agreements.models import Agreement
from marketplace.finance.models import CreditNote, Invoice, Receipt
from marketplace.fulfilment.models import BenefitTask
from marketplace.payments.balance import balance_of
from marketplace.pledges.models import Pledge


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PAYMENTS_STAND_IN_ENABLED = False
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_pledges_in_every_state_and_their_documents(demo, client):
    assert "Demo pledges created: 8." in demo
    states = set(Pledge.objects.values_list("status", flat=True))
    assert states == {
        "held",
        "awaiting_approval",
        "awaiting_payment",
        "paid",
        "refunded",
        "cancelled",
    }
    part_paid = [
        p
        for p in Pledge.objects.filter(status__in=("held", "awaiting_payment"))
        if 0 < balance_of(p).received < p.total
    ]
    assert len(part_paid) == 1
    assert Invoice.objects.exists() and Receipt.objects.exists() and CreditNote.objects.exists()
    agreements = set(Agreement.objects.values_list("status", flat=True))
    assert {"sent", "executed"} <= agreements
    today = timezone.localdate()
    assert BenefitTask.objects.overdue(today).exists()
    assert BenefitTask.objects.filter(state="to_do", due_date__gte=today).exists()

    client.force_login(get_user_model().objects.get(email="sponsor@example.org"))
    overview = client.get("/account/").content.decode()
    assert "Sign agreement" in overview and "Supply logo for" in overview
    assert "Name the delegates for" in overview


def test_loading_the_demo_again_adds_no_pledge(demo):
    before = (Pledge.objects.count(), BenefitTask.objects.count(), Agreement.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    after = (Pledge.objects.count(), BenefitTask.objects.count(), Agreement.objects.count())
    assert after == before
    assert "Demo pledges created" not in out.getvalue()


def test_the_documents_page_lists_every_document_with_downloads_paginated(
    demo, client, monkeypatch
):
    sponsor = get_user_model().objects.get(email="sponsor@example.org")
    client.force_login(sponsor)
    html = client.get("/account/pledges/documents/").content.decode()
    for kind in ("Receipt", "Invoice", "Credit note", "Agreement"):
        assert f"<td>{kind}" in html
    invoice = Invoice.objects.get()
    link = f"/account/pledges/{invoice.pledge.public_id}/documents/invoice/{invoice.number}.pdf"
    assert link in html
    assert client.get(link)["Content-Type"] == "application/pdf"
    executed = Agreement.objects.get(status="executed")
    # The executed copy once the worker has rendered it; the signed version until then.
    pdf = "executed.pdf" if executed.executed_pdf else "agreement.pdf"
    assert f"/account/agreements/{executed.public_id}/{pdf}" in html

    monkeypatch.setattr("marketplace.pledges.views.DOCUMENTS_PER_PAGE", 2)
    first = client.get("/account/pledges/documents/").content.decode()
    assert first.count("data-document=") == 2 and 'rel="next"' in first


def test_another_organisation_sees_none_of_them(demo, client, other_sponsor):
    client.force_login(other_sponsor[0])
    html = client.get("/account/pledges/documents/").content.decode()
    assert "No documents yet" in html
    assert Invoice.objects.get().number not in html
