"""A sponsor's asset upload is stopped at its field's limit while it streams in: an oversized
file or logo is never received in full, and the form says why as it always has."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.core.request_limits import MB
from marketplace.fulfilment.assets import MAX_FILE_BYTES
from marketplace.fulfilment.models import BenefitTask
from sponsors.logos import MAX_LOGO_BYTES
from tests.core.test_request_limits import CHUNK, CountingClient


def _task(tasks, kind):
    return next(task for task in tasks if task.kind == kind)


@pytest.fixture
def sponsor_client(sponsor):
    client = CountingClient()
    client.force_login(sponsor[0])
    return client


def test_a_25_mb_stand_artwork_is_refused_after_10_mb(sponsor_client, paid):
    task = _task(paid[1], "exhibition")
    big = SimpleUploadedFile("stand.pdf", b"%PDF-1.7\n" + b"0" * (25 * MB))
    response = sponsor_client.post(f"/account/benefits/{task.public_id}/", {"file": big})
    assert response.status_code == 400
    assert "The file is 25.0 MB; the limit is 10 MB." in response.content.decode()
    assert sponsor_client.body.consumed <= MAX_FILE_BYTES + 2 * CHUNK
    assert not BenefitTask.objects.get(pk=task.pk).asset_file


def test_a_logo_asset_is_held_to_the_logo_limit(sponsor_client, paid):
    task = _task(paid[1], "logo_website")
    big = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * (8 * MB))
    response = sponsor_client.post(f"/account/benefits/{task.public_id}/", {"logo": big})
    assert response.status_code == 400
    assert "the limit is 2 MB" in response.content.decode()
    assert sponsor_client.body.consumed <= MAX_LOGO_BYTES + 2 * CHUNK
    assert not BenefitTask.objects.get(pk=task.pk).asset_logo


def test_a_file_within_the_limit_is_still_received(sponsor_client, paid):
    task = _task(paid[1], "exhibition")
    pdf = SimpleUploadedFile("stand.pdf", b"%PDF-1.7\n" + b"0" * MB)
    response = sponsor_client.post(f"/account/benefits/{task.public_id}/", {"file": pdf})
    assert response.status_code == 302
    assert BenefitTask.objects.get(pk=task.pk).asset_file
