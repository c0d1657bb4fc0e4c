"""Receipt, invoice and credit-note numbers: per series and year, consecutive, never reused."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from marketplace.finance import numbering
from marketplace.finance.models import Receipt
from marketplace.finance.receipts import issue_in_own_transaction
from marketplace.payments.models import Payment
from marketplace.payments.states import PaymentStatus
from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for


def take(series, year=None):
    with transaction.atomic():
        return str(numbering.next_number(series, year))


def test_numbers_run_per_series_and_year_with_five_digits(db):
    assert [take("RCPT", 2026), take("RCPT", 2026), take("INV", 2026), take("RCPT", 2027)] == [
        "RCPT-2026-00001",
        "RCPT-2026-00002",
        "INV-2026-00001",
        "RCPT-2027-00001",
    ]
    assert take("CN").startswith(f"CN-{timezone.localdate().year}-")


def test_a_rolled_back_issue_leaves_no_gap(db):
    take("RCPT", 2026)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            numbering.next_number("RCPT", 2026)
            raise RuntimeError("the receipt could not be written")
    assert take("RCPT", 2026) == "RCPT-2026-00002"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_number_must_be_taken_inside_the_issuing_transaction():
    with pytest.raises(RuntimeError):
        numbering.next_number("RCPT", 2026)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_receipts_issued_concurrently_are_numbered_1_to_n_without_gap_or_duplicate(
    tree, settings, tmp_path, monkeypatch
):
    """Parallel workers (threads, each its own PostgreSQL connection) issue receipts at once."""
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path
    settings.CELERY_TASK_ALWAYS_EAGER = False  # PDFs are not the point here
    workers = 16
    event = make_event(tree[1])
    make_terms(event)
    package = make_package(event, capacity=None, max_per_sponsor=1, price="100.00")
    jobs = []
    for _ in range(workers):
        pledge = pledge_for(make_sponsor(), package, payment_method="bank_transfer")
        payment = Payment.objects.create(
            pledge=pledge,
            method="bank_transfer",
            attempt=1,
            amount=pledge.total,
            currency=pledge.currency,
            status=PaymentStatus.SUCCEEDED,
            bank_reference=f"B-{pledge.pk}",
        )
        jobs.append((pledge, payment))

    from marketplace.finance import pdfs

    monkeypatch.setattr(pdfs, "deliver_after_commit", lambda kind, pk: None)
    barrier = threading.Barrier(workers)
    numbers, errors = [], []

    def issue(pledge, payment):
        try:
            barrier.wait(timeout=30)
            numbers.append(issue_in_own_transaction(pledge, [payment]).sequence)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(numbers) == list(range(1, workers + 1))
    assert sorted(Receipt.objects.values_list("sequence", flat=True)) == list(range(1, workers + 1))
    assert Receipt.objects.values("number").distinct().count() == workers
