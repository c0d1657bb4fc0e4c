"""SWIFT MT940 statements, parsed with the `mt-940` library (`mt940`), one message (`:20:` …)
at a time so each statement's balances are checked on their own.

The library skips a `:61:` it cannot read instead of failing, so each `:61:` is checked here
first against the library's own pattern and a bad one refuses the file with its line number.
`:25:` may hold an IBAN (alone, or after a BIC and a slash) or a national account number (then
the importer uses the account chosen for the import). Reversals: `RC` (reversal of a credit)
is money leaving the account, `RD` money coming back. The `//` bank reference of `:61:` is the
line's reference; `:86:` (continuation lines included) is the remittance information.
"""

import re

import mt940
from django.utils.translation import gettext as _

from marketplace.finance.statements.parsing import (
    ParsedLine,
    ParsedStatement,
    StatementError,
    decode,
    find_iban,
    normalise_iban,
)

OPTIONS = dict(
    reversal_sign=True, case_insensitive_marks=True, unbounded_details=True, merge_keeps_values=True
)
TAG_RE = re.compile(r"^:(\d{2}[A-Z]?):", re.MULTILINE)
NO_REFERENCE = {"", "NONREF", "NOREF", "NONE"}
PAYER_RE = re.compile(r"/(?:ORDP|NAME)/+(?:NAME/)?([^/\n]+)")
CHARGE_CODES = {"NCHG", "FCHG"}
# Stricter than the library's pattern on the amount: SWIFT amounts carry a comma and are
# followed by the transaction type (N/F/S + 3), so "40x0,00" is refused, not read as 40.
LINE_61_RE = re.compile(r"^\d{6}(\d{4})?(R?[CD]|r?[cd])[A-Z]?\d[\d]*,\d{0,2}[A-Z]")


def _messages(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each message, split where a `:20:` starts."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    messages, start, current = [], 1, []
    for number, line in enumerate(lines, start=1):
        if line.startswith(":20:") and any(
            item.startswith(":61:") or item.startswith(":60") for item in current
        ):
            messages.append((start, "\n".join(current)))
            start, current = number, []
        current.append(line)
    if any(item.strip() for item in current):
        messages.append((start, "\n".join(current)))
    return messages


def parse_mt940(data: bytes) -> list[ParsedStatement]:
    text = decode(data, "utf-8") if _is_utf8(data) else decode(data, "latin-1")
    # SWIFT FIN envelope: {1:…}{2:…}{4:\n … \n-}: keep block 4's content.
    text = re.sub(r"\{[1-3]:[^}]*\}", "", text).replace("{4:", "").replace("-}", "")
    messages = _messages(text)
    if not messages:
        raise StatementError(_("The file holds no MT940 statement."))
    return [_statement(first, message) for first, message in messages]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _statement(first: int, message: str) -> ParsedStatement:
    statement_tag = mt940.tags.TAG_BY_ID[61]
    tag_lines = []
    for match in TAG_RE.finditer(message):
        tag = match.group(1)
        line_number = first + message.count("\n", 0, match.start())
        if tag == "61":
            end = TAG_RE.search(message, match.end())
            value = message[match.end() : end.start() if end else len(message)].strip("\n")
            if not (statement_tag.re.match(value.strip()) and LINE_61_RE.match(value.strip())):
                raise StatementError(
                    _("the :61: line “%(value)s” cannot be read (date, D/C mark, amount).")
                    % {"value": value.split("\n")[0][:60]},
                    where=_("line %(line)s") % {"line": line_number},
                )
            tag_lines.append(line_number)
        elif tag in ("60F", "60M", "62F", "62M"):
            tag_lines_balance = message[match.end() :].split("\n", 1)[0]
            if not re.match(r"^[CD]\d{6}[A-Z]{3}\d[\d,]*$", tag_lines_balance.strip(), re.I):
                raise StatementError(
                    _("the balance :%(tag)s: “%(value)s” cannot be read.")
                    % {"tag": tag, "value": tag_lines_balance[:40]},
                    where=_("line %(line)s") % {"line": line_number},
                )
    transactions = mt940.models.Transactions(options=mt940.Options(**OPTIONS))
    try:
        transactions.parse(message)
    except Exception as error:  # the library raises bare exceptions on malformed tags
        raise StatementError(
            _("the statement cannot be read (%(error)s).") % {"error": error},
            where=_("line %(line)s") % {"line": first},
        ) from error
    data = transactions.data
    where = _("statement starting on line %(line)s") % {"line": first}
    opening = data.get("final_opening_balance") or data.get("opening_balance")
    closing = data.get("final_closing_balance") or data.get("closing_balance")
    if opening is None or closing is None:
        raise StatementError(_("missing balance tags :60F: or :62F:."), where=where)
    if len(transactions) != len(tag_lines):
        raise StatementError(_("a :61: line could not be read."), where=where)
    account = str(data.get("account_identification") or "")
    parsed = ParsedStatement(
        format="mt940",
        iban=find_iban(account),
        currency=opening.amount.currency or "",
        statement_id=str(data.get("transaction_reference") or ""),
        opening=opening.amount.amount,
        closing=closing.amount.amount,
    )
    parsed.account_label = normalise_iban(account)
    for position, (transaction, line_number) in enumerate(
        zip(transactions, tag_lines, strict=True), start=1
    ):
        parsed.lines.append(_line(transaction.data, position, line_number, parsed.currency))
    parsed.check_balances()
    return parsed


def _line(tx: dict, position: int, line_number: int, currency: str) -> ParsedLine:
    amount = tx["amount"].amount
    status = str(tx.get("status") or "").upper()
    details = str(tx.get("transaction_details") or "")
    extra = str(tx.get("extra_details") or "")
    customer = str(tx.get("customer_reference") or "").strip()
    remittance = "\n".join(
        part
        for part in (
            details,
            str(tx.get("purpose") or ""),
            extra,
            "" if customer.upper() in NO_REFERENCE else customer,
        )
        if part.strip()
    )
    payer = str(tx.get("applicant_name") or "")
    if not payer:
        found = PAYER_RE.search(details.replace("\n", ""))
        payer = found.group(1).strip() if found else ""
    bank_reference = str(tx.get("bank_reference") or "").strip()
    if bank_reference.upper() in NO_REFERENCE:
        bank_reference = ""
    entry_date = tx.get("entry_date") or tx["date"]
    return ParsedLine(
        position=position,
        booking_date=entry_date,
        value_date=tx["date"],
        amount=abs(amount).quantize(amount.__class__("0.01")),
        currency=str(tx.get("currency") or currency).upper(),
        is_credit=amount > 0,
        is_reversal=status.startswith("R"),
        bank_reference=bank_reference,
        payer_name=payer[:200],
        payer_account=normalise_iban(str(tx.get("applicant_iban") or ""))[:60],
        remittance=remittance,
        is_charge=str(tx.get("id") or "").upper() in CHARGE_CODES,
        where=_("line %(line)s") % {"line": line_number},
    )
