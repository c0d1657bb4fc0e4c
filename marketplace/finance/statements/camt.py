"""ISO 20022 camt.053 (Bank-to-Customer Statement), versions 001.02 to 001.13, parsed on
`defusedxml` (no entity expansion, no external DTD). No maintained PyPI library fits: the ones
found are 0.0.x releases; the subset a statement needs is small and stable across versions.

Per statement (`Stmt`): the account (`Acct/Id/IBAN`, `Acct/Ccy`), the balances (`Bal`: opening
`OPBD` or `PRCD`, closing `CLBD`), and its booked entries (`Ntry` with `Sts` BOOK; pending and
information entries are not money on the account). An entry's transactions (`NtryDtls/TxDtls`,
a batch when several) each become a line; their amounts must add up to the entry's. Dates are
`Dt` or `DtTm`; party names are `Nm` directly or under `Pty` (version 08 and later);
remittance is every `RmtInf/Ustrd`, every `Strd/CdtrRefInf/Ref` and `AddtlRmtInf`.
"""

import datetime
import re

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from marketplace.finance.statements.parsing import (
    ParsedLine,
    ParsedStatement,
    StatementError,
    normalise_iban,
    parse_amount,
    parse_currency,
)

NAMESPACE_RE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$")
VERSIONS = range(2, 14)
OPENING = ("OPBD", "PRCD")
CLOSING = ("CLBD",)
CHARGE_FAMILIES = {"CHRG", "CHRGS"}


class Reader:
    """Namespace-qualified find helpers for one document."""

    def __init__(self, namespace: str):
        self.ns = namespace

    def _path(self, path: str) -> str:
        return "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    def find(self, node, path):
        return None if node is None else node.find(self._path(path))

    def findall(self, node, path):
        return [] if node is None else node.findall(self._path(path))

    def text(self, node, path) -> str:
        found = self.find(node, path)
        return (found.text or "").strip() if found is not None else ""

    def date(self, node, path, *, where: str) -> datetime.date | None:
        holder = self.find(node, path)
        if holder is None:
            return None
        raw = self.text(holder, "Dt") or self.text(holder, "DtTm")
        try:
            return datetime.date.fromisoformat(raw[:10])
        except ValueError as error:
            raise StatementError(
                _("“%(value)s” is not a date.") % {"value": raw}, where=where
            ) from error

    def amount(self, node, path, *, where: str):
        found = self.find(node, path)
        if found is None:
            return None, None
        return (
            parse_amount(found.text or "", where=where),
            parse_currency(found.get("Ccy", ""), where=where),
        )

    def name(self, party) -> str:
        return self.text(party, "Nm") or self.text(party, "Pty/Nm")


def parse_camt053(data: bytes) -> list[ParsedStatement]:
    try:
        root = ElementTree.fromstring(data)
    except DefusedXmlException as error:
        raise StatementError(_("The XML declares entities or a DTD, which are refused.")) from error
    except ElementTree.ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise StatementError(
            _("The file is not well-formed XML (line %(line)s, column %(column)s).")
            % {"line": line, "column": column + 1}
        ) from error
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    match = NAMESPACE_RE.match(namespace)
    if match is None or int(match.group(1)) not in VERSIONS:
        raise StatementError(
            _("The XML is not a camt.053 statement (001.02 to 001.13): its namespace is “%(ns)s”.")
            % {"ns": namespace or "—"}
        )
    r = Reader(namespace)
    statements = r.findall(root, "BkToCstmrStmt/Stmt")
    if not statements:
        raise StatementError(_("The file holds no statement (BkToCstmrStmt/Stmt)."))
    return [_statement(r, node, index) for index, node in enumerate(statements, start=1)]


def _statement(r: Reader, node, index: int) -> ParsedStatement:
    statement_id = r.text(node, "Id") or f"#{index}"
    where = _("statement %(id)s") % {"id": statement_id}
    iban = normalise_iban(r.text(node, "Acct/Id/IBAN") or r.text(node, "Acct/Id/Othr/Id"))
    currency = r.text(node, "Acct/Ccy")
    parsed = ParsedStatement(
        format="camt053",
        iban=iban,
        currency=parse_currency(currency, where=where) if currency else "",
        statement_id=statement_id,
    )
    for balance in r.findall(node, "Bal"):
        code = r.text(balance, "Tp/CdOrPrtry/Cd") or r.text(balance, "Tp/CdOrPrtry/Prtry")
        amount, ccy = r.amount(balance, "Amt", where=where)
        if amount is None:
            raise StatementError(_("A balance has no amount."), where=where)
        if r.text(balance, "CdtDbtInd") == "DBIT":
            amount = -amount
        if code in OPENING and parsed.opening is None:
            parsed.opening = amount
        elif code in CLOSING:
            parsed.closing = amount
        parsed.currency = parsed.currency or ccy
    position = 0
    for number, entry in enumerate(r.findall(node, "Ntry"), start=1):
        status = r.text(entry, "Sts/Cd") or r.text(entry, "Sts")
        if status and status != "BOOK":
            continue
        lines = _entry(r, entry, number, statement_id, position)
        position += len(lines)
        parsed.lines.extend(lines)
    parsed.check_balances()
    return parsed


def _direction(r: Reader, node, where: str) -> bool:
    indicator = r.text(node, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise StatementError(
            _("CdtDbtInd is “%(value)s”, not CRDT or DBIT.") % {"value": indicator or "—"},
            where=where,
        )
    return indicator == "CRDT"


def _entry(r: Reader, entry, number: int, statement_id: str, position: int) -> list[ParsedLine]:
    reference = r.text(entry, "AcctSvcrRef") or r.text(entry, "NtryRef")
    where = _("statement %(id)s, entry %(number)s") % {"id": statement_id, "number": number}
    if reference:
        where += f" ({reference})"
    amount, currency = r.amount(entry, "Amt", where=where)
    if amount is None:
        raise StatementError(_("The entry has no amount (Amt)."), where=where)
    is_credit = _direction(r, entry, where)
    booked = r.date(entry, "BookgDt", where=where) or r.date(entry, "ValDt", where=where)
    if booked is None:
        raise StatementError(_("The entry has no booking date (BookgDt)."), where=where)
    valued = r.date(entry, "ValDt", where=where) or booked
    reversal = r.text(entry, "RvslInd").lower() in ("true", "1")
    family = r.text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd") or r.text(entry, "BkTxCd/Prtry/Cd")
    is_charge = any(code in family.upper() for code in CHARGE_FAMILIES)
    entry_info = r.text(entry, "AddtlNtryInf")
    details = [tx for d in r.findall(entry, "NtryDtls") for tx in r.findall(d, "TxDtls")]

    def line(tx, index, tx_amount, tx_credit):
        related = r.find(tx, "RltdPties")
        party = "Dbtr" if tx_credit else "Cdtr"
        remittance = [
            *(n.text or "" for n in r.findall(tx, "RmtInf/Ustrd")),
            *(
                (n.text or "")
                for strd in r.findall(tx, "RmtInf/Strd")
                for n in r.findall(strd, "CdtrRefInf/Ref")
            ),
            r.text(tx, "AddtlRmtInf"),
            r.text(tx, "AddtlTxInf"),
        ]
        if not any(part.strip() for part in remittance):
            remittance.append(entry_info)
        tx_reference = r.text(tx, "Refs/AcctSvcrRef")
        if not tx_reference and reference:
            tx_reference = reference if len(details) <= 1 else f"{reference}/{index}"
        return ParsedLine(
            position=position + index,
            booking_date=booked,
            value_date=valued,
            amount=tx_amount,
            currency=currency,
            is_credit=tx_credit,
            is_reversal=reversal,
            bank_reference=tx_reference,
            payer_name=r.name(r.find(related, party)) or r.name(r.find(related, f"Ultmt{party}")),
            payer_account=normalise_iban(r.text(related, f"{party}Acct/Id/IBAN")),
            remittance="\n".join(part for part in remittance if part and part.strip()),
            is_charge=is_charge,
            where=where,
        )

    if len(details) <= 1:
        tx = details[0] if details else None
        return [line(tx, 1, amount, is_credit)]
    lines = []
    for index, tx in enumerate(details, start=1):
        tx_where = f"{where}, " + _("transaction %(n)s") % {"n": index}
        tx_amount, tx_currency = r.amount(tx, "Amt", where=tx_where)
        if tx_amount is None:
            tx_amount, tx_currency = r.amount(tx, "AmtDtls/TxAmt/Amt", where=tx_where)
        if tx_amount is None:
            raise StatementError(_("A transaction of a batch has no amount."), where=tx_where)
        if tx_currency != currency:
            raise StatementError(
                _("The transaction is in %(got)s; the entry in %(want)s.")
                % {"got": tx_currency, "want": currency},
                where=tx_where,
            )
        tx_credit = _direction(r, tx, tx_where) if r.text(tx, "CdtDbtInd") else is_credit
        lines.append(line(tx, index, tx_amount, tx_credit))
    total = sum(item.signed for item in lines)
    if total != (amount if is_credit else -amount):
        raise StatementError(
            _("Its transactions add up to %(total)s; the entry says %(amount)s.")
            % {"total": abs(total), "amount": amount},
            where=where,
        )
    return lines
