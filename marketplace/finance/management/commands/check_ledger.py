"""`python manage.py check_ledger`: exit 1 listing each way the ledger disagrees with the
documents and payments (`marketplace/finance/reconcile.py`), else 0 with the trial balance."""

import sys

from django.core.management.base import BaseCommand

from marketplace.finance import ledger, reconcile


class Command(BaseCommand):
    help = (
        "Prove that every journal entry balances and that the ledger agrees with the invoices, "
        "credit notes, payments, refunds and paid pledges; exit 1 listing each disagreement."
    )

    def handle(self, *args, **options):
        problems = reconcile.disagreements()
        summary = reconcile.summary()
        for problem in problems:
            self.stdout.write(f"DISAGREES: {problem}")
        for currency, account, debit, credit in summary["trial_balance"]:
            self.stdout.write(
                f"{currency} {ledger.account_code(account)} {ledger.account_name(account)}: "
                f"debit {debit}, credit {credit}, balance {debit - credit}"
            )
        if problems:
            self.stderr.write(
                f"{len(problems)} disagreement(s) in {summary['entries']} entries "
                f"({summary['lines']} lines)."
            )
            sys.exit(1)
        self.stdout.write(
            f"The ledger agrees: {summary['entries']} entries, {summary['lines']} lines, "
            "each balanced."
        )
