#!/usr/bin/env python
"""Benchmark of Stripe's webhook: verified events processed per second, and a replay storm.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/webhooks.py

It migrates the PostgreSQL database of DATABASE_URL (creating it if needed; use a database of
its own: the issued receipts stay, as receipts do), makes N card pledges each with an open
checkout, serves the app with gunicorn (2 workers, DEBUG off, Redis broker) on 127.0.0.1 and
posts, from client processes:

  * the baseline: N signed events to a view that only verifies the signature
    (`/bench/webhook-verify/`, routed by `bench/urls.py` under `bench/settings.py`), same server and
    middleware;
  * N distinct, signed `checkout.session.completed` events for the N pledges to
    `/payments/stripe/webhook/`: each verified, recorded, checked against its pledge, settled
    (pledge paid, receipt numbered, PDF task queued);
  * a replay storm: 1,000 concurrent copies of one new event — exactly one receipt must result.

A processed event includes what follows a payment after commit in the same request: the outbox
rows for the receipt's PDF and for the "pledge paid" steps (agreement, benefit tasks) and
their publication to Redis. No worker runs; the queued tasks are purged at the end.

It prints events/s and p50/p95/p99 latency for both, their ratio, and the storm's answers, and
writes bench/results/webhooks-<time>.json. Everything it starts is stopped on exit.
"""

import argparse
import json
import multiprocessing
import os
import secrets
import signal
import sys
import threading
import time
from collections import Counter
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchserver import Server, describe_machine  # noqa: E402
from loadgen import die_with_parent, percentile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
SECRET = "whsec_bench_" + secrets.token_hex(16)
WEBHOOK = "/payments/stripe/webhook/"
BASELINE = "/bench/webhook-verify/"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8113)))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--events", type=int, default=1000, help="distinct events (1000)")
    parser.add_argument("--replays", type=int, default=1000, help="copies in the storm (1000)")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--storm-connections", type=int, default=50)
    return parser.parse_args(argv)


def configure_environment(port: int) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit(
            "DATABASE_URL must point at PostgreSQL (a database of its own), e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_webhooks"
        )
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL is required (the Celery broker, as in production).")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        PORT=str(port),
        STATICFILES_MANIFEST="false",
        CELERY_TASK_ALWAYS_EAGER="false",
        STRIPE_WEBHOOK_SECRET=SECRET,
        STRIPE_SECRET_KEY="sk_test_bench_never_called",
        PAYMENTS_STAND_IN="false",
        LOG_LEVEL="ERROR",
    )
    os.environ.setdefault("DATA_DIR", str(ROOT / "var" / "bench"))


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- Data -----------------------------------------------------------------------------------


def make_pledges(count: int, run: str) -> list[dict]:
    """`count` card pledges awaiting payment, each with an open checkout session."""
    from django.db import transaction

    from marketplace.payments.models import Payment
    from marketplace.payments.states import PaymentStatus
    from marketplace.pledges.rules import hold_expiry
    from marketplace.pledges.services import write_pledge
    from sponsors.models import Organisation
    from tests.factories import make_event, make_package, make_terms, site_tree

    _, index = site_tree()
    event = make_event(
        index, title=f"Webhook bench {run}", acronym="BENCH-WH", slug=f"bench-wh-{run}"
    )
    terms = make_terms(event)
    package = make_package(
        event, title="Bench package", capacity=None, max_per_sponsor=10**6, price="1250.00"
    )
    organisation = Organisation.objects.create(
        legal_name="Bench Sponsor Ltd",
        display_name="Bench Sponsor",
        country="CH",
        category="private_sector",
    )
    rows = []
    with transaction.atomic():
        for i in range(count):
            pledge = write_pledge(
                package=package,
                event=event,
                organisation=organisation,
                user=None,
                quantity=1,
                payment_method="card",
                terms=terms,
                expires_at=hold_expiry(event, "card"),
            )
            payment = Payment.objects.create(
                pledge=pledge,
                method="card",
                attempt=1,
                amount=pledge.total,
                currency=pledge.currency,
                status=PaymentStatus.PENDING,
                stripe_session_id=f"cs_bench_{run}_{i}",
            )
            rows.append(
                {
                    "reference": pledge.reference,
                    "session": payment.stripe_session_id,
                    "amount": int(pledge.total * 100),
                    "currency": pledge.currency.lower(),
                }
            )
    return rows


def completed_event(row: dict) -> dict:
    return {
        "id": "evt_bench_" + secrets.token_hex(12),
        "object": "event",
        "api_version": "2025-01-01",
        "created": int(time.time()),
        "livemode": False,
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": row["session"],
                "object": "checkout.session",
                "mode": "payment",
                "amount_total": row["amount"],
                "currency": row["currency"],
                "client_reference_id": row["reference"],
                "metadata": {"pledge_reference": row["reference"]},
                "payment_intent": "pi_bench_" + secrets.token_hex(10),
                "payment_status": "paid",
                "status": "complete",
            }
        },
    }


def sign(event: dict) -> tuple[bytes, str]:
    import stripe

    payload = json.dumps(event)
    return payload.encode(), stripe.WebhookSignature.generate_signature_header(payload, SECRET)


# --- Load -----------------------------------------------------------------------------------


def _client(port, jobs, threads, barrier, results):
    die_with_parent()
    latencies, statuses, outcomes = [], Counter(), Counter()
    lock = threading.Lock()
    share = [jobs[i::threads] for i in range(threads)]

    def run(mine):
        conn = HTTPConnection("127.0.0.1", port, timeout=60)
        for path, body, header in mine:
            start = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    path,
                    body=body,
                    headers={"Content-Type": "application/json", "Stripe-Signature": header},
                )
                response = conn.getresponse()
                data = response.read()
                status = response.status
            except OSError:
                conn.close()
                conn = HTTPConnection("127.0.0.1", port, timeout=60)
                status, data = 0, b"{}"
            elapsed = time.perf_counter() - start
            try:
                answer = json.loads(data)
            except ValueError:
                answer = {}
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1
                outcomes[answer.get("outcome") or answer.get("status") or "?"] += 1
        conn.close()

    workers = [threading.Thread(target=run, args=(s,)) for s in share if s]
    barrier.wait()
    began = time.time()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    results.put((began, time.time(), latencies, dict(statuses), dict(outcomes)))


def post_all(port, jobs, processes, connections) -> dict:
    """Send every (path, body, header) from `processes` client processes over `connections`
    concurrent connections; return throughput, latency percentiles and the answers."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    barrier = context.Barrier(processes)
    threads = max(connections // processes, 1)
    procs = [
        context.Process(target=_client, args=(port, jobs[i::processes], threads, barrier, results))
        for i in range(processes)
    ]
    for p in procs:
        p.start()
    parts = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    began = min(p[0] for p in parts)
    ended = max(p[1] for p in parts)
    latencies = sorted(x for p in parts for x in p[2])
    statuses, outcomes = Counter(), Counter()
    for p in parts:
        statuses.update(p[3])
        outcomes.update(p[4])
    seconds = ended - began
    return {
        "requests": len(latencies),
        "seconds": round(seconds, 3),
        "per_second": round(len(latencies) / seconds, 1) if seconds else None,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "statuses": dict(statuses),
        "outcomes": dict(outcomes),
    }


QUERY_COUNT_EVENTS = 6  # one warm-up and five counted, on pledges of their own


def webhook_queries(rows) -> dict:
    """Queries of one processed `checkout.session.completed`, counted in this process."""
    from django.test import Client
    from queries import HOST, queries_per_request

    client = Client(HTTP_HOST=HOST)

    def send(i):
        body, header = sign(completed_event(rows[i]))
        response = client.post(
            WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        assert response.status_code == 200 and b"paid" in response.content, response.content

    return queries_per_request(send, requests=len(rows) - 1)


def purge_queued_tasks() -> dict:
    """Drop the tasks this run queued for its pledges (receipt PDFs, and whatever else follows
    a payment: agreements, benefit tasks): no worker runs during the benchmark, and its
    database is its own."""
    from worker.app import QUEUES, app

    with app.connection_for_write() as conn:
        return {queue: conn.default_channel.queue_purge(queue) or 0 for queue in QUEUES}


def main(argv=None) -> int:
    args = parse_args(argv)
    configure_environment(args.port)

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from marketplace.finance.models import Receipt
    from marketplace.pledges.models import Pledge

    run = secrets.token_hex(3)
    print("Migrating...", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Making {args.events + 1} card pledges with open checkouts...", flush=True)
    rows = make_pledges(args.events + 1 + QUERY_COUNT_EVENTS, run)
    counted_rows, rows = rows[-QUERY_COUNT_EVENTS:], rows[:-QUERY_COUNT_EVENTS]
    storm_row, rows = rows[-1], rows[:-1]
    queries = webhook_queries(counted_rows)
    connections.close_all()

    server = Server(args, ROOT, RESULTS_DIR)
    report = {"machine": describe_machine(), "args": vars(args)}
    try:
        server.start()
        warm = [(BASELINE, *sign(completed_event(rows[0]))) for _ in range(50)]
        post_all(args.port, warm, 1, 2)

        print(f"Baseline: {args.events} signed events, signature check only...", flush=True)
        jobs = [(BASELINE, *sign(completed_event(row))) for row in rows]
        report["baseline"] = post_all(args.port, jobs, args.client_processes, args.connections)

        print(f"Webhook: {args.events} distinct checkout.session.completed events...", flush=True)
        jobs = [(WEBHOOK, *sign(completed_event(row))) for row in rows]
        report["webhook"] = post_all(args.port, jobs, args.client_processes, args.connections)

        print(f"Replay storm: {args.replays} concurrent copies of one event...", flush=True)
        body, header = sign(completed_event(storm_row))
        storm = [(WEBHOOK, body, header)] * args.replays
        report["storm"] = post_all(args.port, storm, args.client_processes, args.storm_connections)
    finally:
        server.stop()

    references = [row["reference"] for row in rows]
    paid = Pledge.objects.filter(reference__in=references, status="paid").count()
    receipts = Receipt.objects.filter(pledge__reference__in=references).count()
    storm_receipts = Receipt.objects.filter(pledge__reference=storm_row["reference"]).count()
    report["checks"] = {
        "pledges_paid": paid,
        "receipts_for_distinct_events": receipts,
        "storm_receipts": storm_receipts,
        "storm_processed": report["storm"]["outcomes"].get("succeeded: paid", 0),
        "storm_duplicates": report["storm"]["outcomes"].get("duplicate", 0),
    }
    try:
        report["checks"]["queued_tasks_purged"] = purge_queued_tasks()
    except Exception as exc:  # the broker is optional for the figures
        report["checks"]["queued_tasks_purged"] = f"not purged: {exc}"

    b, w, s = report["baseline"], report["webhook"], report["storm"]
    ratio = w["per_second"] / b["per_second"] if b["per_second"] else None
    report["ratio_webhook_to_baseline"] = round(ratio, 3) if ratio else None
    print()
    print(f"{'':26}{'events/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  answers")
    for name, row in (("baseline (verify only)", b), ("webhook (full)", w), ("replay storm", s)):
        print(
            f"{name:26}{row['per_second']:>10}{row['p50_ms']:>9}{row['p95_ms']:>9}"
            f"{row['p99_ms']:>9}  {row['statuses']} {row['outcomes']}"
        )
    print(f"Webhook / baseline throughput: {report['ratio_webhook_to_baseline']}")
    from queries import describe

    report["queries_per_request"] = queries
    print(describe("webhook (checkout.session.completed, processed)", queries))
    print(f"Checks: {report['checks']}")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"webhooks-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"Written to {out}")

    ok = (
        w["statuses"] == {200: args.events}
        and paid == args.events
        and receipts == args.events
        and storm_receipts == 1
        and report["checks"]["storm_processed"] == 1
        and report["checks"]["storm_duplicates"] == args.replays - 1
    )
    print("PASS" if ok else "FAIL: see the checks above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
