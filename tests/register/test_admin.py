"""The register in the Wagtail admin: officers create, edit and delete agreements (each change
audited with who and what), upload PDFs only, and import CSV with the command's checks."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from register.models import AgreementDocument, AuditEntry, Partner, PartnershipAgreement
from tests.register.conftest import csv_text, row, run_import

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form(partner, **overrides):
    data = {
        "reference": "ADM-1",
        "title": "Digital skills for girls",
        "agreement_type": "cooperation_agreement",
        "status": "in_force",
        "partner_category": "foundation",
        "signed_on": "2019-04-02",
        "entry_into_force": "",
        "expiry": "",
        "value": "",
        "currency": "",
        "contribution": "none",
        "regions": ["AFR", "AMS"],
        "areas": ["digital_inclusion"],
        "objective": "Coding clubs.",
        "amends": "",
        "business_owner": "",
        "partner_links": inline_formset([{"partner": partner.pk}]),
        "signatories": inline_formset(
            [{"side": "partner", "name": "Ms Director", "title": "Director"}]
        ),
        "documents": inline_formset([]),
    }
    data.update(overrides)
    lists = {key: data.pop(key) for key in ("regions", "areas")}
    return {**nested_form_data(data), **lists}


@pytest.fixture
def partner(db):
    return Partner.objects.create(name="ProFuturo Foundation", category="foundation")


def test_an_officer_creates_an_agreement_and_the_creation_is_audited(client, officer, partner):
    client.force_login(officer)
    response = client.post(reverse("wagtailsnippets_register_agreement:add"), form(partner))
    assert response.status_code == 302, response.context["form"].errors
    agreement = PartnershipAgreement.objects.get(reference="ADM-1")
    assert agreement.region_codes == ["AFR", "AMS"] and agreement.area_codes == [
        "digital_inclusion"
    ]
    assert agreement.signatories.get().name == "Ms Director"
    entry = AuditEntry.objects.get(agreement=agreement)
    assert (entry.action, entry.user, entry.source) == ("created", officer, "admin")
    assert entry.changes["regions"] == [None, "AFR;AMS"]


def test_an_edit_records_who_changed_what(client, officer, partner):
    client.force_login(officer)
    client.post(reverse("wagtailsnippets_register_agreement:add"), form(partner))
    agreement = PartnershipAgreement.objects.get(reference="ADM-1")
    url = reverse("wagtailsnippets_register_agreement:edit", args=[agreement.pk])
    data = form(partner, title="Digital skills for girls and women", regions=["AFR"])
    data["partner_links-0-id"] = str(agreement.partner_links.get().pk)
    data["signatories-0-id"] = str(agreement.signatories.get().pk)
    data["partner_links-INITIAL_FORMS"] = data["signatories-INITIAL_FORMS"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    entry = AuditEntry.objects.filter(agreement=agreement, action="updated").get()
    assert entry.user == officer
    assert entry.changes == {
        "title": ["Digital skills for girls", "Digital skills for girls and women"],
        "regions": ["AFR;AMS", "AFR"],
    }


def test_the_form_refuses_what_the_import_refuses(client, officer, partner):
    client.force_login(officer)
    response = client.post(
        reverse("wagtailsnippets_register_agreement:add"),
        form(partner, value="-3", currency="XYZ", regions=[]),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"value", "currency", "regions"} <= set(errors)
    assert not PartnershipAgreement.objects.exists()


def test_only_pdf_documents_are_accepted_and_served_to_readers_only(
    client, officer, finance, sponsor, partner
):
    client.force_login(officer)
    fake = SimpleUploadedFile("agreement.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    data = form(partner, documents=inline_formset([{"title": "Signed", "file": fake}]))
    response = client.post(reverse("wagtailsnippets_register_agreement:add"), data)
    assert response.status_code == 200 and not PartnershipAgreement.objects.exists()

    real = SimpleUploadedFile("agreement.pdf", PDF, "application/pdf")
    data = form(partner, documents=inline_formset([{"title": "Signed", "file": real}]))
    response = client.post(reverse("wagtailsnippets_register_agreement:add"), data)
    assert response.status_code == 302
    document = AgreementDocument.objects.get()
    try:
        url = document.file.url
        assert url.startswith("/partnerships/documents/")
        client.force_login(finance)
        download = client.get(url)
        assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
        assert download["Content-Type"] == "application/pdf"
        assert client.get("/media/" + document.file.name).status_code == 404
        client.force_login(sponsor)
        assert client.get(url).status_code == 403
    finally:
        document.file.delete(save=False)


def test_deleting_is_audited_and_an_agreement_with_addenda_is_kept(client, officer):
    run_import(
        [
            row(reference="BASE"),
            row(reference="ADD", agreement_type="addendum", amends="BASE"),
        ]
    )
    client.force_login(officer)
    base = PartnershipAgreement.objects.get(reference="BASE")
    client.post(reverse("wagtailsnippets_register_agreement:delete", args=[base.pk]))
    assert PartnershipAgreement.objects.filter(reference="BASE").exists()
    addendum = PartnershipAgreement.objects.get(reference="ADD")
    client.post(reverse("wagtailsnippets_register_agreement:delete", args=[addendum.pk]))
    assert not PartnershipAgreement.objects.filter(reference="ADD").exists()
    entry = AuditEntry.objects.get(reference="ADD", action="deleted")
    assert entry.user == officer and entry.agreement is None
    assert entry.changes["amends"] == ["BASE", None]


def test_the_admin_import_checks_then_imports(client, officer):
    client.force_login(officer)
    url = reverse("register_admin_import")
    bad = csv_text([row(reference="A"), row(reference="B", signed_on="2018-13-01")])
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", bad.encode()), "dry_run": ""})
    assert response.status_code == 200
    assert "line 3: signed_on: &#x27;2018-13-01&#x27; is not a possible date" in response.text
    assert not PartnershipAgreement.objects.exists()

    good = csv_text([row(reference="A", signed_on="2018-01-31")]).encode("utf-8-sig")
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", good), "dry_run": "on"})
    assert (
        "1 agreements would be created" in response.text
        and not PartnershipAgreement.objects.exists()
    )
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", good)})
    assert response.status_code == 302
    agreement = PartnershipAgreement.objects.get(reference="A")
    assert agreement.signed_on == datetime.date(2018, 1, 31)
    assert AuditEntry.objects.get(agreement=agreement).user == officer
