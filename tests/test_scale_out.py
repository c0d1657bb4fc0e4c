"""Scale-out on one PostgreSQL and one Redis: TWO gunicorn instances and TWO Celery workers, as
`docker compose up --scale web=2 --scale worker=2` runs them. The capacity storm is sent half
to each web instance and 200 pledges are paid through Stripe's webhook, alternately on each:
no slot is sold twice, and every paid pledge has exactly one receipt and one agreement, however
the two instances and the two workers interleave.
"""

import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings

from marketplace.agreements.models import Agreement, StandardClause
from marketplace.finance.models import Receipt
from marketplace.payments import checkout, stripe_gateway
from marketplace.pledges.models import Pledge
from tests.factories import (
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    make_token,
    pledge_for,
    site_tree,
)
from tests.payments.stripe_fake import WEBHOOK_SECRET, FakeStripe, completed_session, signed
from tests.payments.stripe_fake import event as stripe_event
from tests.worker.live import (
    ROOT,
    free_port,
    purge_broker,
    running_worker,
    wait_for,
    worker_env,
)
from worker.app import app

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.broker,
    pytest.mark.timeout(900),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SPONSORS = 40
CAPACITY = 3
PAID = 200
PAYERS = 10  # sponsors sharing the 200 pledges (20 each)


class WebInstance:
    """`gunicorn marketplace.wsgi` on a port of its own, in its own process group."""

    def __init__(self, env, log_path):
        self.port = free_port()
        self.env, self.log_path = env, log_path
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "marketplace.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
             "--worker-class", "gthread", "--threads", "4", "--timeout", "120"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_for(self._healthy, 90, f"gunicorn on {self.port}", 0.25)
        return self

    def _healthy(self):
        if self.process.poll() is not None:
            raise AssertionError(self.log_path.read_text(errors="replace")[-4000:])
        try:
            return requests.get(f"{self.url}/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


@pytest.fixture
def world(settings, monkeypatch, tmp_path):
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = ""
    settings.PAYMENTS_STAND_IN_ENABLED = False
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "shared" / "private"
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", FakeStripe())
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    purge_broker(settings.REDIS_URL)
    StandardClause.objects.create(title="No endorsement", body="No endorsement implied.", order=1)
    event = make_event(site_tree()[1], slug="scale-summit")
    make_terms(event)
    scarce = make_package(event, title="Side room", slug="side-room", capacity=CAPACITY)
    roomy = make_package(
        event, title="Lanyards", slug="lanyards", price="1000.00", capacity=None,
        max_per_sponsor=PAID // PAYERS,
    )  # fmt: skip
    tokens = [make_token(make_sponsor()[0]) for _ in range(SPONSORS)]
    # 200 card pledges with their Stripe checkout opened (here, on the suite's fake Stripe).
    payments = []
    for _ in range(PAYERS):
        payer = make_sponsor()
        for _ in range(PAID // PAYERS):
            pledge = pledge_for(payer, roomy, payment_method="card")
            payments.append(checkout.start_card_payment(pledge, user=payer[0]))
    yield scarce, tokens, payments
    purge_broker(settings.REDIS_URL)


def test_two_web_instances_and_two_workers_never_oversell_nor_issue_twice(world, tmp_path):
    scarce, tokens, payments = world
    env = worker_env(
        tmp_path / "shared",
        redis_url=settings.REDIS_URL,
        CACHE_REDIS="true",  # one cache (rate limits, page cache) for both instances
        DEBUG="false",
        STRIPE_SECRET_KEY="sk_test_fake",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        PAYMENTS_STAND_IN="false",
        SITE_URL="http://127.0.0.1",
    )
    (tmp_path / "shared").mkdir(exist_ok=True)
    with (
        WebInstance(env, tmp_path / "web-a.log") as web_a,
        WebInstance(env, tmp_path / "web-b.log") as web_b,
        running_worker(env, tmp_path, "w1"),
        running_worker(env, tmp_path, "w2"),
    ):
        instances = [web_a.url, web_b.url]

        # The capacity storm: 40 sponsors at once, half on each instance.
        barrier = threading.Barrier(SPONSORS)

        def pledge(index):
            barrier.wait(timeout=60)
            return requests.post(
                f"{instances[index % 2]}/api/v1/pledges/",
                json={
                    "package": scarce.pk,
                    "quantity": 1,
                    "payment_method": "bank_transfer",
                    "accept_terms": True,
                },
                headers={"Authorization": f"Token {tokens[index]}"},
                timeout=240,
            ).status_code

        with ThreadPoolExecutor(SPONSORS) as pool:
            statuses = sorted(pool.map(pledge, range(SPONSORS)))
        assert statuses == [201] * CAPACITY + [409] * (SPONSORS - CAPACITY), statuses

        # 200 payments confirmed by Stripe's webhook, alternately on each instance, 8 at once;
        # each event is delivered twice (Stripe retries), once to each instance.
        def deliver(index):
            payment = payments[index // 2]
            body = stripe_event(
                "checkout.session.completed",
                completed_session(payment),
                event_id=f"evt_scale_{payment.pk}",
            )
            payload, header = signed(body)
            return requests.post(
                f"{instances[index % 2]}/payments/stripe/webhook/",
                data=payload,
                headers={"Content-Type": "application/json", "Stripe-Signature": header},
                timeout=240,
            ).status_code

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(deliver, range(2 * PAID)))
        assert set(answers) == {200}, sorted(set(answers))

        paid = Pledge.objects.filter(package__slug="lanyards", status="paid")
        wait_for(lambda: paid.count() == PAID, 120, "every pledge to be paid", 0.5)
        wait_for(
            lambda: Agreement.objects.filter(pledge__in=paid).count() >= PAID,
            600,
            "an agreement for every paid pledge (issued by the two workers)",
            1,
        )

    # Zero oversell, on both instances together.
    assert Pledge.objects.filter(package=scarce).exclude(status="cancelled").count() == CAPACITY
    # Exactly one receipt and one agreement per paid pledge.
    receipts = Receipt.objects.filter(pledge__in=paid)
    assert receipts.count() == PAID
    assert receipts.values("pledge").distinct().count() == PAID
    agreements = Agreement.objects.filter(pledge__in=paid)
    assert agreements.count() == PAID
    assert agreements.values("pledge").distinct().count() == PAID
    # Both workers did part of it.
    logs = [(tmp_path / f"{name}.log").read_text(errors="replace") for name in ("w1", "w2")]
    assert all("issue_agreement" in log for log in logs), [log[-2000:] for log in logs]
