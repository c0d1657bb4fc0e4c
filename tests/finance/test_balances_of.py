# ruff: noqa: F811 (the money stories' fixtures, imported, are named as arguments)
"""`balances_of`: the balances of many pledges at once, the same numbers as `balance_of` for
each, in a number of queries that does not grow with the pledges — and the lists that read it
(the sponsor's pledge list, the to-do list, the story) stay constant too."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.finance import unallocated
from marketplace.finance.balance import balance_of, balances_of
from marketplace.finance.invoices import request_invoice
from marketplace.payments.refunds import refund_payment
from marketplace.pledges.models import Pledge
from marketplace.pledges.moves import cancel
from marketplace.pledges.todo import todo_by_pledge
from tests.factories import make_package, pledge_for
from tests.finance.test_money_stories import (  # noqa: F401 (fixtures)
    finance_user,
    fresh,
    transfer,
)

pytestmark = pytest.mark.django_db


class Packages:
    def __init__(self, event):
        self.event, self.made = event, 0

    def pledge(self, sponsor, price="10000.00", method="bank_transfer"):
        self.made += 1
        package = make_package(
            self.event, title=f"Package {self.made}", slug=f"pkg-{self.made}", price=price
        )
        return pledge_for(sponsor, package, payment_method=method)


def mixed_pledges(sponsor, event, finance_user, settings):
    """Paid, part-paid, refunded, partly refunded (credited), written off, bank charges,
    cancelled with money held, cancelled with a void invoice, and untouched."""
    settings.WRITE_OFF_LIMIT = 200
    make = Packages(event)
    pledges = {}

    pledges["paid"] = p = make.pledge(sponsor)
    request_invoice(p, user=sponsor[0])
    transfer(p, "10000.00", "B-paid")

    pledges["part_paid"] = p = make.pledge(sponsor)
    request_invoice(p, user=sponsor[0])
    transfer(p, "3000.00", "B-part")

    pledges["refunded"] = p = make.pledge(sponsor)
    payment, _ = transfer(p, "10000.00", "B-ref")
    refund_payment(payment, amount="10000.00", reason="Event moved", actor=finance_user)

    pledges["credited"] = p = make.pledge(sponsor, price="8000.00")
    request_invoice(p, user=sponsor[0])
    payment, _ = transfer(p, "8000.00", "B-cred")
    refund_payment(payment, amount="2500.00", reason="Lunch dropped", actor=finance_user)

    pledges["written_off"] = p = make.pledge(sponsor)
    transfer(p, "9900.00", "B-wo")
    unallocated.write_off(fresh(p), reason="Agreed by phone", actor=finance_user)

    pledges["bank_charges"] = p = make.pledge(sponsor)
    transfer(p, "9975.00", "B-bc")
    unallocated.book_bank_charge(fresh(p), actor=finance_user)

    pledges["cancelled_held"] = p = make.pledge(sponsor)
    transfer(p, "4000.00", "B-cancel")
    cancel(fresh(p), actor=sponsor[0], by_sponsor=True)

    pledges["cancelled_void"] = p = make.pledge(sponsor)
    request_invoice(p, user=sponsor[0])
    cancel(fresh(p), actor=sponsor[0], by_sponsor=True)

    pledges["untouched"] = make.pledge(sponsor, price="1234.50")
    return {name: fresh(p) for name, p in pledges.items()}


def test_balances_of_tells_the_same_balance_as_balance_of(sponsor, event, finance_user, settings):
    pledges = mixed_pledges(sponsor, event, finance_user, settings)

    batched = balances_of(pledges.values())

    assert set(batched) == {p.pk for p in pledges.values()}
    for name, pledge in pledges.items():
        assert batched[pledge.pk] == balance_of(pledge), name
    # The set is mixed indeed: each story left its mark on its balance.
    b = {name: batched[p.pk] for name, p in pledges.items()}
    assert (b["paid"].due, b["paid"].invoiced, b["paid"].received) == (0, 10000, 10000)
    assert b["part_paid"].due == D("7000.00")
    assert (b["refunded"].refunded, b["refunded"].due, b["refunded"].status) == (
        10000,
        0,
        "refunded",
    )
    assert (b["credited"].credited, b["credited"].net) == (D("2500.00"), D("5500.00"))
    assert b["written_off"].written_off == D("100.00") and b["written_off"].bank_charges == 0
    assert b["bank_charges"].bank_charges == D("25.00") == b["bank_charges"].written_off
    assert (b["cancelled_held"].held, b["cancelled_held"].due) == (D("4000.00"), 0)
    assert (b["cancelled_void"].invoiced, b["cancelled_void"].credited) == (0, D("10000.00"))
    assert b["untouched"].due == D("1234.50") and b["untouched"].received == 0
    assert balances_of([]) == {}


def test_balances_of_reads_in_five_queries_whatever_the_number(
    sponsor, event, finance_user, settings
):
    pledges = list(mixed_pledges(sponsor, event, finance_user, settings).values())
    with CaptureQueriesContext(connection) as two:
        balances_of(pledges[:2])
    with CaptureQueriesContext(connection) as nine:
        balances_of(pledges)
    assert len(two) == len(nine) == 5


def _closed(make, sponsor, count):
    for _ in range(count):
        pledge = make.pledge(sponsor)
        request_invoice(pledge, user=sponsor[0])
        cancel(fresh(pledge), actor=sponsor[0], by_sponsor=True)


def test_the_pledge_list_of_closed_pledges_costs_the_same_queries_for_two_or_six(
    sponsor, event, client
):
    make = Packages(event)
    client.force_login(sponsor[0])
    _closed(make, sponsor, 2)
    client.get("/account/pledges/")  # warm the caches (site, settings)
    with CaptureQueriesContext(connection) as few:
        page = client.get("/account/pledges/")
    assert page.status_code == 200
    _closed(make, sponsor, 4)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/account/pledges/")
    assert page.content.decode().count('data-reference="') == 6
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_the_to_do_list_costs_the_same_queries_for_two_or_six_pledges_to_pay(sponsor, event):
    make = Packages(event)
    pledges = [make.pledge(sponsor) for _ in range(2)]
    transfer(pledges[0], "2500.00", "B-todo")
    first_ones = list(Pledge.objects.filter(pk__in=[p.pk for p in pledges]).select_related("event"))
    with CaptureQueriesContext(connection) as few:
        todo = todo_by_pledge(first_ones)
    pledges += [make.pledge(sponsor) for _ in range(4)]
    fresh_ones = list(Pledge.objects.filter(pk__in=[p.pk for p in pledges]).select_related("event"))
    with CaptureQueriesContext(connection) as many:
        todo_many = todo_by_pledge(fresh_ones)
    assert any("7,500" in item.text for item in todo[pledges[0].pk])
    assert len(todo_many) == 6
    assert len(many) == len(few), "\n".join(q["sql"][:110] for q in many.captured_queries)
