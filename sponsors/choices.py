"""Vocabularies about partners, shared by sponsor organisations and the partnership register."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerCategory(models.TextChoices):
    MEMBER_STATE = "member_state", _("Member State")
    SECTOR_MEMBER = "sector_member", _("Sector Member")
    ACADEMIA = "academia", _("Academia")
    UN_AGENCY = "un_agency", _("UN agency")
    INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organisation")
    NGO = "ngo", _("Non-governmental organisation")
    FOUNDATION = "foundation", _("Foundation")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    FINANCIAL_INSTITUTION = "financial_institution", _("Financial institution")
    OTHER = "other", _("Other")


# Categories that must declare they are not involved in excluded activities before pledging.
DUE_DILIGENCE_CATEGORIES = frozenset({PartnerCategory.PRIVATE_SECTOR, PartnerCategory.FOUNDATION})
