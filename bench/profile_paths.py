#!/usr/bin/env python
"""Profile the three write/read paths the benchmarks time, in one process, with pyinstrument.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/profile_paths.py
    [--requests 50] [--path pledge|webhook|event-page|all] [--html DIR]

Each path is driven through Django's test client (no HTTP server, so the profile shows only
the application): a pledge through `POST /api/v1/pledges/` on one package, a signed
`checkout.session.completed` through `POST /payments/stripe/webhook/`, and the event page of
50 packages as a signed-in sponsor sees it. It prints, per path, the queries per request
(counted with Django's CaptureQueriesContext), the CPU per request, and pyinstrument's call
tree (`--html DIR` also writes it as HTML). Settings are production's (DEBUG off, tasks queued
on the broker, not run); the broker's queues are purged at the end. It builds its own event and
leaves it (a scratch database is expected).
"""

import argparse
import json
import os
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SECRET = "whsec_profile_" + secrets.token_hex(8)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="requests per path (50)")
    parser.add_argument("--path", choices=["pledge", "webhook", "event-page", "all"], default="all")
    parser.add_argument("--html", type=Path, help="also write each profile as HTML here")
    parser.add_argument(
        "--sql", action="store_true", help="also print the last request's SQL statements"
    )
    parser.add_argument(
        "--no-profile", action="store_true", help="CPU and queries only, without pyinstrument"
    )
    return parser.parse_args(argv)


def configure_environment() -> None:
    if urlsplit(os.environ.get("DATABASE_URL", "")).scheme not in {"postgres", "postgresql"}:
        sys.exit("Set DATABASE_URL=postgres://... (a scratch database).")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://127.0.0.1",
        STATICFILES_MANIFEST="false",
        CELERY_TASK_ALWAYS_EAGER="false",
        STRIPE_WEBHOOK_SECRET=SECRET,
        STRIPE_SECRET_KEY="sk_test_profile_never_called",
        PAYMENTS_STAND_IN="false",
        EMAIL_URL="memory://",
        LOG_LEVEL="ERROR",
    )
    if os.environ.get("REDIS_URL"):
        os.environ["CACHE_REDIS"] = "true"
    os.environ.setdefault("DATA_DIR", str(ROOT / "var" / "bench"))


def measure(name, args, send):
    """Run `send(i)` args.requests times (after 3 warm-ups), profiled; print the figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    for i in range(3):
        send(-1 - i)
    queries = []
    profiler = Profiler(interval=0.0005)
    cpu = time.process_time()
    if not args.no_profile:
        profiler.start()
    for i in range(args.requests):
        with CaptureQueriesContext(connection) as captured:
            send(i)
        queries.append(len(captured))
    if not args.no_profile:
        profiler.stop()
    cpu = (time.process_time() - cpu) * 1000 / args.requests
    note = "without profiler" if args.no_profile else "profiler included"
    print(f"\n=== {name}: {sum(queries) / len(queries):.1f} queries per request "
          f"(min {min(queries)}, max {max(queries)}), {cpu:.1f} ms CPU per request "
          f"({note}) ===")  # fmt: skip
    if args.sql:
        for number, query in enumerate(captured.captured_queries, 1):
            print(f"{number:3}. {query['sql'][:300]}")
    if args.no_profile:
        return captured
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        args.html.mkdir(parents=True, exist_ok=True)
        (args.html / f"{name}.html").write_text(profiler.output_html())
    return captured


def pledge_path(args):
    from django.test import Client

    from tests.factories import make_event, make_package, make_sponsor, make_terms, make_token

    stamp = secrets.token_hex(3)
    event = make_event(slug=f"profile-pledge-{stamp}", title=f"Profile pledge {stamp}")
    make_terms(event)
    package = make_package(event, capacity=10**7, max_per_sponsor=10**7, price="100.00")
    user, _organisation = make_sponsor(f"profile-{stamp}@example.org", name=f"Profile {stamp}")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    body = {"package": package.pk, "quantity": 1, "payment_method": "card", "accept_terms": True}

    def send(i):
        response = client.post("/api/v1/pledges/", body, content_type="application/json")
        assert response.status_code == 201, response.content

    return measure("pledge", args, send)


def webhook_path(args):
    import stripe
    from django.test import Client

    sys.path.insert(0, str(ROOT / "bench"))
    import webhooks

    webhooks.SECRET = SECRET
    rows = webhooks.make_pledges(args.requests + 3, secrets.token_hex(3))
    client = Client(HTTP_HOST="127.0.0.1")

    def send(i):
        event = webhooks.completed_event(rows[i])
        payload = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
        response = client.post(
            "/payments/stripe/webhook/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
        assert response.status_code == 200 and b"paid" in response.content, response.content

    return measure("webhook", args, send)


def event_page_path(args):
    from django.test import Client

    sys.path.insert(0, str(ROOT / "bench"))
    import catalog

    event, _watched = catalog.build_catalogue()
    from tests.factories import make_sponsor

    user, _organisation = make_sponsor(f"profile-page-{secrets.token_hex(3)}@example.org")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    path = event.url

    def send(i):
        response = client.get(path)
        assert response.status_code == 200, response.status_code

    return measure("event-page", args, send)


def main(argv=None) -> int:
    args = parse_args(argv)
    configure_environment()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    paths = {"pledge": pledge_path, "webhook": webhook_path, "event-page": event_page_path}
    for name, run in paths.items():
        if args.path in (name, "all"):
            run(args)
    try:
        from worker.app import QUEUES, app

        with app.connection_for_write() as conn:
            for queue in QUEUES:
                conn.default_channel.queue_purge(queue)
    except Exception as exc:  # the broker is not needed for the profile
        print(f"Could not purge the broker's queues: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
