"""The fixed vocabularies of the catalogue: regions, currencies, package categories, benefits.

One home for each list, so the catalogue, the pledges and the partnership register agree.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    """The bureau's beneficiary regions (as in the seed report's charts)."""

    AFR = "AFR", _("Africa")
    AMS = "AMS", _("Americas")
    ARB = "ARB", _("Arab States")
    ASP = "ASP", _("Asia and the Pacific")
    CIS = "CIS", _("Commonwealth of Independent States")
    EUR = "EUR", _("Europe")
    GLO = "GLO", _("Global")


class Currency(models.TextChoices):
    CHF = "CHF", _("Swiss franc (CHF)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")


class PackageCategory(models.TextChoices):
    """Categories in the order the catalogue shows them."""

    HEADLINE = "headline", _("Headline tier")
    SOCIAL_EVENT = "social_event", _("Social event")
    SIDE_EVENT = "side_event", _("Side event")
    VISIBILITY = "visibility", _("Visibility item")
    FELLOWSHIP = "fellowship", _("Fellowship")
    IN_KIND = "in_kind", _("In-kind")


CATEGORY_ORDER = {value: index for index, value in enumerate(PackageCategory.values)}


class BenefitKind(models.TextChoices):
    LOGO_WEBSITE = "logo_website", _("Logo on website")
    LOGO_SCREENS = "logo_screens", _("Logo on screens")
    BANNER_VENUE = "banner_venue", _("Banner at venue")
    SPEAKING_SLOT = "speaking_slot", _("Speaking slot")
    PASSES = "passes", _("Complimentary passes")
    PRESS_RELEASE = "press_release", _("Press release mention")
    SOCIAL_MEDIA = "social_media", _("Social media post")
    EXHIBITION = "exhibition", _("Exhibition space")
    BRANDED_ITEM = "branded_item", _("Branded item")
    SIDE_EVENT_ROOM = "side_event_room", _("Side-event room")
    OTHER = "other", _("Other")
