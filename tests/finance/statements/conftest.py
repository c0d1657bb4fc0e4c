"""Statements for the configured account CH93 0076 2011 6238 5295 7 (CHF), written the way
banks write them, and the pledges they pay."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.finance.conftest import (  # noqa: F401 - shared fixtures
    _payments_settings,
    bank_pledge,
    card_pledge,
    fake_stripe,
    sponsor,
)

IBAN = "CH9300762011623852957"
OTHER_IBAN = "DE89370400440532013000"
NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"


@pytest.fixture(autouse=True)
def _bank_account(settings):
    settings.BANK_ACCOUNTS = [{"iban": "CH93 0076 2011 6238 5295 7", "currency": "CHF"}]


def day(offset=0) -> str:
    return (timezone.localdate() - datetime.timedelta(days=offset)).isoformat()


def camt_entry(
    amount,
    *,
    credit=True,
    ref="",
    ustrd=(),
    strd=(),
    debtor="",
    currency="CHF",
    reversal=False,
    family="",
    booked=None,
    datetime_dates=False,
    txs=None,
    name_under_party=False,
    status="BOOK",
    version=2,
):
    """One `Ntry`; `txs` a list of dicts (amount, ustrd, debtor, ref) for a batch."""
    booked = booked or day(1)
    date = f"<DtTm>{booked}T10:15:00</DtTm>" if datetime_dates else f"<Dt>{booked}</Dt>"
    sts = f"<Sts><Cd>{status}</Cd></Sts>" if version >= 8 else f"<Sts>{status}</Sts>"

    def tx(t):
        name = t.get("debtor", "")
        party = "Dbtr" if t.get("credit", credit) else "Cdtr"
        if name:
            inner = f"<Pty><Nm>{name}</Nm></Pty>" if name_under_party else f"<Nm>{name}</Nm>"
            parties = f"<RltdPties><{party}>{inner}</{party}></RltdPties>"
        else:
            parties = ""
        rmt = "".join(f"<Ustrd>{u}</Ustrd>" for u in t.get("ustrd", ()))
        rmt += "".join(
            f"<Strd><CdtrRefInf><Ref>{s}</Ref></CdtrRefInf></Strd>" for s in t.get("strd", ())
        )
        amt = (
            f'<AmtDtls><TxAmt><Amt Ccy="{currency}">{t["amount"]}</Amt></TxAmt></AmtDtls>'
            if "amount" in t
            else ""
        )
        refs = f"<Refs><AcctSvcrRef>{t['ref']}</AcctSvcrRef></Refs>" if t.get("ref") else ""
        return f"<TxDtls>{refs}{amt}{parties}<RmtInf>{rmt}</RmtInf></TxDtls>"

    if txs is None:
        txs = [{"ustrd": ustrd, "strd": strd, "debtor": debtor}]
    family_xml = (
        f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>CCRD</Cd><SubFmlyCd>{family}</SubFmlyCd>"
        "</Fmly></Domn></BkTxCd>"
        if family
        else ""
    )
    return (
        f"<Ntry>{'<NtryRef>' + ref + '</NtryRef>' if ref else ''}"
        f'<Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>'
        f"{'<RvslInd>true</RvslInd>' if reversal else ''}{sts}"
        f"<BookgDt>{date}</BookgDt><ValDt>{date}</ValDt>"
        f"{'<AcctSvcrRef>' + ref + '</AcctSvcrRef>' if ref else ''}{family_xml}"
        f"<NtryDtls>{''.join(tx(t) for t in txs)}</NtryDtls></Ntry>"
    )


def camt(entries, *, iban=IBAN, opening="1000.00", closing=None, version=2, stmt_id="STMT-1"):
    """A camt.053 document; the closing balance adds up unless given."""
    if closing is None:
        total = Decimal(opening)
        for entry in entries:
            amount = Decimal(entry.split('">', 1)[1].split("</Amt>", 1)[0])
            booked = "<Sts>BOOK</Sts>" in entry or "<Cd>BOOK</Cd>" in entry
            if booked:
                total += amount if "<CdtDbtInd>CRDT" in entry else -amount
        closing = f"{total:.2f}"

    def bal(code, value):
        sign = "DBIT" if Decimal(value) < 0 else "CRDT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="CHF">{abs(Decimal(value)):.2f}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
            f"<Dt><Dt>{day(2)}</Dt></Dt></Bal>"
        )

    ns = NS.format(version=f"{version:02d}")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{ns}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>{day()}T06:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{stmt_id}</Id><Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>CHF</Ccy></Acct>"
        f"{bal('OPBD', opening)}{bal('CLBD', closing)}{''.join(entries)}</Stmt>"
        "</BkToCstmrStmt></Document>"
    ).encode()
