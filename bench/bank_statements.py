#!/usr/bin/env python
"""Benchmark of the bank statement import: a camt.053 of N entries against N open pledges.

    DATABASE_URL=postgres://.../bench_statements REDIS_URL=redis://... \\
        .venv/bin/python bench/bank_statements.py [--entries 10000]

It migrates the PostgreSQL database of DATABASE_URL (use one of its own), makes N open
pledges (bench/webhooks.py's `make_pledges`), writes one camt.053 with one credit per pledge
naming its reference (a tenth split over two lines, in lower case), and measures in one run:
parsing only (the baseline), the import (seconds, peak Python memory, matched count), and the
re-import (all duplicates; the rows of every table touched counted before and after).
"""

import argparse
import datetime
import os
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from webhooks import ROOT, configure_environment, ensure_database, make_pledges  # noqa: E402

IBAN = "CH9300762011623852957"


def camt(rows) -> bytes:
    day = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    total = Decimal("0.00")
    entries = []
    for i, row in enumerate(rows):
        amount = Decimal(row["amount"]) / 100
        total += amount
        ref = row["reference"]
        ustrd = f"<Ustrd>{ref}</Ustrd>"
        if i % 10 == 0:
            ustrd = f"<Ustrd>{ref[:8].lower()}</Ustrd><Ustrd>{ref[8:]}</Ustrd>"
        entries.append(
            f'<Ntry><Amt Ccy="{row["currency"].upper()}">{amount:.2f}</Amt>'
            f"<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt>"
            f"<ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>BENCH-{i}</AcctSvcrRef><NtryDtls>"
            f"<TxDtls><RltdPties><Dbtr><Nm>Bench Sponsor</Nm></Dbtr></RltdPties>"
            f"<RmtInf>{ustrd}</RmtInf></TxDtls></NtryDtls></Ntry>"
        )
    bal = (
        '<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="CHF">{amount}</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>" + day + "</Dt></Dt></Bal>"
    )
    return (
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">'
        f"<BkToCstmrStmt><GrpHdr><MsgId>B</MsgId><CreDtTm>{day}T06:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>BENCH</Id><Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>CHF</Ccy></Acct>"
        + bal.format(code="OPBD", amount="0.00")
        + bal.format(code="CLBD", amount=f"{total:.2f}")
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def counts():
    from marketplace.finance.models import (
        BankStatement,
        JournalEntry,
        Receipt,
        StatementLine,
        UnallocatedTransfer,
    )
    from marketplace.payments.models import Flag, Payment

    models = (BankStatement, StatementLine, Payment, UnallocatedTransfer, JournalEntry, Receipt)
    return {m.__name__: m.objects.count() for m in (*models, Flag)}


def timed(fn):
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 1024 / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args(argv)
    configure_environment(8198)
    os.environ["BANK_ACCOUNTS"] = f'[{{"iban": "{IBAN}", "currency": "CHF"}}]'
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    from marketplace.finance.statements.importer import import_statement, parse_file

    print("Migrating...", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Making {args.entries:,} open pledges...", flush=True)
    rows = make_pledges(args.entries, str(int(time.time())))
    data = camt(rows)
    print(f"camt.053 of {args.entries:,} entries: {len(data) / 1024 / 1024:.1f} MB", flush=True)

    _parsed, parse_s, parse_mb = timed(lambda: parse_file(data))
    print(f"parse only:  {parse_s:7.2f} s, peak {parse_mb:6.1f} MB")
    result, import_s, import_mb = timed(
        lambda: import_statement(data, file_name="bench.xml", actor=None)
    )
    print(f"import:      {import_s:7.2f} s, peak {import_mb:6.1f} MB — {result.summary}")
    print(
        f"ratio import / parse: {import_s / parse_s:.1f}×; target < 30 s: "
        f"{'met' if import_s < 30 else 'NOT met'}"
    )
    before = counts()
    again, again_s, again_mb = timed(
        lambda: import_statement(data, file_name="bench.xml", actor=None)
    )
    after = counts()
    print(f"re-import:   {again_s:7.2f} s, peak {again_mb:6.1f} MB — {again.summary}")
    print(f"rows before/after re-import equal: {before == after} {after}")


if __name__ == "__main__":
    main()
