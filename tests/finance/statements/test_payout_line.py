"""A Stripe payout's bank line, imported from a statement, is matched to the payout (its
`po_…` id in the remittance), not left unallocated or taken for a pledge, and posts nothing:
the payout went to the bank when it was reconciled."""

import pytest

from marketplace.finance import payouts
from marketplace.finance.models import JournalEntry, Payout, StatementLine, UnallocatedTransfer
from marketplace.finance.statements.importer import import_statement
from marketplace.finance.statements.models import LineRule, LineState
from tests.finance.statements.conftest import camt, camt_entry
from tests.finance.stripe_balance_fake import payout

pytestmark = pytest.mark.django_db


def test_the_payouts_bank_line_is_matched_to_the_payout_once():
    payouts.record_payout(payout(1234500, id="po_1StmtLine"))
    record = Payout.objects.get()
    entries = JournalEntry.objects.count()
    xml = camt([camt_entry("12345.00", ref="NTRY-PO-1", ustrd=["STRIPE PAYOUT PO_1STMT", "LINE"])])

    statement = import_statement(xml, file_name="stmt.xml", actor=None)

    line = StatementLine.objects.get()
    assert (line.state, line.rule) == (LineState.MATCHED, LineRule.PAYOUT)
    record.refresh_from_db()
    assert record.bank_line_id == line.pk
    assert not UnallocatedTransfer.objects.exists()
    assert JournalEntry.objects.count() == entries
    assert "matched 1" in statement.summary

    import_statement(xml, file_name="again.xml", actor=None)  # the same file: a duplicate
    assert StatementLine.objects.filter(state=LineState.MATCHED).count() == 1
    assert not UnallocatedTransfer.objects.exists()
