#!/usr/bin/env python
"""Benchmark of the documents worker: agreements rendered and mailed per second by one worker
process, and queue latency when 500 pledges are paid in a burst.

    DATABASE_URL=postgres://.../bench_worker REDIS_URL=redis://127.0.0.1:6379/11 \
        .venv/bin/python bench/worker.py [--agreements 200] [--burst 500] [--concurrency 1]

It migrates the PostgreSQL database of DATABASE_URL (creating it if needed; use a database of
its own: what it issues stays, as issued documents do), empties the Celery queues of the Redis
database of REDIS_URL (use a database of its own), listens for mail on a local SMTP server
(aiosmtpd, 127.0.0.1) and starts ONE Celery worker (`-c 1`: one pool process does all the work)
on the queues default, documents and mail, against that database, broker and SMTP server, as
deployed (prefork pool, log level INFO; pool processes load the PDF fonts when they start).

1. Throughput, in 3 rounds (the median round is the figure: neighbours on a shared machine
   move single runs a lot): N paid pledges get their agreement task queued while the worker
   is stopped (through the outbox, as settlement does); the worker then starts and drains them. Each
   agreement is: pledge locked, version numbered and frozen, PDF rendered (WeasyPrint) and
   stored with its SHA-256, mail logged with the PDF attached, then — a second task, on the
   mail queue — sent over SMTP. Agreements per second = N / (first task start → last agreement
   mail received by the SMTP server). The worker's CPU per agreement is printed
   too (main process and pool): the figure that depends least on the neighbours.
2. Burst: with the worker idle, 500 bank-transfer pledges are paid one after another through
   the real path (`record_transfer` → `settle`: pledge paid, receipt numbered, receipt PDF,
   benefit tasks and the agreement queued via the outbox). Per agreement it reads the enqueue
   time (outbox row), the task start (agreement row created), the PDF stored (sent_at) and the
   mail delivered (mail log sent_at), and prints p50/p95/max of enqueue → start and
   enqueue → mail delivered. The same worker also renders and mails the 500 receipts.

Prints the figures and writes bench/results/worker-<time>.json. Everything it starts is
stopped on exit.
"""

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchserver import describe_machine  # noqa: E402
from loadgen import die_with_parent, percentile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS_DIR = ROOT / "bench" / "results"
CELERY = str(Path(sys.executable).with_name("celery"))
TARGET_PER_SECOND = 10


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agreements", type=int, default=200, help="per throughput round (200)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="throughput rounds; the median is the figure (3)"
    )
    parser.add_argument("--burst", type=int, default=500, help="pledges paid in the burst (500)")
    parser.add_argument("--concurrency", type=int, default=1, help="worker pool size (1)")
    parser.add_argument("--timeout", type=float, default=900, help="max seconds per phase")
    return parser.parse_args(argv)


def configure_environment() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("DATABASE_URL must point at PostgreSQL (a database of its own).")
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL is required (the Celery broker; use a Redis database of its own).")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        STATICFILES_MANIFEST="false",
        CELERY_TASK_ALWAYS_EAGER="false",
        CACHE_REDIS="false",
        PAYMENTS_STAND_IN="false",
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("DATA_DIR", str(ROOT / "var" / "bench-worker"))


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- Mail sink and worker -------------------------------------------------------------------


class CountingSink:
    """aiosmtpd handler that keeps, per message, its arrival time and subject only."""

    def __init__(self):
        self.lock = threading.Lock()
        self.arrivals: list[tuple[float, str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        head = envelope.content.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
        subject = next(
            (line[9:] for line in head.split("\r\n") if line.lower().startswith("subject: ")), ""
        )
        with self.lock:
            self.arrivals.append((time.time(), subject))
        return "250 OK"

    def agreement_times(self) -> list[float]:
        with self.lock:
            return [at for at, subject in self.arrivals if "Sponsorship agreement AGR-" in subject]


@contextlib.contextmanager
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = CountingSink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        sink.url = f"smtp://127.0.0.1:{port}"
        yield sink
    finally:
        controller.stop()


def _child_setup() -> None:
    os.setsid()
    die_with_parent()


class Worker:
    def __init__(self, env: dict, concurrency: int, log_path: Path):
        self.env, self.concurrency, self.log_path = env, concurrency, log_path
        self.process = None

    def start(self, timeout: float = 60) -> "Worker":
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [CELERY, "-A", "worker", "worker", "-Q", "default,documents,mail",
             "-c", str(self.concurrency), "-P", "prefork", "-n", "bench@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            preexec_fn=_child_setup,  # own process group, dies with the benchmark
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the worker exited:\n" + self.log_path.read_text()[-3000:])
            if len(self.pool_pids()) >= self.concurrency:
                time.sleep(1)  # the pool children finish importing
                return self
            time.sleep(0.2)
        raise RuntimeError("the worker did not start its pool in time")

    def pool_pids(self) -> list[int]:
        pid = self.process.pid
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                return [int(p) for p in f.read().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """User + system CPU of the main process and its pool children so far."""
        total, ticks = 0, os.sysconf("SC_CLK_TCK")
        for pid in [self.process.pid, *self.pool_pids()]:
            with contextlib.suppress(OSError, IndexError, ValueError):
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        return total / ticks

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.log.close()


def purge_queues() -> None:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).delete(
        "default", "documents", "mail", "unacked", "unacked_index", "unacked_mutex"
    )


def worker_env(smtp_url: str) -> dict:
    env = dict(os.environ)
    env.update(EMAIL_URL=smtp_url, PYTHONPATH=str(ROOT))
    return env


# --- Data -----------------------------------------------------------------------------------


def make_pledges(count: int, run: str, label: str, *, paid: bool) -> list[int]:
    """`count` bank-transfer pledges of a bench event (50 sponsor organisations, each with a
    signatory), paid already (`paid`) or awaiting payment."""
    from django.db import transaction

    from events.choices import BenefitKind
    from marketplace.pledges.models import Pledge
    from marketplace.pledges.rules import hold_expiry
    from marketplace.pledges.services import write_pledge
    from sponsors.models import Contact, ContactRole, Organisation
    from tests.factories import make_event, make_package, make_terms, site_tree

    _, index = site_tree()
    event = make_event(
        index, title=f"Worker bench {label} {run}", acronym="BENCH-W", slug=f"bw-{label}-{run}"
    )
    terms = make_terms(event)
    package = make_package(
        event,
        title="Gold sponsor",
        capacity=None,
        max_per_sponsor=10**6,
        price="50000.00",
        benefits=[(BenefitKind.LOGO_WEBSITE, 1, 30), (BenefitKind.PASSES, 5, 7)],
    )
    organisations = []
    for n in range(50):
        organisation = Organisation.objects.create(
            legal_name=f"Bench Sponsor {n} SA",
            display_name=f"Bench {label} {run} {n}",
            country="CH",
            category="private_sector",
            billing_address=f"{n} Rue du Rhône\n1204 Geneva",
        )
        Contact.objects.create(
            organisation=organisation,
            role=ContactRole.SIGNATORY,
            name=f"Signatory {n}",
            email=f"signatory{n}@bench.example",
        )
        organisations.append(organisation)
    ids = []
    with transaction.atomic():
        for i in range(count):
            pledge = write_pledge(
                package=package, event=event, organisation=organisations[i % 50], user=None,
                quantity=1, payment_method="bank_transfer", terms=terms,
                expires_at=hold_expiry(event, "bank_transfer"),
            )  # fmt: skip
            ids.append(pledge.pk)
        Pledge.objects.filter(pk__in=ids).update(status="paid" if paid else "awaiting_payment")
    return ids


def wait_until(predicate, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout:.0f}s waiting for {what}")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --- Phases ---------------------------------------------------------------------------------


def throughput(args, sink, run: str, label: str = "tp") -> dict:
    from django.db import transaction

    from marketplace.agreements.models import Agreement
    from marketplace.agreements.scheduling import schedule_agreement
    from marketplace.pledges.models import Pledge

    ids = make_pledges(args.agreements, run, label, paid=True)
    already = len(sink.agreement_times())
    with transaction.atomic():  # queued as settlement queues them; the worker is not running
        for pledge in Pledge.objects.filter(pk__in=ids):
            schedule_agreement(pledge)
    worker = Worker(worker_env(sink.url), args.concurrency, RESULTS_DIR / "worker-bench.log")
    worker.start()
    try:
        cpu_before = worker.cpu_seconds()
        wait_until(
            lambda: len(sink.agreement_times()) - already >= args.agreements,
            args.timeout,
            "the agreement mails",
        )
        cpu = worker.cpu_seconds() - cpu_before
    finally:
        worker.stop()
    rows = list(Agreement.objects.filter(pledge_id__in=ids).values_list("created_at", "sent_at"))
    first_start = min(created for created, _ in rows).timestamp()
    last_mail = max(sink.agreement_times())
    seconds = last_mail - first_start
    render = sorted((sent - created).total_seconds() for created, sent in rows)
    return {
        "agreements": args.agreements,
        "seconds": round(seconds, 2),
        "agreements_per_second": round(args.agreements / seconds, 2),
        "worker_cpu_seconds": round(cpu, 2),
        "worker_cpu_ms_per_agreement": ms(cpu / args.agreements),
        "cpu_bound_agreements_per_second": round(args.agreements / cpu, 2) if cpu else None,
        "issue_task_p50_ms": ms(percentile(render, 0.5)),
        "issue_task_p95_ms": ms(percentile(render, 0.95)),
    }


def burst(args, sink, run: str) -> dict:
    from django.utils import timezone

    from marketplace.agreements.models import Agreement
    from marketplace.payments.bank import record_transfer
    from marketplace.pledges.models import Pledge
    from worker.models import MailLog, OutboxMessage

    ids = make_pledges(args.burst, run, "burst", paid=False)
    pledges = list(Pledge.objects.filter(pk__in=ids).order_by("pk"))
    already = len(sink.agreement_times())
    worker = Worker(worker_env(sink.url), args.concurrency, RESULTS_DIR / "worker-bench.log")
    worker.start()
    try:
        cpu_before = worker.cpu_seconds()
        started = time.time()
        for n, pledge in enumerate(pledges):
            record_transfer(
                pledge,
                amount=pledge.total,
                currency=pledge.currency,
                value_date=timezone.localdate(),
                bank_reference=f"BENCH-{run}-{n}",
                actor=None,
            )
        burst_seconds = time.time() - started
        wait_until(
            lambda: len(sink.agreement_times()) - already >= args.burst,
            args.timeout,
            "the agreement mails of the burst",
        )
        wait_until(
            lambda: not MailLog.objects.filter(pledge_id__in=ids, status="queued").exists(),
            120,
            "the receipts' mails",
        )
        drained = time.time() - started
        cpu = worker.cpu_seconds() - cpu_before
    finally:
        worker.stop()
    enqueued = dict(
        OutboxMessage.objects.filter(key__in=[f"agreement:{pk}:v1" for pk in ids]).values_list(
            "args__0", "created_at"
        )
    )
    agreements = {
        pledge_id: (pk, created, sent)
        for pk, pledge_id, created, sent in Agreement.objects.filter(pledge_id__in=ids).values_list(
            "pk", "pledge_id", "created_at", "sent_at"
        )
    }
    delivered = dict(
        MailLog.objects.filter(
            key__in=[f"agreement:{pk}:issued" for pk, _c, _s in agreements.values()]
        ).values_list("pledge_id", "sent_at")
    )
    to_start, to_pdf, to_mail = [], [], []
    for pledge_id, queued_at in enqueued.items():
        _pk, created, sent = agreements[pledge_id]
        to_start.append((created - queued_at).total_seconds())
        to_pdf.append((sent - queued_at).total_seconds())
        to_mail.append((delivered[pledge_id] - queued_at).total_seconds())
    to_start.sort(), to_pdf.sort(), to_mail.sort()
    return {
        "pledges": args.burst,
        "burst_seconds": round(burst_seconds, 2),
        "payments_per_second": round(args.burst / burst_seconds, 1),
        "drained_seconds": round(drained, 2),
        "worker_cpu_seconds": round(cpu, 2),
        "enqueue_to_start_ms": {
            "p50": ms(percentile(to_start, 0.5)),
            "p95": ms(percentile(to_start, 0.95)),
            "max": ms(to_start[-1]),
        },
        "enqueue_to_pdf_stored_ms": {
            "p50": ms(percentile(to_pdf, 0.5)),
            "p95": ms(percentile(to_pdf, 0.95)),
            "max": ms(to_pdf[-1]),
        },
        "enqueue_to_mail_delivered_ms": {
            "p50": ms(percentile(to_mail, 0.5)),
            "p95": ms(percentile(to_mail, 0.95)),
            "max": ms(to_mail[-1]),
        },
    }


def print_figures(result: dict) -> None:
    tp, b = result["throughput"], result["burst"]
    rates = ", ".join(f"{r['agreements_per_second']}/s" for r in result["throughput_rounds"])
    print(f"\nOne worker, -c {result['concurrency']} (load average before: "
          f"{result['machine']['load_average']})")  # fmt: skip
    verdict = "PASS" if tp["agreements_per_second"] >= TARGET_PER_SECOND else "FAIL"
    print(f"throughput rounds: {rates}")
    print(
        f"throughput (median round): {tp['agreements']} agreements rendered and mailed in "
        f"{tp['seconds']} s = {tp['agreements_per_second']}/s (target >= {TARGET_PER_SECOND}/s) "
        f"{verdict}"
    )
    print(
        f"  worker CPU {tp['worker_cpu_ms_per_agreement']} ms per agreement "
        f"(= {tp['cpu_bound_agreements_per_second']}/s on a core of its own); issue task "
        f"p50 {tp['issue_task_p50_ms']} ms, p95 {tp['issue_task_p95_ms']} ms"
    )
    print(
        f"burst: {b['pledges']} pledges paid in {b['burst_seconds']} s "
        f"({b['payments_per_second']}/s, settlement + receipt + agreement queued); "
        f"worker drained everything {b['drained_seconds']} s after the first payment"
    )
    for name, key in (
        ("enqueue -> task start", "enqueue_to_start_ms"),
        ("enqueue -> PDF stored", "enqueue_to_pdf_stored_ms"),
        ("enqueue -> mail delivered", "enqueue_to_mail_delivered_ms"),
    ):
        row = b[key]
        print(f"  {name:<27} p50 {row['p50']:>9.0f} ms  p95 {row['p95']:>9.0f} ms  "
              f"max {row['max']:>9.0f} ms")  # fmt: skip


def main(argv=None) -> None:
    args = parse_args(argv)
    configure_environment()
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from marketplace.agreements.permissions import ensure_demo_clauses

    ensure_demo_clauses()  # the agreements carry the demo's four standard clauses
    purge_queues()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    run = time.strftime("%Y%m%d-%H%M%S")
    machine = describe_machine()
    with smtp_sink() as sink:
        rounds = []
        for n in range(1, args.rounds + 1):
            rounds.append(throughput(args, sink, run, f"tp{n}"))
            purge_queues()
        ordered = sorted(rounds, key=lambda r: r["agreements_per_second"])
        result = {
            "run": run,
            "concurrency": args.concurrency,
            "machine": machine,
            "throughput_rounds": rounds,
            "throughput": ordered[len(ordered) // 2],  # the median round
        }
        purge_queues()
        result["burst"] = burst(args, sink, run)
    result["machine_after"] = describe_machine()
    print_figures(result)
    path = RESULTS_DIR / f"worker-{run}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"\nwritten {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
