#!/usr/bin/env python
"""Benchmark of the ledger: exporting the journal, and what posting costs a webhook.

    DATABASE_URL=postgres://.../bench_ledger REDIS_URL=redis://... .venv/bin/python bench/ledger.py

It migrates the PostgreSQL database of DATABASE_URL (creating it if needed; use a database of
its own) and measures, in one run:

  * **Export.** 110,000 journal lines are written (55,000 two-line entries: 5,000 dated in
    2020, 50,000 in 2021), then `export_journal`'s writer exports 10,000 lines (2020) and
    100,000 lines (2021) as CSV to a sink, each with its peak Python memory (tracemalloc) and
    lines per second. The ratio of the peaks must stay ≤ 1.5: the export streams.
  * **Webhook settlement with and without the ledger.** N card pledges with open checkouts
    (bench/webhooks.py's `make_pledges`), each settled by a signed
    `checkout.session.completed` through `payments.webhooks.receive` — signature, event
    record, checks, settlement, receipt, the "pledge paid" steps and the after-commit outbox —
    in alternating rounds with finance's ledger steps registered and removed. The ledger must
    cost < 20 % of the throughput.

It prints the figures and their ratio lines and writes bench/results/ledger-<time>.json.
"""

import argparse
import contextlib
import datetime
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from webhooks import (  # noqa: E402 - bench/ is on the path above
    ROOT,
    completed_event,
    configure_environment,
    ensure_database,
    make_pledges,
    purge_queued_tasks,
    sign,
)

RESULTS_DIR = ROOT / "bench" / "results"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000, help="lines in the small export")
    parser.add_argument("--large", type=int, default=100_000, help="lines in the large export")
    parser.add_argument("--events", type=int, default=600, help="webhook events (600)")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds (6)")
    return parser.parse_args(argv)


# --- Export -----------------------------------------------------------------------------------


def make_lines(small: int, large: int) -> None:
    """`small` lines dated in 2020 and `large` in 2021, two per entry, written in bulk (the
    previous run's removed first)."""
    from django.db import connection, transaction

    from marketplace.finance.models import JournalEntry, JournalLine, PostingKind
    from sponsors.models import Organisation

    organisation = Organisation.objects.create(
        legal_name="Ledger Bench SA", display_name="Ledger Bench", country="CH"
    )
    with connection.cursor() as cursor:  # a previous run's lines (the ORM never deletes them)
        entries = JournalEntry._meta.db_table
        cursor.execute(
            f"DELETE FROM {JournalLine._meta.db_table} WHERE entry_id IN "
            f"(SELECT id FROM {entries} WHERE source LIKE 'bench:%%')"
        )
        cursor.execute(f"DELETE FROM {entries} WHERE source LIKE 'bench:%%'")
    batch = 5000
    for year, lines in ((2020, small), (2021, large)):
        entries = lines // 2
        for start in range(0, entries, batch):
            with transaction.atomic():
                made = JournalEntry.objects.bulk_create(
                    JournalEntry(
                        source=f"bench:{year}:{i}",
                        kind=PostingKind.PAYMENT,
                        date=datetime.date(year, 1, 1) + datetime.timedelta(days=i % 365),
                        currency="CHF",
                        document=f"=BANK-{i}" if i % 1000 == 0 else f"BANK-{year}-{i}",
                        description="Bank transfer for a benchmark pledge",
                        organisation=organisation,
                    )
                    for i in range(start, min(start + batch, entries))
                )
                JournalLine.objects.bulk_create(
                    line
                    for entry in made
                    for line in (
                        JournalLine(entry=entry, account="bank", debit="1250.00"),
                        JournalLine(entry=entry, account="receivable", credit="1250.00"),
                    )
                )


class Sink:
    """A file that keeps only how much was written."""

    def __init__(self):
        self.bytes = 0

    def write(self, text):
        self.bytes += len(text)


def export_once(year: int) -> dict:
    from marketplace.finance import exports

    export = exports.JOURNAL
    queryset = export.queryset(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    sink = Sink()
    tracemalloc.start()
    began = time.perf_counter()
    rows = exports.write_csv(export, export.rows(queryset), sink)
    elapsed = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "lines": rows,
        "seconds": round(elapsed, 3),
        "lines_per_second": round(rows / elapsed) if elapsed else None,
        "peak_kib": round(peak / 1024, 1),
        "csv_mib": round(sink.bytes / 2**20, 2),
    }


# --- Webhook settlement ---------------------------------------------------------------------


@contextlib.contextmanager
def without_ledger_steps():
    """Finance's ledger steps taken off the hooks for the duration (the documents stay)."""
    from marketplace.payments.hooks import PAYMENT_BEYOND_PAID, PAYMENT_RECEIVED, REFUND_COMPLETED
    from marketplace.pledges.hooks import PLEDGE_PAID

    hooks = (PLEDGE_PAID, PAYMENT_RECEIVED, PAYMENT_BEYOND_PAID, REFUND_COMPLETED)
    saved = {hook: list(hook._steps) for hook in hooks}
    for hook in hooks:
        hook._steps = [step for step in hook._steps if "ledger" not in step.name]
    try:
        yield
    finally:
        for hook, steps in saved.items():
            hook._steps = steps


def settle_all(rows) -> dict:
    from marketplace.payments import webhooks

    payloads = [sign(completed_event(row)) for row in rows]
    statuses = {}
    began = time.perf_counter()
    for body, header in payloads:
        status, _answer = webhooks.receive(body, header)
        statuses[status] = statuses.get(status, 0) + 1
    elapsed = time.perf_counter() - began
    return {"events": len(rows), "seconds": elapsed, "statuses": statuses}


def main(argv=None) -> int:
    args = parse_args(argv)
    configure_environment(8199)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    from marketplace.finance.models import JournalEntry
    from marketplace.pledges.models import Pledge

    report = {"args": vars(args)}
    print("Migrating...", flush=True)
    call_command("migrate", interactive=False, verbosity=0)

    print(f"Writing {args.small + args.large:,} journal lines...", flush=True)
    make_lines(args.small, args.large)
    export_once(2020)  # warm the connection and the imports
    small, large = export_once(2020), export_once(2021)
    report["export"] = {"small": small, "large": large}
    memory_ratio = large["peak_kib"] / small["peak_kib"]

    run = os.urandom(3).hex()
    print(f"Making {args.events} card pledges with open checkouts...", flush=True)
    rows = make_pledges(args.events, run)
    per_round = max(args.events // args.rounds, 1)
    arms = {"without": {"events": 0, "seconds": 0.0}, "with": {"events": 0, "seconds": 0.0}}
    settle_all(rows[:5])  # warm-up, with the ledger
    rest = rows[5:]
    for number, start in enumerate(range(0, len(rest), per_round)):
        chunk = rest[start : start + per_round]
        arm = "without" if number % 2 == 0 else "with"
        with without_ledger_steps() if arm == "without" else contextlib.nullcontext():
            result = settle_all(chunk)
        assert result["statuses"] == {200: len(chunk)}, result
        arms[arm]["events"] += result["events"]
        arms[arm]["seconds"] += result["seconds"]
    for arm in arms.values():
        arm["per_second"] = round(arm["events"] / arm["seconds"], 1)
        arm["seconds"] = round(arm["seconds"], 2)
    report["webhook"] = arms
    cost = 1 - arms["with"]["per_second"] / arms["without"]["per_second"]
    references = [row["reference"] for row in rows]
    report["checks"] = {
        "pledges_paid": Pledge.objects.filter(reference__in=references, status="paid").count(),
        "payment_entries": JournalEntry.objects.filter(
            pledge__reference__in=references, kind="payment"
        ).count(),
    }
    try:
        report["checks"]["queued_tasks_purged"] = purge_queued_tasks()
    except Exception as exc:  # the broker is optional for the figures
        report["checks"]["queued_tasks_purged"] = f"not purged: {exc}"

    print()
    print(f"{'export':16}{'lines':>10}{'seconds':>10}{'lines/s':>10}{'peak KiB':>11}{'CSV MiB':>9}")
    for name, row in (("10k", small), ("100k", large)):
        print(
            f"{name:16}{row['lines']:>10,}{row['seconds']:>10}{row['lines_per_second']:>10,}"
            f"{row['peak_kib']:>11}{row['csv_mib']:>9}"
        )
    print(f"Export peak memory ratio 100k/10k: {memory_ratio:.2f} (must be ≤ 1.5)")
    print()
    print(f"{'webhook settlement':24}{'events':>8}{'seconds':>10}{'events/s':>10}")
    for name in ("without", "with"):
        row = arms[name]
        print(
            f"{name + ' the ledger':24}{row['events']:>8}{row['seconds']:>10}"
            f"{row['per_second']:>10}"
        )
    print(
        f"Webhook throughput with/without the ledger: {1 - cost:.3f} "
        f"(ledger cost {cost:.1%}, must be < 20 %)"
    )
    print(f"Checks: {report['checks']}")
    report["ratios"] = {
        "export_peak_memory_100k_to_10k": round(memory_ratio, 3),
        "ledger_cost": round(cost, 4),
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"ledger-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"Written to {out}")
    ok = (
        memory_ratio <= 1.5
        and cost < 0.20
        and large["lines"] == args.large
        and report["checks"]["pledges_paid"] == args.events
        and report["checks"]["payment_entries"] == arms["with"]["events"] + 5
    )
    print("PASS" if ok else "FAIL: see the figures above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
