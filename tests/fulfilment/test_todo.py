"""The sponsor's next steps: pay (what and how), supply each missing asset, name delegates for
passes, each with its deadline; "All done" only once nothing is left."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.fulfilment.delegates import save_delegates
from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.services import submit_asset
from marketplace.fulfilment.states import FulfilmentError
from marketplace.payments.bank import record_transfer
from marketplace.pledges.documents import ORGANISATION_DOCUMENTS
from marketplace.pledges.todo import SPONSOR_TODO, todo_for_organisation, todo_for_pledge
from tests.factories import make_package, pledge_for
from tests.fulfilment.conftest import BENEFITS, paid_pledge_with_tasks
from tests.fulfilment.images import png

DAY = datetime.timedelta(days=1)


def texts(items):
    return [item.text for item in items if not item.waiting]


def test_a_held_bank_transfer_pledge_asks_to_get_the_invoice_and_pay_the_total(sponsor, package):
    pledge = pledge_for(sponsor, package)
    [pay] = todo_for_pledge(pledge)
    assert pay.text == "Pay CHF\xa020,000 by bank transfer"
    assert pay.action == "Get the invoice"
    assert pay.deadline == pledge.expires_at


def test_a_card_pledge_asks_to_pay_by_card(sponsor, package):
    pledge = pledge_for(sponsor, package, payment_method="card")
    assert texts(todo_for_pledge(pledge)) == ["Pay CHF\xa020,000 by card"]


def test_a_part_paid_pledge_asks_for_the_rest_only(sponsor, package):
    pledge = pledge_for(sponsor, package)
    record_transfer(
        pledge,
        amount=Decimal("5000.00"),
        currency="CHF",
        value_date=timezone.localdate(),
        bank_reference="PART-1",
        actor=None,
    )
    pledge.refresh_from_db()
    assert texts(todo_for_pledge(pledge)) == ["Pay CHF\xa015,000 by bank transfer"]


def test_a_paid_pledge_lists_each_missing_asset_and_the_passes_by_due_date(paid):
    pledge, tasks = paid
    items = todo_for_pledge(pledge)
    assert "Pay" not in " ".join(texts(items))
    asset_items = [i for i in items if i.key.startswith("asset:")]
    # logo, two posts, press paragraph, stand artwork: one step each, soonest first in its rank
    assert len(asset_items) == 5
    assert [i.deadline for i in asset_items] == sorted(i.deadline for i in asset_items)
    [passes] = [i for i in items if i.key.startswith("delegates:")]
    assert passes.text == "Name the delegates for 3 passes"
    passes_task = next(t for t in tasks if t.kind == "passes")
    assert passes.deadline == passes_task.due_date
    assert items.index(passes) > items.index(asset_items[-1])  # supply, then name delegates


def test_supplying_everything_and_naming_every_delegate_leaves_all_done(paid, sponsor, client):
    pledge, tasks = paid
    user = sponsor[0]
    for task in tasks:
        if task.asset_type == "logo":
            submit_asset(task, user=user, upload=png())
        elif task.asset_type == "text":
            submit_asset(task, user=user, text="Acme connects the unconnected.")
        elif task.asset_type == "file":
            submit_asset(task, user=user, upload=png(name="stand.png"))
    passes = next(t for t in tasks if t.kind == "passes")
    save_delegates(passes, [("Ana Silva", "ana@acme.example")], user=user)
    assert texts(todo_for_pledge(pledge)) == ["Name the delegates for 2 passes"]
    save_delegates(
        passes,
        [
            ("Ana Silva", "ana@acme.example"),
            ("Bo Chen", "bo@acme.example"),
            ("Chidi Okafor", "chidi@acme.example"),
        ],
        user=user,
    )
    assert todo_for_pledge(pledge) == []
    client.force_login(user)
    html = client.get(f"/account/pledges/{pledge.public_id}/").content.decode()
    assert "data-todo-done" in html and "All done" in html
    assert "Nothing to do" not in html
    overview = client.get("/account/").content.decode()
    assert "Nothing waits on you" in overview


def test_the_overview_lists_every_open_pledge_nearest_deadline_first(sponsor, event, package):
    paid_pledge_with_tasks(sponsor, package)
    other = make_package(event, title="Coffee break", slug="coffee", price="3000.00", capacity=4)
    held = pledge_for(sponsor, other, payment_method="card")  # ends in 30 minutes
    rows = todo_for_organisation(sponsor[1])
    assert [pledge.pk for pledge, _items in rows][0] == held.pk
    assert len(rows) == 2


def test_the_overview_takes_the_same_queries_for_one_pledge_or_three(
    sponsor, event, package, client
):
    client.force_login(sponsor[0])
    paid_pledge_with_tasks(sponsor, package)
    client.get("/account/")  # the session and site settings, cached after the first request
    with CaptureQueriesContext(connection) as one:
        client.get("/account/")
    for slug in ("silver", "bronze"):
        more = make_package(event, title=slug, slug=slug, price="9000.00", benefits=BENEFITS)
        paid_pledge_with_tasks(sponsor, more)
    with CaptureQueriesContext(connection) as three:
        client.get("/account/")
    assert len(three) == len(one)


def test_the_portal_pages_show_the_steps_with_their_links(paid, sponsor, client):
    pledge, tasks = paid
    client.force_login(sponsor[0])
    html = client.get(f"/account/pledges/{pledge.public_id}/").content.decode()
    logo_task = next(t for t in tasks if t.kind == "logo_website")
    assert f'href="/account/benefits/{logo_task.public_id}/"' in html
    assert "Name the delegates for 3 passes" in html
    listing = client.get("/account/pledges/").content.decode()
    assert "Supply logo for" in listing and "more steps" in listing


def test_delegates_cannot_be_named_after_the_deadline(paid, sponsor):
    _pledge, tasks = paid
    passes = next(t for t in tasks if t.kind == "passes")
    BenefitTask.objects.filter(pk=passes.pk).update(due_date=timezone.localdate() - DAY)
    passes.refresh_from_db()
    with pytest.raises(FulfilmentError, match="until"):
        save_delegates(passes, [("Ana Silva", "ana@acme.example")], user=sponsor[0])
    assert passes.delegates.count() == 0
    assert todo_for_pledge(passes.pledge) and not any(
        i.key.startswith("delegates:") for i in todo_for_pledge(passes.pledge)
    )


def test_the_to_do_and_documents_providers_are_the_ones_the_readme_lists():
    assert SPONSOR_TODO.describe() == [
        (5, "pledges: accept an offer, wait for approval"),
        (10, "finance: pay what is due"),
        (20, "agreements: sign the agreement"),
        (30, "fulfilment: supply assets, name delegates"),
    ]
    assert ORGANISATION_DOCUMENTS.describe() == [
        (10, "finance: receipts, invoices, credit notes"),
        (20, "agreements: the agreements issued"),
    ]
