"""The admin import: update confirmation with the diff, errors capped with "and N more", and
large files run by a worker with their progress shown (issue 9 item 9, issue 13 item 1)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from register import import_jobs
from register.attachments import private_document_storage
from register.models import ImportJob, PartnershipAgreement
from tests.register.conftest import csv_text, row, run_import

pytestmark = pytest.mark.django_db


def _upload(text, name="r.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_overwriting_needs_a_confirmation_and_the_diff_is_shown(client, officer):
    client.force_login(officer)
    run_import([row(reference="BDT/2018/001")])
    url = reverse("register_admin_import")
    changed = csv_text([row(reference="bdt/2018/001", title="New title")])
    response = client.post(url, {"file": _upload(changed), "dry_run": "on"})
    text = response.content.decode()
    assert "line 2: reference: BDT/2018/001 exists (title differ)" in text
    assert "Stored agreements this file changes" in text
    assert "Broadband for schools" in text and "New title" in text
    assert "tick “Overwrite the stored agreements this file changes”" in text

    response = client.post(url, {"file": _upload(changed), "dry_run": "on", "update": "on"})
    assert "1 agreements would be created" not in response.content.decode()
    assert "0 agreements would be created, 1 updated" in response.content.decode()
    assert PartnershipAgreement.objects.get().title == "Broadband for schools"

    response = client.post(url, {"file": _upload(changed), "update": "on"})
    assert response.status_code == 302
    assert PartnershipAgreement.objects.get().title == "New title"


def test_the_admin_lists_200_errors_then_says_how_many_more(client, officer):
    client.force_login(officer)
    bad = csv_text([row(reference=f"R{i}", currency="XTS") for i in range(230)])
    response = client.post(reverse("register_admin_import"), {"file": _upload(bad), "dry_run": ""})
    text = response.content.decode()
    assert "230 errors: nothing was imported." in text
    assert text.count("<li><code>line ") == 200
    assert "and 30 more" in text


def test_the_threshold_is_5_mb():
    assert not import_jobs.runs_in_worker(5 * 1024 * 1024)
    assert import_jobs.runs_in_worker(5 * 1024 * 1024 + 1)


def test_a_large_file_is_imported_by_a_worker_and_then_deleted(
    client, officer, settings, django_capture_on_commit_callbacks
):
    settings.REGISTER_IMPORT_TASK_MB = 0.0001  # ~100 bytes: every test file is "large"
    client.force_login(officer)
    text = csv_text([row(reference=f"R{i}") for i in range(3)])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("register_admin_import"), {"file": _upload(text)})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("register_admin_import_job", args=[job.pk])
    assert job.state == ImportJob.State.DONE and job.path == ""
    assert (job.rows_done, job.rows_total) == (3, 3)
    assert job.result["created"] == 3 and PartnershipAgreement.objects.count() == 3
    storage = private_document_storage()
    assert storage.listdir(import_jobs.FOLDER)[1] == []  # the upload is gone

    page = client.get(response["Location"]).content.decode()
    assert "3 agreements were created" in page and 'http-equiv="refresh"' not in page
    listing = client.get(reverse("register_admin_import")).content.decode()
    assert reverse("register_admin_import_job", args=[job.pk]) in listing


def test_a_large_bad_file_shows_its_errors_on_the_job_page(
    client, officer, settings, django_capture_on_commit_callbacks
):
    settings.REGISTER_IMPORT_TASK_MB = 0.0001
    client.force_login(officer)
    bad = csv_text([row(reference=f"R{i}", signed_on="2099-01-01") for i in range(205)])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("register_admin_import"), {"file": _upload(bad)})
    page = client.get(response["Location"]).content.decode()
    assert "205 errors: nothing was imported." in page
    assert "line 2: signed_on: 2099-01-01 is in the future" in page and "and 5 more" in page
    assert not PartnershipAgreement.objects.exists()


def test_a_running_job_page_refreshes_and_shows_progress(client, officer):
    client.force_login(officer)
    job = ImportJob.objects.create(
        file_name="big.csv", state=ImportJob.State.RUNNING, rows_done=500, rows_total=2000
    )
    page = client.get(reverse("register_admin_import_job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
    assert "500 of 2000 rows checked" in page and 'value="25"' in page


def test_a_finished_job_is_not_run_again(officer):
    job = ImportJob.objects.create(file_name="x.csv", state=ImportJob.State.DONE)
    assert import_jobs.run_import_job(job.pk) is False


def test_a_sponsor_cannot_see_a_job(client, sponsor):
    job = ImportJob.objects.create(file_name="x.csv")
    client.force_login(sponsor)
    response = client.get(reverse("register_admin_import_job", args=[job.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_oversized_import_is_stopped_while_it_streams_in(officer):
    """The admin import's 50 MB limit is enforced as the body arrives: a 55 MB file is refused
    with the form's message after at most the limit and a few chunks were read."""
    from django.conf import settings

    from register.forms import MAX_IMPORT_BYTES
    from tests.core.test_request_limits import CHUNK, CountingClient

    client = CountingClient()
    client.force_login(officer)
    big = SimpleUploadedFile("big.csv", b"x" * (55 * 1024 * 1024), content_type="text/csv")
    response = client.post(reverse("register_admin_import"), {"file": big, "dry_run": "on"})
    assert response.status_code == 200  # the form again, with its message
    assert "The file is larger than 50 MB." in response.content.decode()
    assert client.body.consumed <= MAX_IMPORT_BYTES + 3 * CHUNK
    assert settings.MAX_REQUEST_BODY_MB * 1024 * 1024 > 55 * 1024 * 1024  # not the body limit
