"""Writing to the register, one transaction per call, each write audited.

`record_sponsorship_agreement` is the entry point for the marketplace: when a sponsorship
agreement is executed, the pledges/agreements code calls it (from a task, after commit) and the
register needs no change.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from register import audit, facets, fulltext
from register.choices import (
    AgreementType,
    AreaOfAction,
    AuditAction,
    Contribution,
    Region,
    Status,
)
from register.models import (
    AgreementArea,
    AgreementDocument,
    AgreementPartner,
    AgreementRegion,
    Partner,
    PartnershipAgreement,
    Signatory,
)
from sponsors.models import Organisation

SOURCE_MARKETPLACE = "marketplace"


def _clean_name(name: str) -> str:
    return " ".join(name.split())


def organisation_named(name: str) -> Organisation | None:
    """The sponsor organisation that is this partner: same display or legal name, not yet
    linked to another partner."""
    name = _clean_name(name)
    candidates = Organisation.objects.filter(partner__isnull=True).order_by("pk")
    return (
        candidates.filter(display_name__iexact=name).first()
        or candidates.filter(legal_name__iexact=name).first()
    )


def partner_named(name: str, *, category: str = "") -> Partner:
    """The partner of that name (case-insensitive), created when new and then linked to the
    sponsor organisation of the same name if there is one."""
    name = _clean_name(name)
    partner = Partner.objects.filter(name__iexact=name).first()
    if partner is None:
        partner = Partner(name=name, category=category, organisation=organisation_named(name))
        partner.full_clean()
        partner.save()
    return partner


def partner_for_organisation(organisation: Organisation) -> Partner:
    """The partner record of a sponsor organisation: the linked one, else the partner of the
    same name (which gets linked), else a new one."""
    partner = Partner.objects.filter(organisation=organisation).first()
    if partner:
        return partner
    name = _clean_name(organisation.display_name)
    partner = Partner.objects.filter(name__iexact=name, organisation__isnull=True).first()
    if partner is None:
        if Partner.objects.filter(name__iexact=name).exists():
            name = _clean_name(organisation.legal_name)
        partner = Partner(name=name, category=organisation.category)
    partner.organisation = organisation
    partner.category = partner.category or organisation.category
    partner.full_clean()
    partner.save()
    return partner


def _check_codes(codes: list[str], vocabulary, field: str) -> list[str]:
    unknown = [code for code in codes if code not in vocabulary.values]
    if unknown:
        raise ValidationError({field: f"Unknown code(s): {', '.join(unknown)}."})
    if not codes:
        raise ValidationError({field: "Give at least one."})
    return codes


def set_lists(agreement: PartnershipAgreement, *, partners=None, regions=None, areas=None) -> None:
    """Replace the agreement's partners (in order), regions and/or areas of action."""
    if partners is not None:
        AgreementPartner.objects.filter(agreement=agreement).delete()
        AgreementPartner.objects.bulk_create(
            AgreementPartner(agreement=agreement, partner=partner, sort_order=index)
            for index, partner in enumerate(dict.fromkeys(partners))
        )
    if regions is not None:
        codes = _check_codes(list(dict.fromkeys(regions)), Region, "regions")
        AgreementRegion.objects.filter(agreement=agreement).exclude(code__in=codes).delete()
        have = set(agreement.region_links.values_list("code", flat=True))
        AgreementRegion.objects.bulk_create(
            AgreementRegion(agreement=agreement, code=code) for code in codes if code not in have
        )
    if areas is not None:
        codes = _check_codes(list(dict.fromkeys(areas)), AreaOfAction, "areas")
        AgreementArea.objects.filter(agreement=agreement).exclude(code__in=codes).delete()
        have = set(agreement.area_links.values_list("code", flat=True))
        AgreementArea.objects.bulk_create(
            AgreementArea(agreement=agreement, code=code) for code in codes if code not in have
        )


def finish_save(agreement, *, before, regions, areas, user=None, source: str) -> None:
    """After the agreement row (and its partners, signatories, documents) is saved: set its
    regions and areas, refresh its search document and audit the change. `before` is the
    snapshot taken before the save, None for a new agreement."""
    set_lists(agreement, regions=regions, areas=areas)
    facets.refresh([agreement.pk])
    fulltext.refresh_search_documents([agreement.pk])
    action = AuditAction.CREATED if before is None else AuditAction.UPDATED
    audit.record(agreement, action, before, audit.snapshot(agreement), user=user, source=source)


@transaction.atomic
def delete_agreement(agreement: PartnershipAgreement, *, user=None, source: str) -> None:
    """Delete an agreement, keeping an audit entry with its last content."""
    audit.record(
        agreement, AuditAction.DELETED, audit.snapshot(agreement), None, user=user, source=source
    )
    agreement.delete()


@transaction.atomic
def record_sponsorship_agreement(
    *,
    reference: str,
    title: str,
    organisation: Organisation,
    signed_on,
    regions: Iterable[str],
    areas: Iterable[str] = (AreaOfAction.GENERIC,),
    value: Decimal | None = None,
    currency: str = "",
    contribution: str = Contribution.CASH,
    objective: str = "",
    entry_into_force=None,
    expiry=None,
    signatories: Iterable[tuple[str, str, str]] = (),
    documents: Iterable[tuple[str, File]] = (),
    business_owner=None,
    user=None,
    source: str = SOURCE_MARKETPLACE,
) -> PartnershipAgreement:
    """Enter an executed sponsorship agreement in the register.

    Guarantees: one agreement per `reference` (calling again updates it, so a retried task
    creates no duplicate); the partner is the sponsor organisation's partner record, linked to
    it; partner category is the organisation's; type `sponsorship`, status in force; regions
    and areas are checked against the register's codes; signatories (side, name, title) replace
    the previous ones when given; a document is added once per title (PDF only); the change is
    audited and the search document refreshed, all in one transaction. Raises
    `ValidationError` (field: message) on bad input, leaving nothing changed.
    """
    regions, areas = list(dict.fromkeys(regions)), list(dict.fromkeys(areas))
    _check_codes(regions, Region, "regions")
    _check_codes(areas, AreaOfAction, "areas")
    agreement = PartnershipAgreement.objects.select_for_update().filter(reference=reference).first()
    before = audit.snapshot(agreement) if agreement else None
    if agreement is None:
        agreement = PartnershipAgreement(reference=reference)
    partner = partner_for_organisation(organisation)
    agreement.title = title
    agreement.partner_category = organisation.category
    agreement.agreement_type = AgreementType.SPONSORSHIP
    agreement.signed_on = signed_on
    agreement.entry_into_force = entry_into_force or signed_on
    agreement.expiry = expiry
    agreement.value = value
    agreement.currency = currency.upper()
    agreement.contribution = contribution
    agreement.objective = objective
    agreement.status = Status.IN_FORCE
    if business_owner is not None:
        agreement.business_owner = business_owner
    agreement.full_clean(exclude=["search_document"])
    agreement.save()
    set_lists(agreement, partners=[partner])
    signatories = list(signatories)
    if signatories:
        agreement.signatories.all().delete()
        for index, (side, name, signatory_title) in enumerate(signatories):
            signatory = Signatory(
                agreement=agreement, side=side, name=name, title=signatory_title, sort_order=index
            )
            signatory.full_clean(exclude=["agreement"])
            signatory.save()
    existing_titles = set(agreement.documents.values_list("title", flat=True))
    for document_title, file in documents:
        if document_title in existing_titles:
            continue
        document = AgreementDocument(agreement=agreement, title=document_title, file=file)
        document.full_clean(exclude=["agreement", "sort_order"])
        document.save()
    finish_save(agreement, before=before, regions=regions, areas=areas, user=user, source=source)
    return agreement
