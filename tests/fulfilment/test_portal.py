"""The sponsor portal's benefit pages: progress on the pledge, the asset forms, and who may see
what (another organisation gets 404; a sponsor cannot move tasks)."""

import pytest

from marketplace.fulfilment import services
from marketplace.fulfilment.models import BenefitTask
from tests.fulfilment.images import pdf, png


def _task(tasks, kind):
    return next(task for task in tasks if task.kind == kind)


def test_the_paid_pledge_shows_each_benefits_progress_and_what_is_missing(client, paid, sponsor):
    pledge, tasks = paid
    client.force_login(sponsor[0])
    response = client.get(f"/account/pledges/{pledge.public_id}/")
    html = response.content.decode()
    assert "Delivery of your benefits" in html
    logo = _task(tasks, "logo_website")
    assert f'data-task="{logo.public_id}"' in html
    assert "Supply the logo" in html
    assert html.count('class="task-state task-state-to_do"') == len(tasks)


def test_an_unpaid_pledge_shows_no_delivery_section(client, sponsor, package):
    from tests.factories import pledge_for

    pledge = pledge_for(sponsor, package)
    client.force_login(sponsor[0])
    html = client.get(f"/account/pledges/{pledge.public_id}/").content.decode()
    assert "Delivery of your benefits" not in html


def test_a_sponsor_uploads_the_logo_from_the_task_page(client, paid, sponsor):
    task = _task(paid[1], "logo_website")
    client.force_login(sponsor[0])
    url = f"/account/benefits/{task.public_id}/"
    page = client.get(url)
    assert page.status_code == 200 and "at least 600×300 pixels" in page.content.decode()

    response = client.post(url, {"logo": png(size=(900, 450))}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "the organisers have your logo" in response.content.decode()
    assert BenefitTask.objects.get(pk=task.pk).asset_logo


def test_a_bad_logo_is_explained_on_the_form(client, paid, sponsor):
    task = _task(paid[1], "logo_website")
    client.force_login(sponsor[0])
    response = client.post(f"/account/benefits/{task.public_id}/", {"logo": png(size=(100, 50))})
    assert response.status_code == 400
    assert "The logo is 100×50 pixels; this benefit needs at least 600×300" in (
        response.content.decode()
    )
    assert not BenefitTask.objects.get(pk=task.pk).asset_logo


def test_a_too_long_text_is_explained_on_the_form(client, paid, sponsor):
    task = _task(paid[1], "social_media")
    client.force_login(sponsor[0])
    response = client.post(f"/account/benefits/{task.public_id}/", {"text": "y" * 300})
    assert response.status_code == 400
    assert "The text is 300 characters long; at most 280 are allowed." in (
        response.content.decode()
    )


def test_the_sponsor_downloads_its_own_file(client, paid, sponsor):
    task = services.submit_asset(
        _task(paid[1], "exhibition"), user=sponsor[0], upload=pdf("Stand plan.pdf")
    )
    client.force_login(sponsor[0])
    response = client.get(f"/account/benefits/{task.public_id}/asset/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert 'filename="Stand plan.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize("suffix", ["", "asset/", "proof/"])
def test_another_organisation_gets_404(client, paid, sponsor, other_sponsor, organiser, suffix):
    task = services.submit_asset(
        _task(paid[1], "exhibition"), user=sponsor[0], upload=pdf("Stand plan.pdf")
    )
    services.start(task, actor=organiser)
    services.deliver(task, actor=organiser, proof_file=pdf("photo-report.pdf"))
    client.force_login(other_sponsor[0])
    assert client.get(f"/account/benefits/{task.public_id}/{suffix}").status_code == 404
    assert client.post(f"/account/benefits/{task.public_id}/", {"file": pdf()}).status_code == 404
    client.force_login(sponsor[0])
    assert client.get(f"/account/benefits/{task.public_id}/{suffix}").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, paid):
    task = paid[1][0]
    response = client.get(f"/account/benefits/{task.public_id}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_benefits_list_shows_only_the_members_organisations(
    client, paid, sponsor, other_sponsor, package
):
    from tests.fulfilment.conftest import paid_pledge_with_tasks

    other_pledge, other_tasks = paid_pledge_with_tasks(other_sponsor, package)
    client.force_login(sponsor[0])
    html = client.get("/account/benefits/").content.decode()
    assert all(str(task.public_id) in html for task in paid[1])
    assert not any(str(task.public_id) in html for task in other_tasks)


def test_a_sponsor_cannot_start_or_deliver_a_task(client, paid, sponsor):
    task = _task(paid[1], "logo_website")
    client.force_login(sponsor[0])
    for action in ("start", "deliver", "waive"):
        response = client.post(
            f"/admin/fulfilment/task/{task.pk}/{action}/",
            {"proof_url": "https://example.org", "reason": "no"},
        )
        # Not an admin user: Wagtail sends them to the sign-in page; nothing runs.
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert BenefitTask.objects.get(pk=task.pk).state == "to_do"
    # The portal page offers no way to move the task either.
    html = client.get(f"/account/benefits/{task.public_id}/").content.decode()
    assert "Mark delivered" not in html and "/admin/" not in html
