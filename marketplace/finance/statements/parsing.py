"""What every statement format parses into, the one error a refused file raises, and the
format detection.

A parser returns a list of `ParsedStatement` (a file may hold several statements), each with
its account, balances and `ParsedLine`s; amounts are positive `Decimal`s with two decimals and
the direction beside them. Anything malformed raises `StatementError` naming the line of the
file or the entry of the statement, and the importer stores nothing.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

IBAN_RE = re.compile(r"\b([A-Z]{2}\d{2}[A-Z0-9]{11,30})\b")
AMOUNT_RE = re.compile(r"^\d{1,13}(\.\d{1,5})?$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


class StatementError(Exception):
    """A statement file refused whole: the message names the line or entry and the reason."""

    def __init__(self, message: str, *, where: str = ""):
        self.where = where
        self.message = f"{where}: {message}" if where else message
        super().__init__(self.message)


@dataclass
class ParsedLine:
    position: int
    booking_date: datetime.date
    value_date: datetime.date
    amount: Decimal
    currency: str
    is_credit: bool
    is_reversal: bool = False
    bank_reference: str = ""
    payer_name: str = ""
    payer_account: str = ""
    remittance: str = ""
    is_charge: bool = False
    where: str = ""

    @property
    def signed(self) -> Decimal:
        return self.amount if self.is_credit else -self.amount

    def checksum(self) -> str:
        """For a line without the bank's reference: date, amount, currency, direction, payer
        and remittance (whitespace-normalised), so the same line in another export matches."""
        parts = [
            self.booking_date.isoformat(),
            f"{self.signed:.2f}",
            self.currency,
            " ".join(self.payer_name.split()).upper(),
            " ".join(self.remittance.split()).upper(),
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


@dataclass
class ParsedStatement:
    format: str
    iban: str
    currency: str
    statement_id: str = ""
    opening: Decimal | None = None
    closing: Decimal | None = None
    lines: list[ParsedLine] = field(default_factory=list)

    def check_balances(self) -> None:
        """Closing = opening + the lines, or the file is refused."""
        if self.opening is None or self.closing is None:
            raise StatementError(
                _("The statement has no opening or closing balance."),
                where=self.statement_id or self.iban,
            )
        total = sum((line.signed for line in self.lines), Decimal("0.00"))
        if self.opening + total != self.closing:
            raise StatementError(
                _(
                    "The closing balance %(closing)s is not the opening balance %(opening)s "
                    "plus the lines (%(total)s)."
                )
                % {"closing": self.closing, "opening": self.opening, "total": total},
                where=self.statement_id or self.iban,
            )

    @property
    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        dates = [line.booking_date for line in self.lines]
        return (min(dates), max(dates)) if dates else (None, None)


def parse_amount(raw: str, *, where: str, decimal_separator: str = ".") -> Decimal:
    """A positive amount with at most two significant decimals."""
    text = (raw or "").strip()
    if decimal_separator != ".":
        text = text.replace(".", "\0").replace(decimal_separator, ".").replace("\0", "")
    if not AMOUNT_RE.match(text):
        raise StatementError(_("“%(value)s” is not an amount.") % {"value": raw}, where=where)
    try:
        amount = Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the pattern already refused it
        raise StatementError(
            _("“%(value)s” is not an amount.") % {"value": raw}, where=where
        ) from error
    if amount != amount.quantize(Decimal("0.01")):
        raise StatementError(
            _("“%(value)s” has more than two decimals.") % {"value": raw}, where=where
        )
    return amount.quantize(Decimal("0.01"))


def parse_currency(raw: str, *, where: str) -> str:
    code = (raw or "").strip().upper()
    if not CURRENCY_RE.match(code):
        raise StatementError(
            _("“%(value)s” is not an ISO currency code.") % {"value": raw}, where=where
        )
    return code


def normalise_iban(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw or "").upper()


def find_iban(text: str) -> str:
    match = IBAN_RE.search(normalise_iban(text).replace("/", " "))
    return match.group(1) if match else ""


def decode(data: bytes, encoding: str = "utf-8") -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise StatementError(
            _("The file is not %(encoding)s text (byte %(position)s).")
            % {"encoding": encoding, "position": error.start + 1}
        ) from error
    return text.removeprefix("\ufeff")


def detect_format(data: bytes) -> str:
    """camt053 for XML, mt940 for SWIFT tags (`:20:` and `:60F:`/`:60M:`), else csv."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "camt053"
    sample = data[:65536]
    if re.search(rb"(^|[\r\n{]|4:)\s*:20:", sample) and re.search(rb":60[FM]:", sample):
        return "mt940"
    return "csv"
