"""Integration: a real Celery worker on Redis, sharing the test database, renders the agreement
of a pledge paid here and mails it with its PDF to a local SMTP server (aiosmtpd); with Redis
down when the pledge is paid, the payment commits and the agreement goes out once Redis is
back."""

import hashlib
import os
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from marketplace.agreements.models import Agreement
from tests.agreements.conftest import SIGNATORY_EMAIL, pay
from tests.pdf import pdf_text
from tests.worker.live import (
    RedisServer,
    broker_at,
    purge_broker,
    running_worker,
    smtp_server,
    wait_for,
    worker_env,
)
from worker.app import app
from worker.models import MailLog, MailStatus, OutboxMessage

pytestmark = [
    pytest.mark.broker,
    pytest.mark.postgres,
    pytest.mark.timeout(180),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def live(monkeypatch, settings, tmp_path):
    """This process publishes to the broker; the worker keeps its PDFs where this one reads."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "worker-data" / "private"
    purge_broker(settings.REDIS_URL)
    yield
    purge_broker(settings.REDIS_URL)


def agreement_messages(smtp):
    return [(to, m) for to, m in smtp.messages if "Sponsorship agreement AGR-" in m["Subject"]]


def pdf_part(message):
    [part] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    return part.get_filename(), part.get_payload(decode=True)


def test_a_worker_mails_the_agreement_with_its_pdf_over_smtp(live, pledge, clauses, tmp_path):
    with smtp_server() as smtp:
        with transaction.atomic():
            pay(pledge)
        env = worker_env(tmp_path, redis_url=settings.REDIS_URL, email_url=smtp.url)
        with running_worker(env, tmp_path) as worker:
            wait_for(lambda: agreement_messages(smtp), 60, "the agreement mail")
            # The worker marks the log sent when it commits, just after the SMTP exchange.
            wait_for(
                lambda: MailLog.objects.filter(
                    key__endswith=":issued", status=MailStatus.SENT
                ).exists(),
                20,
                "the mail log to say sent",
            )
            assert "issue_agreement" in worker.output()
    [(recipients, message)] = agreement_messages(smtp)
    assert recipients == [SIGNATORY_EMAIL]
    agreement = Agreement.objects.get(pledge=pledge)
    assert agreement.status == "sent" and agreement.number in message["Subject"]
    filename, content = pdf_part(message)
    assert filename == f"{agreement.number}-v1.pdf"
    assert hashlib.sha256(content).hexdigest() == agreement.sha256
    text = " ".join(pdf_text(content).split())
    assert agreement.number in text and "fifty thousand Swiss francs" in text
    assert "Acme Corporation SA" in text and "CHF 50,000.00" in text
    log = MailLog.objects.get(key=f"agreement:{agreement.pk}:issued")
    assert log.status == MailStatus.SENT and message["Message-ID"] == log.message_id


def test_with_redis_down_the_payment_commits_and_the_agreement_goes_out_once_it_is_back(
    live, pledge, clauses, tmp_path
):
    if not shutil.which("redis-server"):
        reason = "needs the redis-server binary to stop and restart a private Redis"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run this test: {reason}")
        pytest.skip(reason)
    server = RedisServer(tmp_path).start()
    try:
        with broker_at(server.url), smtp_server() as smtp:
            server.stop()  # Redis goes down
            with transaction.atomic():
                pay(pledge)  # the payment still commits
            pledge.refresh_from_db()
            assert pledge.status == "paid"
            queued = OutboxMessage.objects.get(key=f"agreement:{pledge.pk}:v1")
            assert queued.sent_at is None and queued.last_error

            server.start()  # Redis is back (empty)
            env = worker_env(tmp_path, redis_url=server.url, email_url=smtp.url)
            with running_worker(env, tmp_path):
                call_command("flush_outbox")
                wait_for(lambda: agreement_messages(smtp), 60, "the agreement mail")
                call_command("flush_outbox")  # nothing left, nothing sent twice
                wait_for(
                    lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(),
                    20,
                    "the outbox to drain",
                )
        assert len(agreement_messages(smtp)) == 1
        assert Agreement.objects.filter(pledge=pledge).count() == 1
    finally:
        server.stop()
