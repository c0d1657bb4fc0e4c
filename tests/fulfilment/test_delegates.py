"""Pass benefits collect delegates (name and email per pass, editable until the task's due date)
for the registration desk's CSV; a logo benefit offers the organisation's logo in one click."""

import csv
import io

import pytest

from events.models import EventOrganiser
from marketplace.fulfilment.delegates import save_delegates
from marketplace.fulfilment.models import BenefitTask, PassDelegate
from marketplace.fulfilment.states import FulfilmentError
from sponsors.logos import clean_logo
from tests.factories import make_event
from tests.fulfilment.images import png


def _task(tasks, kind):
    return next(task for task in tasks if task.kind == kind)


def _rows(*people, total=3):
    data = {
        "action": "delegates",
        "delegates-TOTAL_FORMS": str(total),
        "delegates-INITIAL_FORMS": str(total),
    }
    for n in range(total):
        name, email = people[n] if n < len(people) else ("", "")
        data[f"delegates-{n}-name"] = name
        data[f"delegates-{n}-email"] = email
    return data


def test_the_sponsor_names_delegates_on_the_task_page_and_changes_them(client, paid, sponsor):
    passes = _task(paid[1], "passes")
    client.force_login(sponsor[0])
    url = f"/account/benefits/{passes.public_id}/"
    page = client.get(url).content.decode()
    assert "Pass 3: full name" in page and "Save the delegates" in page

    response = client.post(url, _rows(("Ana Silva", "Ana@Acme.example")), follow=True)
    assert "Delegates saved: 1 of 3 passes named." in response.content.decode()
    response = client.post(
        url, _rows(("Ana Silva", "ana@acme.example"), ("Bo Chen", "bo@acme.example")), follow=True
    )
    assert list(passes.delegates.values_list("position", "name", "email")) == [
        (1, "Ana Silva", "ana@acme.example"),
        (2, "Bo Chen", "bo@acme.example"),
    ]
    assert passes.history.filter(reason="Delegates named: 2 of 3 passes.").exists()


def test_a_bad_row_changes_nothing(client, paid, sponsor):
    passes = _task(paid[1], "passes")
    save_delegates(passes, [("Ana Silva", "ana@acme.example")], user=sponsor[0])
    client.force_login(sponsor[0])
    url = f"/account/benefits/{passes.public_id}/"
    response = client.post(url, _rows(("Ana Silva", "ana@acme.example"), ("Bo Chen", "")))
    assert response.status_code == 400
    assert "Pass 2: give the delegate&#x27;s email." in response.content.decode()
    response = client.post(url, _rows(("Ana", "ana@acme.example"), ("Bo", "ANA@acme.example")))
    assert "Pass 2: ana@acme.example is named for another pass already." in (
        response.content.decode()
    )
    assert list(passes.delegates.values_list("name", flat=True)) == ["Ana Silva"]


def test_no_more_delegates_than_passes(paid, sponsor):
    passes = _task(paid[1], "passes")
    people = [(f"Person {n}", f"p{n}@acme.example") for n in range(4)]
    with pytest.raises(FulfilmentError, match="This benefit has 3 passes."):
        save_delegates(passes, people, user=sponsor[0])
    assert PassDelegate.objects.count() == 0


def test_someone_outside_the_sponsor_cannot_name_delegates(paid, other_sponsor, client):
    passes = _task(paid[1], "passes")
    with pytest.raises(FulfilmentError):
        save_delegates(passes, [("Eve", "eve@x.example")], user=other_sponsor[0])
    client.force_login(other_sponsor[0])
    assert client.get(f"/account/benefits/{passes.public_id}/").status_code == 404


def test_the_registration_desk_exports_the_delegates_as_csv(
    paid, sponsor, client, event, organiser
):
    passes = _task(paid[1], "passes")
    save_delegates(
        passes,
        [("Ana Silva", "ana@acme.example"), ("", ""), ("=HYPERLINK(1)", "c@acme.example")],
        user=sponsor[0],
    )
    client.force_login(organiser)
    response = client.get(f"/admin/fulfilment/event/{event.pk}/delegates.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Sponsor", "Pledge", "Pass", "Full name", "Email", "Named on"]
    assert [row[:5] for row in rows[1:]] == [
        ["Acme", paid[0].reference, "1", "Ana Silva", "ana@acme.example"],
        ["Acme", paid[0].reference, "3", "'=HYPERLINK(1)", "c@acme.example"],
    ]


def test_an_organiser_of_another_event_gets_404_for_the_export(paid, client, tree, organiser):
    other = make_event(tree[1], title="Regional forum", acronym="RF-26", slug="forum")
    EventOrganiser.objects.filter(user=organiser).update(event=other)
    client.force_login(organiser)
    response = client.get(f"/admin/fulfilment/event/{paid[0].event_id}/delegates.csv")
    assert response.status_code == 404
    assert client.get(f"/admin/fulfilment/event/{other.pk}/delegates.csv").status_code == 200


def test_use_our_logo_supplies_the_profile_logo_in_one_click(client, paid, sponsor):
    organisation = sponsor[1]
    logo = clean_logo(png(size=(900, 450)))
    organisation.logo.save(logo.name, logo)
    task = _task(paid[1], "logo_website")
    client.force_login(sponsor[0])
    url = f"/account/benefits/{task.public_id}/"
    assert "Use our logo" in client.get(url).content.decode()
    response = client.post(url, {"action": "use_logo"}, follow=True)
    assert "the organisers have your logo" in response.content.decode()
    stored = BenefitTask.objects.get(pk=task.pk)
    assert stored.asset_logo and stored.asset_submitted_by == sponsor[0]


def test_use_our_logo_without_a_profile_logo_is_not_offered_and_refused(client, paid, sponsor):
    task = _task(paid[1], "logo_website")
    client.force_login(sponsor[0])
    url = f"/account/benefits/{task.public_id}/"
    assert "Use our logo" not in client.get(url).content.decode()
    response = client.post(url, {"action": "use_logo"}, follow=True)
    assert "has no logo yet" in response.content.decode()
    assert not BenefitTask.objects.get(pk=task.pk).asset_logo


def test_a_form_error_says_the_file_must_be_chosen_again(client, paid, sponsor):
    task = _task(paid[1], "logo_website")
    client.force_login(sponsor[0])
    response = client.post(f"/account/benefits/{task.public_id}/", {"logo": png(size=(100, 50))})
    assert response.status_code == 400
    assert "Choose the file again" in response.content.decode()
