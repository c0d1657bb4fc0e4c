"""Demo resource mobilisation for `load_demo`: prospects (register partners, the demo sponsor
and a new organisation), opportunities in every stage with their history, contacts,
interactions and this year's and the register's last year's targets. Idempotent: nothing is
added when the demo opportunities exist. Dates are relative to the day it first runs."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from events.models import EventPage
from register.models import Partner, PartnershipAgreement
from register.pipeline import services
from register.pipeline.codes import AREA_BITS, REGION_BITS, mask_of
from register.pipeline.models import (
    CoFinancing,
    Interaction,
    Opportunity,
    PartnerContact,
    Prospect,
    Target,
)
from register.pipeline.permissions import ensure_pipeline_permissions
from sponsors.models import Organisation

OWNER = "partnerships@example.org"
SECOND_OWNER = "admin@example.org"
MARKER = "Demo: "  # the demo opportunities' titles start with it (idempotency)

# (title, prospect key, final stage, value, currency, regions, areas, purpose, detail, owner)
OPPORTUNITIES = [
    (
        "Smart villages in the Sahel",
        "gates",
        "identified",
        "750000",
        "USD",
        ["AFR"],
        ["digital_inclusion"],
        "regional_initiative",
        "Smart villages — Africa",
        0,
    ),
    (
        "Child online protection toolkit",
        "telefonica",
        "contacted",
        "120000",
        "EUR",
        ["GLO"],
        ["cybersecurity"],
        "project",
        "COP guidelines 2.0",
        0,
    ),
    (
        "GSR-26 networking dinner",
        "acme",
        "proposal",
        "60000",
        "CHF",
        ["GLO"],
        ["enabling_environment"],
        "event",
        "",
        0,
    ),
    (
        "Rwanda national cybersecurity drill",
        "rwanda",
        "negotiation",
        "180000",
        "USD",
        ["AFR"],
        ["cybersecurity", "enabling_environment"],
        "project",
        "CIRT capacity",
        0,
    ),
    (
        "Spectrum management training",
        "gsma",
        "won",
        "95000",
        "USD",
        ["GLO"],
        ["ict_applications"],
        "project",
        "Spectrum academy",
        0,
    ),
    (
        "Nordic e-waste pilot",
        "nordic",
        "lost",
        "200000",
        "EUR",
        ["EUR"],
        ["climate_change_ewaste"],
        "regional_initiative",
        "E-waste — Europe",
        1,
    ),
    (
        "Connect a school in the Pacific",
        "nordic",
        "proposal",
        "45000",
        "EUR",
        ["ASP"],
        ["infrastructure"],
        "regional_initiative",
        "Giga — Asia-Pacific",
        1,
    ),
]
PATH = ["identified", "contacted", "proposal", "negotiation"]


def _prospects() -> dict[str, Prospect]:
    prospects = {}
    for key, name in (
        ("gates", "Bill & Melinda Gates Foundation"),
        ("telefonica", "Telefonica Foundation"),
        ("rwanda", "Rwanda"),
        ("gsma", "GSMA"),
    ):
        partner = Partner.objects.filter(name=name).first()
        if partner is not None:
            prospects[key] = Prospect.objects.get_or_create(partner=partner)[0]
    acme = Organisation.objects.filter(display_name="Acme Connectivity").first()
    if acme is not None:
        prospects["acme"] = Prospect.objects.get_or_create(organisation=acme)[0]
    prospects["nordic"] = Prospect.objects.get_or_create(
        name="Nordic Digital Fund", defaults={"country": "NO", "category": "foundation"}
    )[0]
    return prospects


@transaction.atomic
def load_demo_pipeline() -> int:
    """Add the demo pipeline unless it is there; returns how many opportunities were added."""
    ensure_pipeline_permissions()
    users = get_user_model().objects
    owners = [
        users.filter(email__iexact=OWNER).first(),
        users.filter(email__iexact=SECOND_OWNER).first(),
    ]
    if owners[0] is None or Opportunity.objects.filter(title__startswith=MARKER).exists():
        return 0
    owners[1] = owners[1] or owners[0]
    today = timezone.localdate()
    prospects = _prospects()

    event = EventPage.objects.filter(acronym="GSR-26").first()
    added = 0
    for index, (
        title,
        key,
        stage,
        value,
        currency,
        regions,
        areas,
        purpose,
        detail,
        owner_index,
    ) in enumerate(OPPORTUNITIES):
        prospect = prospects.get(key)
        if prospect is None or (purpose == "event" and event is None):
            continue
        owner = owners[owner_index]
        opportunity = Opportunity.objects.create(
            prospect=prospect,
            title=MARKER + title,
            expected_value=Decimal(value),
            currency=currency,
            expected_on=today + datetime.timedelta(days=30 * (index + 1)),
            business_owner=owner,
            region_mask=mask_of(regions, REGION_BITS),
            area_mask=mask_of(areas, AREA_BITS),
            purpose=purpose,
            event=event if purpose == "event" else None,
            purpose_detail=detail,
        )
        services.record_creation(opportunity, actor=owner)
        target = stage if stage in PATH else ("negotiation" if stage == "won" else "contacted")
        for step in PATH[1 : PATH.index(target) + 1]:
            opportunity = services.move(opportunity, step, actor=owner, reason="Demo")
        if stage == "won":
            agreement = (
                PartnershipAgreement.objects.filter(
                    partner_links__partner=prospect.partner, opportunity__isnull=True
                )
                .exclude(status="draft")
                .order_by("-signed_on")
                .first()
            )
            if agreement is None:
                opportunity.delete()
                continue
            services.move(
                opportunity, "won", actor=owner, agreement=agreement, reason="Agreement signed"
            )
        elif stage == "lost":
            services.move(
                opportunity,
                "lost",
                actor=owner,
                lost_reason="The fund's priorities moved to climate adaptation.",
            )
        added += 1
    _relations(prospects, owners, today)
    _targets(owners, today)
    return added


def _relations(prospects, owners, today):
    rwanda, gsma = prospects.get("rwanda"), prospects.get("gsma")
    if rwanda is not None:
        PartnerContact.objects.create(
            partner=rwanda.partner,
            name="Jeanne Uwase",
            title="Director of ICT",
            email="j.uwase@example.rw",
        )
        Interaction.objects.create(
            partner=rwanda.partner,
            kind="mission",
            happened_on=today - datetime.timedelta(days=12),
            staff=owners[0],
            summary="Mission to Kigali: agreed the scope of the national drill.",
            next_action="Send the draft project document",
            next_action_on=today + datetime.timedelta(days=2),
            opportunity=Opportunity.objects.filter(prospect=rwanda).first(),
        )
    if gsma is not None:
        PartnerContact.objects.create(
            partner=gsma.partner,
            name="Tom Price",
            title="Head of public policy",
            email="tprice@example.com",
            phone="+44 20 0000 0000",
        )
        Interaction.objects.create(
            partner=gsma.partner,
            kind="call",
            happened_on=today - datetime.timedelta(days=3),
            staff=owners[0],
            summary="Call on the spectrum academy's second cohort.",
        )
    acme = prospects.get("acme")
    if acme is not None:
        Interaction.objects.create(
            organisation=acme.organisation,
            kind="meeting",
            happened_on=today,
            staff=owners[0],
            summary="Presented the GSR-26 dinner package.",
            next_action="Follow up on the proposal",
            next_action_on=today + datetime.timedelta(days=7),
        )


def _targets(owners, today):
    last = PartnershipAgreement.objects.aggregate(last=Max("signed_on"))["last"]
    for year in sorted({today.year, last.year if last else today.year}):
        for metric, currency, amount in (
            ("cash", "USD", "2000000"),
            ("in_kind", "USD", "250000"),
            ("new_agreements", "", "40"),
            ("new_partners", "", "12"),
        ):
            Target.objects.get_or_create(
                year=year,
                scope="bureau",
                metric=metric,
                currency=currency,
                defaults={"amount": Decimal(amount)},
            )
        Target.objects.get_or_create(
            year=year,
            scope="owner",
            business_owner=owners[0],
            metric="cash",
            currency="USD",
            defaults={"amount": Decimal("1500000")},
        )
        Target.objects.get_or_create(
            year=year,
            scope="owner",
            business_owner=owners[0],
            metric="new_agreements",
            currency="",
            defaults={"amount": Decimal("30")},
        )
        Target.objects.get_or_create(
            year=year,
            scope="region",
            region="AFR",
            metric="cash",
            currency="USD",
            defaults={"amount": Decimal("600000")},
        )
    co_financed = (
        PartnershipAgreement.objects.filter(value__isnull=False)
        .exclude(currency="")
        .order_by("-signed_on")
        .first()
    )
    if co_financed is not None:
        CoFinancing.objects.get_or_create(
            agreement=co_financed,
            defaults={"bureau_contribution": (co_financed.value / 4).quantize(Decimal("0.01"))},
        )
