"""Signers' IP address and user agent are cleared SIGNATURE_EVIDENCE_YEARS after signing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.agreements.models import Signature
from marketplace.agreements.tasks import clear_signature_evidence
from worker.app import app as celery_app

pytestmark = pytest.mark.django_db


def test_only_signatures_older_than_the_retention_lose_their_evidence(settings, paid_and_signed):
    settings.SIGNATURE_EVIDENCE_YEARS = 10
    recent = Signature.objects.get()
    old = Signature.objects.create(
        agreement=recent.agreement, side="organiser", user=None, full_name="Olivia Okafor",
        title="Director", ip_address="198.51.100.9", user_agent="OldBrowser/0.1",
        document_sha256=recent.document_sha256,
        signed_at=timezone.now() - timedelta(days=365 * 10 + 3),
    )  # fmt: skip

    assert clear_signature_evidence.delay().get() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (old.full_name, old.document_sha256) == ("Olivia Okafor", recent.document_sha256)
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.7", "SponsorBrowser/1.0")
    assert clear_signature_evidence.delay().get() == 0  # already cleared


def test_a_shorter_retention_clears_more(settings, paid_and_signed):
    from marketplace.agreements.retention import clear_signature_evidence as clear

    settings.SIGNATURE_EVIDENCE_YEARS = 1
    later = timezone.now() + timedelta(days=366)
    assert clear(now=later) == 1
    assert Signature.objects.get().ip_address is None


def test_beat_runs_it_daily():
    entry = celery_app.conf.beat_schedule["clear-signature-evidence"]
    assert entry["task"] == "marketplace.agreements.tasks.clear_signature_evidence"
    assert entry["schedule"].hour == {3}
