"""The register's own vocabularies. Regions come from `events.choices.Region` and partner
categories from `sponsors.choices.PartnerCategory`, so the catalogue and the register agree."""

from functools import cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.choices import Region
from sponsors.choices import PartnerCategory

__all__ = [
    "code_set",
    "codes",
    "AgreementType",
    "AreaOfAction",
    "AuditAction",
    "Contribution",
    "PartnerCategory",
    "Region",
    "SignatorySide",
    "Status",
]


class AgreementType(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    COOPERATION_AGREEMENT = "cooperation_agreement", _("Cooperation agreement")
    PROJECT_DOCUMENT = "project_document", _("Project document")
    VOLUNTARY_CONTRIBUTION = "voluntary_contribution", _("Voluntary contribution")
    SPONSORSHIP = "sponsorship", _("Sponsorship")
    ADDENDUM = "addendum", _("Addendum / amendment")


class AreaOfAction(models.TextChoices):
    """Areas of action, labelled as in the seed report's chart."""

    CAPACITY_BUILDING = "capacity_building", _("Capacity Building")
    CYBERSECURITY = "cybersecurity", _("Cybersecurity")
    DIGITAL_INCLUSION = "digital_inclusion", _("Digital Inclusion")
    EMERGENCY = "emergency", _("Emergency")
    ENABLING_ENVIRONMENT = "enabling_environment", _("Enabling Environment")
    GENERIC = "generic", _("Generic")
    ICT_APPLICATIONS = "ict_applications", _("ICT-Applications")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    INNOVATION = "innovation", _("Innovation")
    CLIMATE_CHANGE_EWASTE = "climate_change_ewaste", _("Climate Ch. / e-waste")
    STATISTICS = "statistics", _("Statistics and Indicators")


class Contribution(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")
    NONE = "none", _("None")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


class SignatorySide(models.TextChoices):
    BUREAU = "bureau", _("For the bureau")
    PARTNER = "partner", _("For the partner")


class AuditAction(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    DELETED = "deleted", _("Deleted")


@cache
def codes(vocabulary) -> tuple[str, ...]:
    """The codes of a vocabulary in their order (`TextChoices.values` rebuilds a list on every
    call, which shows in loops over 100,000 rows)."""
    return tuple(vocabulary.values)


@cache
def code_set(vocabulary) -> frozenset[str]:
    return frozenset(vocabulary.values)
