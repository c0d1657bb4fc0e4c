#!/usr/bin/env python
"""Benchmark of the public catalogue: is the event page cheap enough, and its availability fresh?

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/catalog.py

It migrates the PostgreSQL database of DATABASE_URL (creating it if needed), builds an event with
50 published packages of 3 benefits each, serves the app with gunicorn (2 workers, DEBUG off,
Redis cache) on 127.0.0.1, and drives load from client processes against

  * the event page, as anonymous visitors see it (served by the page cache most of the time),
  * a minimal Django view on the same server (`/bench/minimal/`, routed by the benchmarks' own
    urlconf, `bench/urls.py`, under `bench/settings.py`), through the same middleware: the baseline,
  * the event page with a unique query string per request, so every request renders (for
    information: what the page cache saves).

It reports requests/s, p50/p95/p99 latency and the server's CPU per request for each, the
event/minimal throughput ratio (target >= 0.5), and, while the event page is under load, how long
a change of availability takes to show on it (target <= AVAILABILITY_CACHE_SECONDS, 5 s). Figures
go to the terminal and to bench/results/catalog-<time>.json. Everything it starts is stopped on
exit, Ctrl-C or error. Options: `--help`.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/loadgen.py

from benchserver import Server, describe_machine  # noqa: E402
from changes import WATCHED_CAPACITY, availability_changer, remove_pledges_and_sponsors  # noqa: E402
from loadgen import Load  # noqa: E402
from report import TARGET_RATIO, merge_rounds, print_table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
EVENT_SLUG = "bench-catalogue"
PACKAGES, BENEFITS = 50, 3


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8104)))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--worker-class",
        choices=["gthread", "sync"],
        default="gthread",
        help="gthread (default): keep-alive, and a worker waiting on PostgreSQL or Redis can "
        "serve another request; sync closes the connection after every response",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--requests", type=int, default=3000, help="per target and round")
    parser.add_argument("--uncached-requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per target")
    parser.add_argument("--connections", type=int, default=8, help="concurrent client connections")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--staleness-trials", type=int, default=6)
    parser.add_argument("--max-seconds", type=float, default=60, help="cap on each load run")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark event afterwards")
    return parser.parse_args(argv)


def configure_environment(port: int) -> None:
    """A production-like environment for this process and the server it starts."""
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme
    if not url:
        sys.exit(
            "DATABASE_URL is required: the benchmark runs on PostgreSQL, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench"
        )
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit(
            f"DATABASE_URL must point at PostgreSQL, not {scheme or url!r}: the benchmark "
            "measures the production set-up (SQLite is for development and tests only)."
        )
    if not os.environ.get("REDIS_URL"):
        sys.exit(
            "REDIS_URL is required: the page cache must be shared by the gunicorn workers "
            "as in production, e.g. REDIS_URL=redis://127.0.0.1:6379/0"
        )
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        PORT=str(port),
        STATICFILES_MANIFEST="false",
        CACHE_REDIS="true",
        CELERY_TASK_ALWAYS_EAGER="false",
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("DATA_DIR", str(ROOT / "var" / "bench"))


def ensure_database(url: str) -> None:
    """Create the database named in DATABASE_URL when it does not exist."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")


def build_catalogue():
    """(event, package watched for staleness): a fresh event with 50 packages x 3 benefits."""
    from events.choices import BenefitKind, PackageCategory
    from events.models import EventPage
    from tests.factories import make_event, make_package, site_tree

    remove_catalogue()
    _, index = site_tree()
    event = make_event(index, title="Benchmark Summit", acronym="BENCH-50", slug=EVENT_SLUG)
    kinds, categories = list(BenefitKind.values), list(PackageCategory.values)
    capacities = [None, 1, 3, 20]
    watched = None
    for i in range(PACKAGES):
        benefits = [(kinds[(i + j) % len(kinds)], j + 1, 7 * (j + 1)) for j in range(BENEFITS)]
        package = make_package(
            event,
            benefits=benefits,
            title=f"Package {i + 1:02d}",
            slug=f"package-{i + 1:02d}",
            category=categories[i % len(categories)],
            price=1000 + 250 * i,
            capacity=WATCHED_CAPACITY if i == PACKAGES // 2 else capacities[i % len(capacities)],
            max_per_sponsor=WATCHED_CAPACITY if i == PACKAGES // 2 else 1,
            summary="A sponsorship package of the benchmark event, with a one-line summary.",
        )
        if i == PACKAGES // 2:
            watched = package
    assert EventPage.objects.get(pk=event.pk).get_children().live().count() == PACKAGES
    return event, watched


def remove_catalogue() -> None:
    from events.models import EventPage

    events = list(EventPage.objects.filter(slug=EVENT_SLUG))
    remove_pledges_and_sponsors(events)
    for event in events:
        event.delete()


def cache_expiry(port: int, path: str) -> float | None:
    """When the page cache's copy of `path` expires (None if absent or unreadable)."""
    from django.core.cache import cache
    from django.test import RequestFactory

    from marketplace.core.page_cache import AnonymousPageCacheMiddleware

    request = RequestFactory().get(path, HTTP_HOST=f"127.0.0.1:{port}")
    try:
        entry = cache.get(AnonymousPageCacheMiddleware._key(request))
        return float(entry[0]) if entry else None
    except (TypeError, IndexError, ValueError, AttributeError):
        return None


def wait_for_refill(port: int, path: str, seconds: float) -> bool:
    """Wait until the page cache stores a fresh copy of `path` (False if none came)."""
    first = cache_expiry(port, path)
    limit = time.time() + seconds + 2
    while time.time() < limit:
        current = cache_expiry(port, path)
        if current is not None and current != first:
            return True
        time.sleep(0.01)
    return False


def run_target(args, name, path, requests, server, cookie=""):
    load = Load(
        "127.0.0.1",
        args.port,
        path,
        requests=requests,
        processes=args.client_processes,
        connections=args.connections,
        max_seconds=args.max_seconds,
        cookie=cookie,
    )
    try:
        cpu_before = server.cpu_seconds()
        load.start()
        figures = load.collect()
        figures["server_cpu_ms_per_request"] = (
            (server.cpu_seconds() - cpu_before) * 1000 / figures["requests"]
            if figures["requests"]
            else None
        )
    finally:
        load.terminate()
    figures["target"], figures["path"] = name, path
    return figures, load.latencies


def measure_staleness(args, event_path, package_id, changer, trials, seconds):
    """Change availability while the event page is under load, and time until it shows."""
    import random
    import re

    from loadgen import Connection

    pattern = re.compile(
        rf'data-package="{package_id}".*?data-availability>([^<]*)<'.encode(), re.DOTALL
    )
    load = Load(
        "127.0.0.1",
        args.port,
        event_path,
        requests=10**7,
        processes=args.client_processes,
        connections=max(args.connections - 1, 1),
        max_seconds=trials * (2 * seconds + 4) + 30,
    )
    poller = Connection("127.0.0.1", args.port)
    results = []
    try:
        load.start()
        for trial in range(trials):
            # Half the trials change availability just after the page was cached (the worst
            # case), half at a random moment.
            refilled = trial % 2 == 0 and wait_for_refill(args.port, event_path, seconds)
            if not refilled:
                time.sleep(random.uniform(0, seconds))
            committing, expected = changer.change()
            deadline = committing + 2 * seconds + 5
            seen, cache_header = None, None
            while time.time() < deadline:
                status, headers, body = poller.get(event_path)
                received = time.time()
                match = pattern.search(body)
                if status == 200 and match and match.group(1).decode().strip() == expected:
                    seen, cache_header = received - committing, headers.get("x-page-cache")
                    break
                time.sleep(0.005)
            results.append(
                {
                    "trial": trial + 1,
                    "moment": "just after the page was cached" if refilled else "random",
                    "expected": expected,
                    "seconds_until_shown": seen,
                    "served_as": cache_header,
                }
            )
            shown = f"{seen:.2f} s" if seen is not None else "NOT SHOWN"
            print(f"  staleness trial {trial + 1}: {expected!r} shown after {shown}")
        load.stop()
        under_load = load.collect()
    finally:
        poller.close()
        load.terminate()
    return results, under_load


def signed_in_sponsor():
    """A test client signed in as a new sponsor, and its session cookie for the load."""
    from changes import SPONSOR_EMAIL, SPONSOR_NAME
    from django.conf import settings
    from django.test import Client

    from tests.factories import make_sponsor

    user, _organisation = make_sponsor(
        SPONSOR_EMAIL.format(secrets.token_hex(4)), name=SPONSOR_NAME
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return client, f"{settings.SESSION_COOKIE_NAME}={cookie.value}"


def count_queries(event_path, sponsor_client) -> dict:
    """Queries per request of each target, counted in this process through the test client."""
    from django.test import Client
    from queries import HOST, queries_per_request

    anonymous = Client(HTTP_HOST=HOST)

    def sender(client, path):
        def send(i):
            assert client.get(path.format(i=i)).status_code == 200

        return send

    return {
        "minimal view": queries_per_request(sender(anonymous, "/bench/minimal/")),
        "event page (page cache)": queries_per_request(sender(anonymous, event_path)),
        # A new query string each time: the page cache misses, the catalogue part is reused.
        "event page, uncached": queries_per_request(
            sender(anonymous, event_path + "?nocache=q{i}")
        ),
        "event page, signed in": queries_per_request(sender(sponsor_client, event_path)),
    }


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main(argv=None) -> int:
    args = parse_args(argv)
    configure_environment(args.port)
    if not port_is_free(args.port):
        sys.exit(f"Port {args.port} is in use: pass --port or set BENCH_PORT.")

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    seconds = settings.AVAILABILITY_CACHE_SECONDS
    print("Migrating...", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Building an event with {PACKAGES} packages x {BENEFITS} benefits...", flush=True)
    event, watched = build_catalogue()
    event_path = event.url
    sponsor_client, sponsor_cookie = signed_in_sponsor()
    connections.close_all()
    server = Server(args, ROOT, RESULTS_DIR)
    started = time.time()
    try:
        server.start()
        server.warm_up([event_path, "/bench/minimal/"])
        server.check_event_page(event_path, PACKAGES)
        rounds = {"minimal view": ([], []), "event page": ([], [])}
        paths = {"minimal view": "/bench/minimal/", "event page": event_path}
        for r in range(args.rounds):
            for name in rounds:
                print(f"Round {r + 1}: {name} ({args.requests} requests)...", flush=True)
                figures, latencies = run_target(args, name, paths[name], args.requests, server)
                rounds[name][0].append(figures)
                rounds[name][1].extend(latencies)
        rows = [merge_rounds(name, *rounds[name]) for name in rounds]
        print(f"Event page without the page cache ({args.uncached_requests} requests)...")
        uncached, _ = run_target(
            args,
            "event page, uncached",
            event_path + "?nocache={i}",
            args.uncached_requests,
            server,
        )
        rows.append(uncached)
        print(f"Event page as a signed-in sponsor ({args.uncached_requests} requests)...")
        signed_in, _ = run_target(
            args,
            "event page, signed in",
            event_path,
            args.uncached_requests,
            server,
            cookie=sponsor_cookie,
        )
        rows.append(signed_in)
        queries = count_queries(event_path, sponsor_client)
        print(f"Changing availability {args.staleness_trials} times under load...", flush=True)
        changer = availability_changer(event, watched)
        print(f"Each change: {changer.how}.")
        trials, under_load = measure_staleness(
            args, event_path, watched.pk, changer, args.staleness_trials, seconds
        )
    finally:
        server.stop()
        connections.close_all()
        if not args.keep:
            try:
                remove_catalogue()
            except Exception as exc:  # keep the figures; say what is left behind
                print(f"Warning: could not remove the benchmark event {EVENT_SLUG!r}: {exc}")
        connections.close_all()
    shown = [t["seconds_until_shown"] for t in trials]
    staleness_max = max(shown) if shown and None not in shown else None
    ratio = rows[1]["requests_per_second"] / rows[0]["requests_per_second"]
    cpu = [row["server_cpu_ms_per_request"] for row in rows[:2]]
    cpu_ratio = cpu[0] / cpu[1] if all(cpu) else None
    title = (
        f"Catalogue benchmark: gunicorn {args.workers} x {args.worker_class}"
        + (f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
        + f", PostgreSQL, Redis cache, {PACKAGES} packages x {BENEFITS} benefits, "
        f"{args.connections} client connections in {args.client_processes} processes"
    )
    print_table(title, rows, ratio, cpu_ratio, staleness_max, seconds, len(trials))
    from queries import describe

    for name, figures in queries.items():
        print(describe(name, figures))
    result = {
        "title": title,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": describe_machine(),
        "options": vars(args),
        "availability_cache_seconds": seconds,
        "targets": rows,
        "ratio_event_to_minimal": ratio,
        "queries_per_request": queries,
        "ratio_target": TARGET_RATIO,
        "ratio_by_server_cpu_per_request": cpu_ratio,
        "staleness_change": changer.how,
        "staleness_trials": trials,
        "staleness_max_seconds": staleness_max,
        "event_page_under_staleness_load": under_load,
        "total_seconds": time.time() - started,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"catalog-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    print(f"\nResults written to {out.relative_to(ROOT)}")
    ok = ratio >= TARGET_RATIO and staleness_max is not None and staleness_max <= seconds
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("Interrupted: everything the benchmark started has been stopped.")
