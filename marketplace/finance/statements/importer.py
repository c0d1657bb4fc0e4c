"""Importing a bank statement file: parse it whole, then record every line in one transaction.

`import_statement(data, file_name=…, actor=…)` detects the format (or takes `fmt`), parses
every statement in the file (a malformed file raises `StatementError` naming the line or entry,
and nothing is stored), checks each is for a configured account (`accounts.account_for`) and
adds up (closing = opening + lines), then, in one transaction under a lock per account,
decides each line (`matching.py`). A line seen before — the bank's reference, or the checksum
of date, amount, currency, payer and remittance when the bank gives none — is a duplicate;
a file whose every line was seen before stores nothing at all, so re-importing a file changes
nothing. Each stored statement keeps who imported which file (its SHA-256), when, and the
summary (`matched 12, partly 1, unallocated 2, duplicates 0, ignored 3`).
"""

import hashlib
import logging
import zlib
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

from marketplace.finance.models import UnallocatedTransfer
from marketplace.finance.statements.accounts import account_for
from marketplace.finance.statements.camt import parse_camt053
from marketplace.finance.statements.csv_profiles import parse_csv
from marketplace.finance.statements.matching import ReferenceIndex, decide
from marketplace.finance.statements.models import (
    BankStatement,
    LineRule,
    LineState,
    StatementFormat,
    StatementLine,
)
from marketplace.finance.statements.parsing import StatementError, detect_format
from marketplace.finance.statements.references import find_references
from marketplace.finance.statements.swift import parse_mt940
from marketplace.payments.errors import PaymentError
from marketplace.payments.models import Payment
from marketplace.pledges.models import PaymentMethod

log = logging.getLogger(__name__)

PARSERS = {
    StatementFormat.CAMT053: lambda data, profile: parse_camt053(data),
    StatementFormat.MT940: lambda data, profile: parse_mt940(data),
    StatementFormat.CSV: parse_csv,
}
SUMMARY_ORDER = (
    ("matched", LineState.MATCHED),
    ("partly", LineState.PARTLY_MATCHED),
    ("unallocated", LineState.UNALLOCATED),
    ("duplicates", LineState.DUPLICATE),
    ("ignored", LineState.IGNORED),
)


def summary_line(counts) -> str:
    """`matched 12, partly 1, unallocated 2, duplicates 0, ignored 3` (the shape is pinned)."""
    return ", ".join(f"{label} {counts.get(state, 0)}" for label, state in SUMMARY_ORDER)


@dataclass
class ImportResult:
    format: str
    sha256: str
    counts: Counter = field(default_factory=Counter)
    statements: list = field(default_factory=list)
    lines: int = 0

    @property
    def summary(self) -> str:
        return summary_line(self.counts)

    @property
    def stored(self) -> bool:
        return bool(self.statements)


def parse_file(data: bytes, fmt: str | None = None, profile: str | None = None):
    """(format, parsed statements) or `StatementError`."""
    if not data or not data.strip():
        raise StatementError(_("The file is empty."))
    fmt = (fmt or detect_format(data)).lower().replace(".", "")
    if fmt not in PARSERS:
        raise StatementError(
            _("Unknown format “%(format)s”: camt053, mt940 or csv.") % {"format": fmt}
        )
    statements = PARSERS[fmt](data, profile)
    for statement in statements:
        for line in statement.lines:
            if line.amount <= 0:
                raise StatementError(_("The amount is zero."), where=line.where)
    return fmt, statements


def import_statement(
    data: bytes,
    *,
    file_name: str,
    actor,
    fmt: str | None = None,
    profile: str | None = None,
    account: str = "",
) -> ImportResult:
    """Import every statement of the file, all or nothing (see the module's doc)."""
    fmt, parsed = parse_file(data, fmt, profile)
    result = ImportResult(format=fmt, sha256=hashlib.sha256(data).hexdigest())
    targets = []
    for statement in parsed:
        bank_account = account_for(statement.iban, account)
        if bank_account.currency and statement.currency not in ("", bank_account.currency):
            raise StatementError(
                _("The account %(iban)s is kept in %(want)s; this statement is in %(got)s.")
                % {
                    "iban": bank_account.iban,
                    "want": bank_account.currency,
                    "got": statement.currency,
                }
            )
        targets.append((statement, bank_account))
    try:
        with transaction.atomic():
            for statement, bank_account in targets:
                _lock(bank_account.iban)
                stored = _import_one(
                    statement, bank_account, fmt, profile, file_name, actor, result
                )
                if stored is not None:
                    result.statements.append(stored)
    except PaymentError as error:
        raise StatementError(error.message if hasattr(error, "message") else str(error)) from error
    log.info(
        "Bank statement %s (%s, sha256 %s) imported by %s: %s",
        file_name,
        fmt,
        result.sha256,
        getattr(actor, "pk", None),
        result.summary,
    )
    return result


def _lock(iban: str) -> None:
    """Two imports for one account run one after the other (PostgreSQL advisory lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [7015, zlib.crc32(iban.encode())]
            )


def _key(iban, line) -> str:
    return f"{iban}:{line.bank_reference}" if line.bank_reference else f"{iban}:#{line.checksum()}"


def _import_one(statement, bank_account, fmt, profile, file_name, actor, result):
    iban = bank_account.iban
    keys = [_key(iban, line) for line in statement.lines]
    seen = {
        line.dedupe_key: line
        for line in StatementLine.objects.filter(dedupe_key__in=keys).exclude(
            state=LineState.DUPLICATE
        )
    }
    references = [line.bank_reference for line in statement.lines if line.bank_reference]
    by_hand = set(
        Payment.objects.filter(
            method=PaymentMethod.BANK_TRANSFER, bank_reference__in=references
        ).values_list("bank_reference", flat=True)
    ) | set(
        UnallocatedTransfer.objects.filter(bank_reference__in=references).values_list(
            "bank_reference", flat=True
        )
    )
    result.lines += len(statement.lines)
    in_file = set()
    fresh = []
    for key, line in zip(keys, statement.lines, strict=True):
        if key in seen or key in in_file or line.bank_reference in by_hand:
            result.counts[LineState.DUPLICATE] += 1
        else:
            fresh.append((key, line))
        in_file.add(key)
    if not fresh:
        return None  # every line was imported before: nothing is written

    start, end = statement.period
    stored = BankStatement.objects.create(
        iban=iban,
        currency=statement.currency or bank_account.currency,
        ledger_account=bank_account.ledger_account,
        format=fmt,
        profile=getattr(statement, "profile", "") if fmt == StatementFormat.CSV else "",
        statement_id=statement.statement_id[:120],
        file_name=file_name[:255],
        file_sha256=result.sha256,
        opening_balance=statement.opening,
        closing_balance=statement.closing,
        period_start=start,
        period_end=end,
        summary="",
        imported_by=actor,
    )
    counts = Counter()
    fresh_keys = {key for key, _line in fresh}
    index = ReferenceIndex(ref for _key_, line in fresh for ref in find_references(line.remittance))
    in_file = {}
    for key, parsed in zip(keys, statement.lines, strict=True):
        line = StatementLine(
            statement=stored,
            position=parsed.position,
            bank_reference=parsed.bank_reference[:120],
            dedupe_key=key,
            booking_date=parsed.booking_date,
            value_date=parsed.value_date,
            amount=parsed.amount,
            currency=parsed.currency,
            is_credit=parsed.is_credit,
            is_reversal=parsed.is_reversal,
            payer_name=parsed.payer_name[:200],
            payer_account=parsed.payer_account[:60],
            remittance=parsed.remittance,
            references=" ".join(find_references(parsed.remittance))[:200],
        )
        line.is_charge = parsed.is_charge
        if key not in fresh_keys or key in in_file:
            original = seen.get(key) or in_file.get(key)
            line.state = LineState.DUPLICATE
            if original is not None:
                line.rule = (
                    LineRule.BANK_REFERENCE_SEEN
                    if parsed.bank_reference
                    else (LineRule.CHECKSUM_SEEN)
                )
                line.duplicate_of = original
                line.note = _("Seen before on statement %(statement)s, line %(line)s.") % {
                    "statement": original.statement_id,
                    "line": original.position,
                }
            else:
                line.rule = LineRule.RECORDED_BY_HAND
                line.note = _("A transfer with the bank reference %(ref)s is already recorded.") % {
                    "ref": parsed.bank_reference
                }
            line.save()
            counts[LineState.DUPLICATE] += 1
            continue
        # Saved first (as unallocated, the state it ends in when nothing claims it), so a
        # matcher can link to it; the decision replaces it below.
        line.state, line.rule = LineState.UNALLOCATED, LineRule.NO_REFERENCE
        line.save()
        in_file[key] = line
        try:
            decision = decide(line, actor=actor, index=index)
        except PaymentError as error:
            raise StatementError(
                getattr(error, "message", str(error)), where=parsed.where
            ) from error
        line.state, line.rule, line.note = decision.state, decision.rule, decision.note
        line.pledge, line.invoice = decision.pledge, decision.invoice
        line.payment, line.transfer = decision.payment, decision.transfer
        line.save(
            update_fields=["state", "rule", "note", "pledge", "invoice", "payment", "transfer"]
        )
        counts[decision.state] += 1
    # Duplicates were counted once already, while sorting the lines.
    for state, number in counts.items():
        if state != LineState.DUPLICATE:
            result.counts[state] += number
    stored.summary = summary_line(counts)
    BankStatement.objects.filter(pk=stored.pk).update(summary=stored.summary)
    return stored
