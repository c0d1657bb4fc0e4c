"""What each kind of benefit takes to deliver: the team that owns it, the asset the sponsor must
supply, and whether each unit is delivered (and proven) on its own. One table, one home.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from events.choices import BenefitKind


class Team(models.TextChoices):
    COMMUNICATIONS = "communications", _("Communications")
    LOGISTICS = "logistics", _("Logistics")
    PROTOCOL = "protocol", _("Protocol")
    PROGRAMME = "programme", _("Programme")


class AssetType(models.TextChoices):
    NONE = "none", _("Nothing")
    LOGO = "logo", _("Logo")
    TEXT = "text", _("Text")
    FILE = "file", _("File")


# A logo printed or projected large needs this many pixels at least (a vector SVG always fits).
LOGO_MIN_WIDTH = 600
LOGO_MIN_HEIGHT = 300


@dataclass(frozen=True)
class KindRule:
    team: str
    asset: str = AssetType.NONE
    asset_label: str | Promise = ""
    max_length: int | None = None  # text assets
    split: bool = False  # one task per unit (each post, each speaker), else one task in all

    @property
    def min_size(self) -> tuple[int, int] | None:
        return (LOGO_MIN_WIDTH, LOGO_MIN_HEIGHT) if self.asset == AssetType.LOGO else None

    @property
    def needs_asset(self) -> bool:
        return self.asset != AssetType.NONE


_LOGO = format_lazy(
    _("Your logo (PNG, JPEG or SVG, at least {width}×{height} pixels)"),
    width=LOGO_MIN_WIDTH,
    height=LOGO_MIN_HEIGHT,
)

RULES: dict[str, KindRule] = {
    BenefitKind.LOGO_WEBSITE: KindRule(Team.COMMUNICATIONS, AssetType.LOGO, _LOGO),
    BenefitKind.LOGO_SCREENS: KindRule(Team.COMMUNICATIONS, AssetType.LOGO, _LOGO),
    BenefitKind.BANNER_VENUE: KindRule(Team.LOGISTICS, AssetType.LOGO, _LOGO),
    BenefitKind.SPEAKING_SLOT: KindRule(
        Team.PROGRAMME,
        AssetType.TEXT,
        _("The speaker's name, title and a short biography"),
        max_length=1000,
        split=True,
    ),
    BenefitKind.PASSES: KindRule(Team.PROTOCOL),
    BenefitKind.PRESS_RELEASE: KindRule(
        Team.COMMUNICATIONS,
        AssetType.TEXT,
        _("A paragraph about your organisation for the press release"),
        max_length=1500,
    ),
    BenefitKind.SOCIAL_MEDIA: KindRule(
        Team.COMMUNICATIONS,
        AssetType.TEXT,
        _("The text of the post, with your handle and hashtags"),
        max_length=280,
        split=True,
    ),
    BenefitKind.EXHIBITION: KindRule(
        Team.LOGISTICS, AssetType.FILE, _("Your stand's artwork and requirements")
    ),
    BenefitKind.BRANDED_ITEM: KindRule(
        Team.LOGISTICS, AssetType.FILE, _("Print-ready artwork for the item")
    ),
    BenefitKind.SIDE_EVENT_ROOM: KindRule(
        Team.PROGRAMME, AssetType.FILE, _("The side event's programme")
    ),
    BenefitKind.OTHER: KindRule(
        Team.PROGRAMME, AssetType.FILE, _("Any material the organisers need")
    ),
}
DEFAULT_RULE = KindRule(Team.PROGRAMME)


def rule_for(kind: str) -> KindRule:
    """The rule of a benefit kind (a kind unknown to this version gets no asset, programme)."""
    return RULES.get(kind, DEFAULT_RULE)


def kind_label(kind: str) -> str:
    try:
        return str(BenefitKind(kind).label)
    except ValueError:
        return kind


def kinds_needing_asset() -> list[str]:
    """The benefit kinds for which the sponsor supplies something."""
    return [kind for kind, rule in RULES.items() if rule.needs_asset]
