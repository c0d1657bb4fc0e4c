"""Moving opportunities through the stages, the board and the weighted pipeline. Each public
function that writes is one transaction that locks what it changes, checks the rules, writes
the change and its audit entry.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.pledges.states import PAID_STATES
from register.choices import AgreementType, Status
from register.pipeline.codes import AREA_BITS, REGION_BITS
from register.pipeline.models import Opportunity, OpportunityMove
from register.pipeline.stages import (
    BOARD_STAGES,
    DEFAULT_PROBABILITY,
    OPEN_STAGES,
    PIPELINE_MACHINE,
    PipelineError,
    Stage,
    check_move,
)


def record_creation(opportunity: Opportunity, actor=None, reason: str = "") -> OpportunityMove:
    """Write the first history entry of a new opportunity (from nothing to its stage)."""
    return OpportunityMove.objects.create(
        opportunity=opportunity,
        actor=actor,
        from_state="",
        to_state=opportunity.stage,
        reason=reason or _("Opportunity recorded."),
    )


def _check_agreement(opportunity: Opportunity, agreement) -> None:
    if agreement.status == Status.DRAFT or not agreement.signed_on:
        raise PipelineError(
            _("Agreement %(ref)s is a draft: link the signed agreement.")
            % {"ref": agreement.reference},
            field="agreement",
        )
    if agreement.agreement_type == AgreementType.ADDENDUM and agreement.value is None:
        raise PipelineError(
            _("Addendum %(ref)s adds no value: link the agreement that brings the resources.")
            % {"ref": agreement.reference},
            field="agreement",
        )
    taken = Opportunity.objects.filter(agreement=agreement).exclude(pk=opportunity.pk).first()
    if taken is not None:
        raise PipelineError(
            _("Agreement %(ref)s is already the result of “%(other)s”.")
            % {"ref": agreement.reference, "other": taken.title},
            field="agreement",
        )
    prospect = opportunity.prospect
    partner_id = prospect.partner_id
    if partner_id is None and prospect.organisation_id:
        partner = getattr(prospect.organisation, "partner", None)
        partner_id = partner.pk if partner else None
    if partner_id and not agreement.partner_links.filter(partner_id=partner_id).exists():
        raise PipelineError(
            _("Agreement %(ref)s is not signed with %(prospect)s.")
            % {"ref": agreement.reference, "prospect": prospect.display_name},
            field="agreement",
        )


def _check_pledge(opportunity: Opportunity, pledge) -> None:
    if pledge.status not in PAID_STATES:
        raise PipelineError(
            _("Pledge %(ref)s is not paid (it is “%(status)s”): link it once it is paid.")
            % {"ref": pledge.reference, "status": pledge.get_status_display()},
            field="pledge",
        )
    taken = Opportunity.objects.filter(pledge=pledge).exclude(pk=opportunity.pk).first()
    if taken is not None:
        raise PipelineError(
            _("Pledge %(ref)s is already the result of “%(other)s”.")
            % {"ref": pledge.reference, "other": taken.title},
            field="pledge",
        )
    prospect = opportunity.prospect
    organisation_id = prospect.organisation_id
    if organisation_id is None and prospect.partner_id:
        organisation_id = prospect.partner.organisation_id
    if organisation_id and pledge.organisation_id != organisation_id:
        raise PipelineError(
            _("Pledge %(ref)s was made by another organisation than %(prospect)s.")
            % {"ref": pledge.reference, "prospect": prospect.display_name},
            field="pledge",
        )
    if (
        prospect.partner_id
        and not prospect.partner.organisation_id
        and not prospect.organisation_id
    ):
        raise PipelineError(
            _(
                "%(prospect)s has no marketplace account, so it cannot have made pledge "
                "%(ref)s: link the partner to its organisation in the register first."
            )
            % {"ref": pledge.reference, "prospect": prospect.display_name},
            field="pledge",
        )


def move(
    opportunity: Opportunity,
    to_stage: str,
    *,
    actor=None,
    reason: str = "",
    probability: int | None = None,
    agreement=None,
    pledge=None,
    lost_reason: str = "",
    today=None,
) -> Opportunity:
    """Move the opportunity to `to_stage` and record who, when, from, to and why.

    Guarantees: the row is locked and the move re-checked against the stage table (a forbidden
    move raises `InvalidStageMove`); won needs the resulting signed register agreement (with the
    prospect among its partners) or paid marketplace pledge (made by the prospect), each the
    result of one opportunity only; lost needs a reason; the probability becomes the stage's
    default unless given (won is always 100, lost 0). Raises `PipelineError` and changes
    nothing on bad input."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    lost_reason = (lost_reason or "").strip()
    with transaction.atomic():
        locked = (
            Opportunity.objects.select_for_update(of=("self",))
            .select_related("prospect", "prospect__partner", "prospect__organisation")
            .get(pk=opportunity.pk)
        )
        check_move(locked.stage, to_stage)
        if probability is not None and not 0 <= probability <= 100:
            raise PipelineError(_("The probability is a percentage, 0 to 100."), "probability")
        if to_stage == Stage.WON:
            if agreement is None and pledge is None:
                raise PipelineError(
                    _("Link the agreement signed or the pledge paid that this opportunity won."),
                    field="agreement",
                )
            if agreement is not None:
                _check_agreement(locked, agreement)
            if pledge is not None:
                _check_pledge(locked, pledge)
            locked.agreement, locked.pledge = agreement, pledge
            locked.probability = 100
            locked.closed_on = today
        elif to_stage == Stage.LOST:
            if not lost_reason:
                raise PipelineError(_("Say why the opportunity was lost."), field="lost_reason")
            locked.lost_reason = lost_reason
            locked.probability = 0
            locked.closed_on = today
        else:
            if agreement is not None or pledge is not None:
                raise PipelineError(
                    _("Only a won opportunity links an agreement or a pledge."), field="agreement"
                )
            locked.probability = (
                DEFAULT_PROBABILITY[to_stage] if probability is None else probability
            )
            locked.closed_on = None
            locked.lost_reason = ""
        PIPELINE_MACHINE.move(
            locked,
            to_stage,
            actor=actor,
            reason=lost_reason if to_stage == Stage.LOST and not reason else reason,
            also_save=("agreement", "pledge", "probability", "closed_on", "lost_reason"),
        )
    return locked


@dataclass
class BoardFilters:
    owner: object = None
    area: str = ""
    region: str = ""


def filtered_opportunities(filters: BoardFilters):
    """Opportunities matching the board's filters (owner, area, region)."""
    opportunities = Opportunity.objects.all()
    if filters.owner is not None:
        opportunities = opportunities.filter(business_owner=filters.owner)
    if filters.area:
        opportunities = opportunities.filter(area_mask__hasany=AREA_BITS[filters.area])
    if filters.region:
        opportunities = opportunities.filter(region_mask__hasany=REGION_BITS[filters.region])
    return opportunities


@dataclass
class Column:
    stage: str
    label: str
    cards: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)  # currency → expected value
    weighted: dict = field(default_factory=dict)  # currency → value × probability


def board(filters: BoardFilters, *, closed_since=None) -> list[Column]:
    """The board's columns, one per stage, with cards soonest expected first and each column's
    value and weighted value per currency. Won and lost show what closed since
    `closed_since` (default: the start of the current year), so the board stays short."""
    closed_since = closed_since or timezone.localdate().replace(month=1, day=1)
    opportunities = (
        filtered_opportunities(filters)
        .filter(Q(stage__in=OPEN_STAGES) | Q(closed_on__gte=closed_since))
        .select_related("prospect__partner", "prospect__organisation", "business_owner", "event")
        .order_by("expected_on", "pk")
    )
    columns = {stage: Column(stage, str(Stage(stage).label)) for stage in BOARD_STAGES}
    for opportunity in opportunities:
        column = columns[opportunity.stage]
        column.cards.append(opportunity)
        if opportunity.expected_value is not None and opportunity.currency:
            currency = opportunity.currency
            column.totals[currency] = column.totals.get(currency, Decimal(0)) + (
                opportunity.expected_value
            )
            column.weighted[currency] = column.weighted.get(currency, Decimal(0)) + (
                opportunity.weighted_value
            )
    for column in columns.values():
        column.totals = dict(sorted(column.totals.items()))
        column.weighted = dict(sorted(column.weighted.items()))
    return list(columns.values())


def weighted_pipeline(filters: BoardFilters | None = None) -> dict[str, dict[str, Decimal]]:
    """Open opportunities' expected value and value × probability, per currency.

    No exchange rates are recorded yet, so currencies are never added together: each gets its
    own figures (the reconciliation work adds rates and a reporting-currency total)."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {"expected": Decimal(0), "weighted": Decimal(0), "count": 0}
    )
    rows = (
        filtered_opportunities(filters or BoardFilters())
        .filter(stage__in=OPEN_STAGES, expected_value__isnull=False)
        .exclude(currency="")
        .values_list("currency", "expected_value", "probability")
    )
    for currency, value, probability in rows:
        entry = totals[currency]
        entry["expected"] += value
        entry["weighted"] += value * probability / 100
        entry["count"] += 1
    return {
        currency: {**entry, "weighted": entry["weighted"].quantize(Decimal("0.01"))}
        for currency, entry in sorted(totals.items())
    }
