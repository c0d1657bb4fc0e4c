"""The bank accounts statements may be imported for: `BANK_ACCOUNTS` in settings (IBAN,
currency, ledger bank account code, a name), and the IBAN of the bank details in
`FinanceSettings` (the account invoices print; any currency, the ledger's `bank` account)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from marketplace.finance.models import FinanceSettings
from marketplace.finance.statements.parsing import StatementError, normalise_iban


@dataclass(frozen=True)
class BankAccount:
    iban: str
    currency: str  # "" = any currency
    ledger_account: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.iban})" if self.name else self.iban


def bank_ledger_code() -> str:
    return settings.LEDGER_ACCOUNTS["bank"]["code"]


def configured_accounts() -> list[BankAccount]:
    accounts: dict[str, BankAccount] = {}
    for item in getattr(settings, "BANK_ACCOUNTS", []) or []:
        iban = normalise_iban(item.get("iban", ""))
        if iban:
            accounts[iban] = BankAccount(
                iban=iban,
                currency=(item.get("currency") or "").upper(),
                ledger_account=str(item.get("ledger_account") or bank_ledger_code()),
                name=item.get("name", ""),
            )
    for values in FinanceSettings.objects.exclude(bank_iban=""):
        iban = normalise_iban(values.bank_iban)
        accounts.setdefault(
            iban,
            BankAccount(
                iban=iban, currency="", ledger_account=bank_ledger_code(), name=values.bank_name
            ),
        )
    return list(accounts.values())


def account_for(file_iban: str, chosen: str = "") -> BankAccount:
    """The configured account a statement is for: the IBAN it names, else the one chosen for
    the import, else the only one configured. Refused, naming the IBAN, when not configured."""
    accounts = {account.iban: account for account in configured_accounts()}
    file_iban, chosen = normalise_iban(file_iban), normalise_iban(chosen)
    if file_iban:
        if file_iban not in accounts:
            raise StatementError(
                _(
                    "The statement is for the account %(iban)s, which is not a configured bank "
                    "account: nothing was imported."
                )
                % {"iban": file_iban}
            )
        if chosen and chosen != file_iban:
            raise StatementError(
                _("The statement is for the account %(iban)s, not %(chosen)s.")
                % {"iban": file_iban, "chosen": chosen}
            )
        return accounts[file_iban]
    if chosen:
        if chosen not in accounts:
            raise StatementError(_("%(iban)s is not a configured bank account.") % {"iban": chosen})
        return accounts[chosen]
    if len(accounts) == 1:
        return next(iter(accounts.values()))
    raise StatementError(
        _("The file names no IBAN: choose the bank account it is for (%(known)s).")
        % {"known": ", ".join(accounts) or _("none is configured")}
    )
