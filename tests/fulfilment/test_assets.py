"""Sponsors' assets: a logo with the benefit's minimum size, a text within its maximum length, a
PDF/PNG/JPEG file. A bad upload is refused with a clear message and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.fulfilment import services
from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.states import FulfilmentError
from tests.fulfilment.images import pdf, png, svg


def _task(tasks, kind):
    return next(task for task in tasks if task.kind == kind)


def _files_under(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_logo_smaller_than_the_benefit_needs_is_refused_and_not_stored(paid, sponsor, settings):
    task = _task(paid[1], "logo_website")
    with pytest.raises(FulfilmentError) as error:
        services.submit_asset(task, user=sponsor[0], upload=png(size=(300, 150)))
    assert error.value.field == "logo"
    assert error.value.message == (
        "The logo is 300×150 pixels; this benefit needs at least 600×300 pixels (or an SVG)."
    )
    assert _files_under(settings.MEDIA_ROOT) == []
    refreshed = BenefitTask.objects.get(pk=task.pk)
    assert not refreshed.asset_logo and refreshed.asset_submitted_at is None
    assert refreshed.history.count() == 1  # only its creation


def test_a_large_enough_logo_is_stored_publicly_and_logged(paid, sponsor, settings):
    task = _task(paid[1], "logo_website")
    stored = services.submit_asset(task, user=sponsor[0], upload=png(size=(600, 300)))
    assert stored.asset_logo.name.startswith("fulfilment/logos/")
    assert stored.asset_logo.name.endswith(".png")
    assert (settings.MEDIA_ROOT / stored.asset_logo.name).exists()
    assert stored.asset_submitted_by == sponsor[0]
    entry = stored.history.order_by("-pk").first()
    assert (entry.from_state, entry.to_state, entry.reason) == ("to_do", "to_do", "Logo supplied.")


def test_an_svg_logo_is_sanitised_and_accepted_whatever_its_size(paid, sponsor, settings):
    task = _task(paid[1], "logo_website")
    body = '<script>alert(1)</script><rect width="10" height="4" onclick="steal()"/>'
    stored = services.submit_asset(task, user=sponsor[0], upload=svg(body))
    content = (settings.MEDIA_ROOT / stored.asset_logo.name).read_bytes()
    assert stored.asset_logo.name.endswith(".svg")
    assert b"<rect" in content and b"script" not in content and b"onclick" not in content


def test_replacing_a_logo_removes_the_earlier_file(paid, sponsor, settings, on_commit):
    task = _task(paid[1], "logo_website")
    first = services.submit_asset(task, user=sponsor[0], upload=png())
    first_path = settings.MEDIA_ROOT / first.asset_logo.name
    with on_commit():
        second = services.submit_asset(task, user=sponsor[0], upload=png(colour=(1, 2, 3)))
    assert not first_path.exists()
    assert (settings.MEDIA_ROOT / second.asset_logo.name).exists()
    assert second.history.order_by("-pk").first().reason == "Logo replaced."


def test_a_text_longer_than_the_benefit_allows_is_refused(paid, sponsor):
    task = _task(paid[1], "social_media")
    with pytest.raises(FulfilmentError) as error:
        services.submit_asset(task, user=sponsor[0], text="x" * 281)
    assert (error.value.field, error.value.message) == (
        "text",
        "The text is 281 characters long; at most 280 are allowed.",
    )
    assert BenefitTask.objects.get(pk=task.pk).asset_text == ""

    stored = services.submit_asset(task, user=sponsor[0], text="  Proud to sponsor #GSR26  ")
    assert stored.asset_text == "Proud to sponsor #GSR26"


def test_an_empty_text_is_refused(paid, sponsor):
    task = _task(paid[1], "press_release")
    with pytest.raises(FulfilmentError, match="Write the text."):
        services.submit_asset(task, user=sponsor[0], text="   ")


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("artwork.pdf", b"MZ\x90\x00 not a pdf at all"),
        SimpleUploadedFile("artwork.gif", b"GIF89a\x01\x00\x01\x00"),
        SimpleUploadedFile("artwork.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
    ],
    ids=["exe-named-pdf", "gif", "svg"],
)
def test_a_file_of_another_type_is_refused_and_not_stored(paid, sponsor, settings, upload):
    task = _task(paid[1], "exhibition")
    with pytest.raises(FulfilmentError) as error:
        services.submit_asset(task, user=sponsor[0], upload=upload)
    assert (error.value.field, error.value.message) == (
        "file",
        "The file must be a PDF, PNG or JPEG file.",
    )
    assert _files_under(settings.PRIVATE_DOCUMENTS_ROOT) == []
    assert not BenefitTask.objects.get(pk=task.pk).asset_file


def test_a_file_over_the_size_limit_is_refused(paid, sponsor, monkeypatch):
    from marketplace.fulfilment import assets

    monkeypatch.setattr(assets, "MAX_FILE_BYTES", 10)
    task = _task(paid[1], "exhibition")
    with pytest.raises(FulfilmentError, match=r"The file is 0.0 MB; the limit is 0 MB."):
        services.submit_asset(task, user=sponsor[0], upload=pdf())


def test_a_pdf_file_is_kept_privately_under_its_own_name(paid, sponsor, settings):
    task = _task(paid[1], "exhibition")
    stored = services.submit_asset(task, user=sponsor[0], upload=pdf("Stand plan.pdf"))
    assert stored.asset_filename == "Stand plan.pdf"
    assert stored.asset_file.name.endswith(".pdf")
    assert (settings.PRIVATE_DOCUMENTS_ROOT / "fulfilment" / stored.asset_file.name).exists()
    assert _files_under(settings.MEDIA_ROOT) == []


def test_only_the_sponsors_team_may_supply_an_asset(paid, other_sponsor, settings):
    task = _task(paid[1], "logo_website")
    with pytest.raises(FulfilmentError, match="Only the sponsor's team"):
        services.submit_asset(task, user=other_sponsor[0], upload=png())
    assert _files_under(settings.MEDIA_ROOT) == []


def test_a_closed_task_takes_no_asset(paid, sponsor, organiser, settings):
    task = _task(paid[1], "logo_website")
    services.waive(task, actor=organiser, reason="Logo wall cancelled.")
    with pytest.raises(FulfilmentError, match="This benefit is waived"):
        services.submit_asset(task, user=sponsor[0], upload=png())
    assert _files_under(settings.MEDIA_ROOT) == []


def test_passes_need_nothing_from_the_sponsor(paid, sponsor):
    task = _task(paid[1], "passes")
    assert not task.needs_asset and not task.asset_missing
    with pytest.raises(FulfilmentError, match="needs nothing from you"):
        services.submit_asset(task, user=sponsor[0], text="hello")
