"""How fast can sponsors pledge when they all want the same thing?

Starts gunicorn (2 workers by default) on the PostgreSQL database in DATABASE_URL, then has
CLIENTS parallel API clients pledge for SECONDS each:

  (a) hot:  one package with a large capacity, so every pledge locks the same row;
  (b) many: PACKAGES packages (each with a small capacity, so some sell out), spread out.

It prints pledges/s and p50/p95 latency for each, and a baseline from the same run: `pgbench`
with the same number of clients updating one hot row (`UPDATE ... SET n = n + 1 WHERE id = 1`).
The ratio says how close pledging gets to what the database can do on one row. At the end it
asserts there is no oversell: no package has more held + sold than its capacity, and every 201
is one pledge in the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb .venv/bin/python bench/pledge_contention.py
    [--clients 8] [--seconds 10] [--workers 2] [--threads 4] [--packages 20] [--capacity 10]

It builds its own event (slug bench-contention-<time>) and removes it afterwards (--keep keeps
it). Mail is queued on the broker (REDIS_URL, else the filesystem broker under DATA_DIR) as in
production, and purged at the end. Needs `pgbench` on the PATH (Debian: postgresql-client).
"""

import argparse
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="parallel clients (and pgbench -c)")
    parser.add_argument("--seconds", type=float, default=10, help="duration of each scenario")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--packages", type=int, default=20, help="packages in scenario (b)")
    parser.add_argument("--capacity", type=int, default=10, help="capacity of each (b) package")
    parser.add_argument("--port", type=int, default=8103)
    parser.add_argument("--keep", action="store_true", help="keep the bench event and pledges")
    return parser.parse_args(argv)


def configure_environment(port: int) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("Set DATABASE_URL=postgres://... : this benchmark measures PostgreSQL locking.")
    if not shutil.which("pgbench"):
        sys.exit("pgbench is not on the PATH (apt-get install postgresql-client).")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "marketplace.settings",
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "EMAIL_URL": "memory://",
            # As in production, each pledge's mail is queued for a worker, not sent in the
            # request; the queued mail tasks are purged at the end (no worker runs).
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "STATICFILES_MANIFEST": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.setdefault("DATA_DIR", str(ROOT / "var" / "bench"))


# --- Data ----------------------------------------------------------------------------------


def build_fixtures(args):
    """A bench event with a hot package and `args.packages` small ones, and one onboarded
    sponsor with a token per client."""
    import datetime

    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from events.choices import PackageCategory
    from events.models import EventPage, SponsorshipPackagePage
    from marketplace.pledges.rules import publish_terms
    from sponsors.models import Clearance, MemberRole, Membership, Organisation
    from sponsors.tokens.services import create_token
    from tests.factories import site_tree

    # A fresh database gets a home page serving the default site and the events index.
    _home, index = site_tree()
    stamp = time.strftime("%Y%m%d%H%M%S")
    today = timezone.localdate()
    event = index.add_child(
        instance=EventPage(
            title=f"Bench contention {stamp}",
            slug=f"bench-contention-{stamp}",
            acronym="BENCH",
            start_date=today + datetime.timedelta(days=90),
            end_date=today + datetime.timedelta(days=92),
            city="Geneva",
            country="CH",
            currency="CHF",
            sponsorship_deadline=today + datetime.timedelta(days=60),
            organiser_name="Bench",
            organiser_email="bench@example.org",
        )
    )
    publish_terms(event, "Benchmark terms.")

    def package(title, capacity, max_per_sponsor):
        return event.add_child(
            instance=SponsorshipPackagePage(
                title=title,
                category=PackageCategory.FELLOWSHIP,
                price="100.00",
                capacity=capacity,
                max_per_sponsor=max_per_sponsor,
            )
        )

    hot = package("Hot package", 10**7, 10**7)
    many = [package(f"Package {n}", args.capacity, args.capacity) for n in range(args.packages)]
    # Pledged on only by the in-process query count, so the scenarios' figures stay theirs.
    counted = package("Counted package", 10**7, 10**7)

    tokens = []
    user_model = get_user_model()
    for n in range(args.clients):
        email = f"bench-{stamp}-{n}@example.com"
        user = user_model(username=email, email=email)
        user.set_unusable_password()
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        organisation = Organisation.objects.create(
            legal_name=f"Bench sponsor {n}",
            display_name=f"Bench sponsor {n}",
            country="CH",
            category="academia",
            clearance=Clearance.CLEARED,
        )
        Membership.objects.create(user=user, organisation=organisation, role=MemberRole.ADMIN)
        tokens.append(create_token(user).key)
    return event, hot, many, counted, tokens


def remove_fixtures(event, tokens) -> None:
    from django.contrib.auth import get_user_model

    from marketplace.pledges.models import Pledge, WaitlistEntry
    from sponsors.models import Organisation
    from sponsors.tokens.models import digest_of

    users = get_user_model().objects.filter(
        api_tokens__digest__in=[digest_of(token) for token in tokens]
    )
    organisations = Organisation.objects.filter(memberships__user__in=users)
    WaitlistEntry.objects.filter(package__in=event.get_children()).delete()
    Pledge.objects.filter(event=event).delete()
    event.delete()
    Organisation.objects.filter(pk__in=list(organisations.values_list("pk", flat=True))).delete()
    users.delete()


def oversold(packages, created_by_package) -> list[str]:
    """Every package whose held + sold exceeds its capacity, or whose pledges in the database
    differ from the 201 answers the clients received."""
    from django.db.models import Sum

    from marketplace.pledges.models import Pledge
    from marketplace.pledges.states import SLOT_HOLDING_STATES

    problems = []
    for package in packages:
        taken = (
            Pledge.objects.filter(package=package, status__in=SLOT_HOLDING_STATES).aggregate(
                total=Sum("quantity")
            )["total"]
            or 0
        )
        if package.capacity is not None and taken > package.capacity:
            problems.append(f"{package.title}: {taken} taken of {package.capacity}")
        if taken != created_by_package.get(package.pk, 0):
            problems.append(
                f"{package.title}: {taken} in the database, "
                f"{created_by_package.get(package.pk, 0)} answered 201"
            )
    return problems


# --- Server --------------------------------------------------------------------------------


class Gunicorn:
    def __init__(self, args, log_path: Path):
        self.args = args
        self.log_path = log_path
        self.process = None

    def start(self, timeout=90):
        command = [
            sys.executable, "-m", "gunicorn", "marketplace.wsgi:application",
            "--bind", f"127.0.0.1:{self.args.port}",
            "--workers", str(self.args.workers),
            "--worker-class", "gthread", "--threads", str(self.args.threads),
            "--backlog", "512", "--timeout", "60", "--log-level", "warning",
        ]  # fmt: skip
        print("Starting:", " ".join(command[1:]), flush=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                if requests.get(self.url("/healthz"), timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout} s")

    def cpu_seconds(self) -> float:
        """User + system CPU used so far by gunicorn's master and workers (Linux /proc)."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(pid) for pid in children.read_text().split()]
        ticks = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def url(self, path):
        return f"http://127.0.0.1:{self.args.port}{path}"

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- Load ----------------------------------------------------------------------------------


def run_scenario(server, tokens, choose_package, seconds) -> dict:
    """Each client pledges 1 unit in a loop for `seconds`, over a keep-alive connection."""
    barrier = threading.Barrier(len(tokens) + 1)
    results = [[] for _ in tokens]  # (latency seconds, status, package id)
    stop_at = [0.0]

    def client(index, token):
        rng = random.Random(index)
        with requests.Session() as session:
            session.headers["Authorization"] = f"Token {token}"
            barrier.wait()
            while time.perf_counter() < stop_at[0]:
                package_id = choose_package(rng)
                started = time.perf_counter()
                response = session.post(
                    server.url("/api/v1/pledges/"),
                    json={
                        "package": package_id,
                        "quantity": 1,
                        "payment_method": "card",
                        "accept_terms": True,
                    },
                    timeout=60,
                )
                results[index].append(
                    (time.perf_counter() - started, response.status_code, package_id)
                )

    threads = [threading.Thread(target=client, args=(i, t)) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    cpu_before = server.cpu_seconds()
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    server_cpu = server.cpu_seconds() - cpu_before
    rows = [row for per_client in results for row in per_client]
    latencies = sorted(latency for latency, _status, _pid in rows)
    statuses = [status for _latency, status, _pid in rows]
    created = {}
    for _latency, status, package_id in rows:
        if status == 201:
            created[package_id] = created.get(package_id, 0) + 1
    unexpected = sorted({s for s in statuses if s not in (201, 409)})
    return {
        "requests": len(rows),
        "created": statuses.count(201),
        "sold_out": statuses.count(409),
        "unexpected": unexpected,
        "seconds": elapsed,
        "pledges_per_s": statuses.count(201) / elapsed,
        "requests_per_s": len(rows) / elapsed,
        "p50_ms": 1000 * percentile(latencies, 0.50),
        "p95_ms": 1000 * percentile(latencies, 0.95),
        "cpu_ms": 1000 * server_cpu / max(len(rows), 1),
        "created_by_package": created,
    }


def percentile(values, fraction):
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(fraction * (len(values) - 1))))]


# --- Baseline ------------------------------------------------------------------------------


def pgbench_hot_row(clients: int, seconds: float) -> dict:
    """pgbench with `clients` clients updating one row of a scratch table, in the same DB."""
    from django.db import connection

    parts = urlsplit(os.environ["DATABASE_URL"])
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_hot_row")
        cursor.execute("CREATE TABLE bench_hot_row (id int PRIMARY KEY, n bigint NOT NULL)")
        cursor.execute("INSERT INTO bench_hot_row VALUES (1, 0)")
    connection.close()
    work = Path(tempfile.mkdtemp(prefix="pgbench-"))
    try:
        script = work / "hot_row.sql"
        script.write_text("UPDATE bench_hot_row SET n = n + 1 WHERE id = 1;\n")
        env = os.environ.copy()
        if parts.password:
            env["PGPASSWORD"] = parts.password
        command = [
            "pgbench", "-n", "-c", str(clients), "-j", str(min(clients, 4)),
            "-T", str(max(1, round(seconds))), "-f", str(script), "-l",
            "--log-prefix", str(work / "log"),
            "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
            "-U", parts.username or "postgres", parts.path.lstrip("/"),
        ]  # fmt: skip
        output = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        tps = next(
            float(line.split("=")[1].split()[0])
            for line in output.stdout.splitlines()
            if line.startswith("tps =")
        )
        latencies = sorted(
            int(line.split()[2]) / 1e6
            for log in work.glob("log*")
            for line in log.read_text().splitlines()
            if line.strip()
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_hot_row")
        connection.close()
    return {
        "tps": tps,
        "p50_ms": 1000 * percentile(latencies, 0.50),
        "p95_ms": 1000 * percentile(latencies, 0.95),
        "transactions": len(latencies),
    }


def pledge_queries(package, token) -> dict:
    """Queries of one pledge request (`POST /api/v1/pledges/`), counted in this process."""
    sys.path.insert(0, str(ROOT / "bench"))
    from django.test import Client
    from queries import HOST, queries_per_request

    client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {token}")
    body = {"package": package.pk, "quantity": 1, "payment_method": "card", "accept_terms": True}

    def send(_i):
        response = client.post("/api/v1/pledges/", body, content_type="application/json")
        assert response.status_code == 201, response.content

    return queries_per_request(send)


def purge_queued_mail() -> None:
    """Drop the mail tasks the pledges queued: no worker runs during the benchmark."""
    from worker.app import app

    try:
        purged = app.control.purge()
    except Exception as exc:  # the broker is not essential to the figures
        print(f"Could not purge the queued mail tasks: {exc}")
    else:
        print(f"Purged {purged} queued mail tasks.")


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def main(argv=None) -> int:
    args = parse_args(argv)
    configure_environment(args.port)
    if not port_is_free(args.port):
        sys.exit(f"Port {args.port} is in use: choose another with --port.")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    event, hot, many, counted, tokens = build_fixtures(args)
    queries = pledge_queries(counted, tokens[0])
    connection.close()
    server = Gunicorn(args, Path(os.environ["DATA_DIR"]) / "bench" / "pledge_contention.log")
    try:
        server.start()
        for _ in range(20):  # warm every worker's code paths and connections
            requests.get(server.url(f"/api/v1/packages/{hot.pk}/"), timeout=30)
        results = {
            "a) one hot package": run_scenario(server, tokens, lambda _rng: hot.pk, args.seconds),
            "b) many packages": run_scenario(
                server, tokens, lambda rng: rng.choice(many).pk, args.seconds
            ),
        }
    finally:
        server.stop()
    baseline = pgbench_hot_row(args.clients, args.seconds)
    purge_queued_mail()

    print()
    print(
        f"{args.clients} clients, gunicorn {args.workers} workers × {args.threads} threads, "
        f"{args.seconds:g} s per scenario, PostgreSQL {connection.pg_version // 10000}, "
        f"{os.cpu_count()} CPUs"
    )
    header = f"{'scenario':<22}{'pledges/s':>10}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
    header += f"{'201':>7}{'409':>6}{'CPU ms':>8}{'vs pgbench':>12}"
    print(header)
    for name, r in results.items():
        print(
            f"{name:<22}{r['pledges_per_s']:>10.1f}{r['requests_per_s']:>8.1f}"
            f"{r['p50_ms']:>8.1f}{r['p95_ms']:>8.1f}{r['created']:>7}{r['sold_out']:>6}"
            f"{r['cpu_ms']:>8.1f}{r['pledges_per_s'] / baseline['tps']:>11.3f}×"
        )
    print(
        f"{'pgbench one hot row':<22}{baseline['tps']:>10.1f}{baseline['tps']:>8.1f}"
        f"{baseline['p50_ms']:>8.2f}{baseline['p95_ms']:>8.2f}{baseline['transactions']:>7}"
        f"{'':>6}{'':>8}{1:>11.3f}×"
    )
    hot_ratio = results["a) one hot package"]["pledges_per_s"] / baseline["tps"]
    print(
        f"\nHot-row pledging runs at {hot_ratio:.1%} of pgbench's single-row update rate "
        f"(a pledge is an HTTP request, a token check, a locked read, two counts, and three "
        f"inserts; pgbench is one UPDATE). CPU ms: gunicorn CPU time per request. Load "
        f"average at the end: {os.getloadavg()[0]:.1f}."
    )
    from queries import describe

    print(describe("pledge (POST /api/v1/pledges/)", queries))

    problems = []
    for name, r in results.items():
        if r["unexpected"]:
            problems.append(f"{name}: unexpected statuses {r['unexpected']}")
    created = {}
    for r in results.values():
        for package_id, count in r["created_by_package"].items():
            created[package_id] = created.get(package_id, 0) + count
    problems += oversold([hot, *many], created)
    if not args.keep:
        try:
            remove_fixtures(event, tokens)
        except Exception as exc:  # leave the data rather than hide the figures
            print(f"Could not remove the bench event ({exc}); remove {event.slug} by hand.")
    if problems:
        print("OVERSELL OR MISMATCH:\n  " + "\n  ".join(problems))
        return 1
    print("Zero oversell: every package within capacity, every 201 is one pledge in the database.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
