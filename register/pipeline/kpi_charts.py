"""The KPI page's charts, drawn like the register's (`register/charts.py`: inline SVG
with a title and a description) and each with its figures in a table beside it."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from register import charts
from register.pipeline.kpis import KpiReport
from register.pipeline.models import Metric


@dataclass
class TableRow:
    label: str
    cells: list[str]


@dataclass
class KpiChart:
    key: str
    heading: str
    note: str
    svg: str
    row_heading: str
    columns: list[str]
    rows: list[TableRow]

    @property
    def has_data(self) -> bool:
        return bool(self.rows)


def money(value) -> str:
    return f"{float(value):,.0f}"


def number(value) -> str:
    return f"{float(value):g}"


def _target_vs_actual(key, heading, note, lines, fmt) -> KpiChart:
    groups = [
        f"{line.metric_label} {line.currency}".strip() + (f" · {line.event}" if line.event else "")
        for line in lines
    ]
    series = [
        charts.Series(_("Target"), [float(line.target or 0) for line in lines]),
        charts.Series(_("Actual"), [float(line.actual) for line in lines]),
    ]
    svg = charts.grouped_bars(
        f"kpi-{key}",
        heading,
        _("Bar chart of each target beside its actual; the table beside it gives the figures."),
        groups,
        series,
        value_format=fmt,
    )
    rows = [
        TableRow(
            group,
            [
                fmt(line.target) if line.target is not None else "—",
                fmt(line.actual),
                f"{line.achieved} %" if line.achieved is not None else "—",
            ],
        )
        for group, line in zip(groups, lines, strict=True)
    ]
    columns = [_("Target"), _("Actual"), _("Achieved")]
    return KpiChart(key, heading, note, svg, _("Measure"), columns, rows)


def build_charts(report: KpiReport, own_label: str) -> list[KpiChart]:
    """Money against targets, counts against targets, co-financing and partner categories."""
    own = [line for line in report.lines if line.scope_label == own_label]
    money_lines = [
        line for line in own if line.metric in (Metric.CASH, Metric.IN_KIND, Metric.SPONSORSHIP)
    ]
    count_lines = [
        line for line in own if line.metric in (Metric.NEW_AGREEMENTS, Metric.NEW_PARTNERS)
    ]
    result = [
        _target_vs_actual(
            "money",
            _("Value mobilised and sponsorship revenue against targets"),
            _("Per currency: nothing is converted until exchange rates are recorded."),
            money_lines,
            money,
        ),
        _target_vs_actual(
            "counts",
            _("New agreements and new partners against targets"),
            _(
                "Addenda are not new agreements; a new partner is one whose first agreement "
                "is this year's."
            ),
            count_lines,
            number,
        ),
    ]
    co = report.co_financing
    co_svg = charts.grouped_bars(
        "kpi-cofinancing",
        _("Co-financing: partners and bureau"),
        _("Bar chart of partners' and the bureau's contributions per currency."),
        [line.currency for line in co],
        [
            charts.Series(_("Partners"), [float(line.partner) for line in co]),
            charts.Series(_("Bureau"), [float(line.bureau) for line in co]),
        ],
        value_format=money,
    )
    result.append(
        KpiChart(
            "cofinancing",
            _("Co-financing: partners and bureau"),
            _(
                "Partners: the stated value of the year's agreements. Bureau: its recorded "
                "contribution to them (Resource mobilisation → Co-financing)."
            ),
            co_svg,
            _("Currency"),
            [_("Partners"), _("Bureau"), _("Total"), _("Bureau share")],
            [
                TableRow(
                    line.currency,
                    [
                        money(line.partner),
                        money(line.bureau),
                        money(line.total),
                        f"{line.bureau_share} %" if line.bureau_share is not None else "—",
                    ],
                )
                for line in co
            ],
        )
    )
    categories = report.categories
    currencies = sorted({c for line in categories for c in line.values})
    cat_svg = charts.horizontal_bars(
        "kpi-categories",
        _("Agreements by partner category"),
        _("Bar chart of the year's agreements per partner category."),
        [(line.label, float(line.agreements)) for line in categories],
        value_format=number,
    )
    result.append(
        KpiChart(
            "categories",
            _("Agreements and value by partner category"),
            _("Values per currency, as stated in the agreements."),
            cat_svg,
            _("Partner category"),
            [_("Agreements"), *currencies],
            [
                TableRow(
                    line.label,
                    [
                        str(line.agreements),
                        *(money(line.values[c]) if c in line.values else "—" for c in currencies),
                    ],
                )
                for line in categories
            ],
        )
    )
    return result
