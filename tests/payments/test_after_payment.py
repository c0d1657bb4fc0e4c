"""What follows "pledge paid" is one declared, ordered list, run in the payment's transaction:
a newcomer reads it in `describe()`, and a failing step leaves nothing half-done."""

from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.finance.models import Receipt
from marketplace.payments.bank import record_transfer
from marketplace.payments.hooks import (
    PAYMENT_BEYOND_PAID,
    PAYMENT_PART_RECEIVED,
    PAYMENT_RECEIVED,
    REFUND_COMPLETED,
)
from marketplace.payments.models import Payment
from marketplace.pledges.hooks import PLEDGE_APPROVED, PLEDGE_CLOSED, PLEDGE_PAID
from marketplace.pledges.models import Pledge
from marketplace.pledges.states import PledgeState
from worker.models import OutboxMessage


def test_what_follows_a_payment_is_one_ordered_list():
    assert PLEDGE_PAID.describe() == [
        (10, "issue the receipt"),
        (20, "create the benefit tasks"),
        (30, "prepare the agreement"),
        (40, "post to the ledger"),
    ]
    assert PLEDGE_APPROVED.describe() == [(10, "prepare the agreement")]
    assert PAYMENT_RECEIVED.describe() == [(10, "post the payment to the ledger")]
    assert PAYMENT_BEYOND_PAID.describe() == [(10, "issue the receipt")]
    assert REFUND_COMPLETED.describe() == [
        (10, "issue the credit note"),
        (20, "post the refund to the ledger"),
    ]
    assert PLEDGE_CLOSED.describe() == [(10, "void the open invoice")]
    assert PAYMENT_PART_RECEIVED.describe() == [(10, "acknowledge the payment")]


def test_a_step_cannot_take_an_order_or_a_name_already_taken():
    with pytest.raises(ValueError):
        PLEDGE_PAID.register(20, "something else")(lambda pledge, **context: None)
    with pytest.raises(ValueError):
        PLEDGE_PAID.register(99, "issue the receipt")(lambda pledge, **context: None)
    assert [order for order, _name in PLEDGE_PAID.describe()] == [10, 20, 30, 40]


@pytest.fixture
def finance_user(django_user_model):
    return django_user_model.objects.create_user("fin", "fin@example.org", "x")


@pytest.fixture
def failing_step(monkeypatch):
    """A step after the receipt and the benefit tasks that fails, registered for this test."""
    monkeypatch.setattr(PLEDGE_PAID, "_steps", list(PLEDGE_PAID._steps))
    seen = []

    @PLEDGE_PAID.register(25, "fail on purpose")
    def fail(pledge, **context):
        seen.append(pledge.pk)
        raise RuntimeError("the ledger is down")

    return seen


def test_a_failing_step_rolls_the_whole_payment_back(bank_pledge, finance_user, failing_step):
    with pytest.raises(RuntimeError, match="the ledger is down"):
        record_transfer(
            bank_pledge,
            amount=Decimal("10000.00"),
            currency="CHF",
            value_date=timezone.localdate(),
            bank_reference="BANK-ROLLBACK-1",
            actor=finance_user,
        )
    assert failing_step == [bank_pledge.pk]  # the steps before it did run...
    pledge = Pledge.objects.get(pk=bank_pledge.pk)
    assert pledge.status == PledgeState.HELD  # ...and nothing of the payment remains
    assert not Payment.objects.filter(pledge=pledge).exists()
    assert not Receipt.objects.filter(pledge=pledge).exists()
    assert not OutboxMessage.objects.filter(key=f"fulfilment:{pledge.pk}").exists()
    assert not pledge.history.filter(to_state=PledgeState.PAID).exists()


def test_without_the_failing_step_the_same_transfer_pays_the_pledge(bank_pledge, finance_user):
    _payment, outcome = record_transfer(
        bank_pledge,
        amount=Decimal("10000.00"),
        currency="CHF",
        value_date=timezone.localdate(),
        bank_reference="BANK-ROLLBACK-1",
        actor=finance_user,
    )
    assert outcome == "paid"
    assert Pledge.objects.get(pk=bank_pledge.pk).status == PledgeState.PAID
    assert Receipt.objects.filter(pledge=bank_pledge).count() == 1
    assert OutboxMessage.objects.filter(key=f"fulfilment:{bank_pledge.pk}").exists()
