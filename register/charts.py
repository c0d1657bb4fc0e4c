"""Bar charts as inline SVG, drawn on the server: no script, no CDN, printable.

Each chart is an image with a title and a description; the page puts the same figures in a
table beside it, which is the text alternative. Colours keep at least 3:1 contrast on white.
"""

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = [
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#6a3d9a",
    "#b8860b",
    "#4a5563",
    "#00838f",
    "#8c510a",
    "#b3261e",
    "#1d6b35",
]
FONT = 13
CHAR_WIDTH = 7.2  # average width of a 13px sans-serif character, for laying out the legend


@dataclass
class Series:
    label: str
    values: list[float]


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2, 2.5, 5 × 10^n) up to at least `maximum`."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks, value = [0.0], 0.0
    while value < maximum:
        value += step
        ticks.append(round(value, 10))
    return ticks


def format_tick(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 10_000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def _svg(width, height, chart_id, title, description, body) -> SafeString:
    return mark_safe(  # noqa: S308 - every text in `body` is escaped where it is built
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-size="{FONT}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def _legend(series_labels, top, width, left) -> tuple[str, int]:
    parts, x, y = [], left, top
    for index, label in enumerate(series_labels):
        item_width = 22 + len(label) * CHAR_WIDTH + 16
        if x + item_width > width and x > left:
            x, y = left, y + 20
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 18:.1f}" y="{y + 10}">{escape(label)}</text>'
        )
        x += item_width
    return "".join(parts), y + 20


def grouped_bars(
    chart_id: str,
    title: str,
    description: str,
    groups: list[str],
    series: list[Series],
    value_format=format_tick,
    width: int = 640,
) -> SafeString:
    """Vertical bars: one group per x label (e.g. a year), one bar per series in each."""
    left, right, top, plot_height = 56, 12, 12, 260
    plot_width = width - left - right
    maximum = max((v for s in series for v in s.values), default=0)
    ticks = nice_ticks(float(maximum))
    scale = plot_height / ticks[-1]
    parts = []
    for tick in ticks:
        y = top + plot_height - tick * scale
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d5dbe3"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#4a5563">'
            f"{escape(format_tick(tick))}</text>"
        )
    group_width = plot_width / max(len(groups), 1)
    inner = group_width * 0.8
    bar_width = inner / max(len(series), 1)
    for g, group in enumerate(groups):
        x0 = left + g * group_width + (group_width - inner) / 2
        for s, one in enumerate(series):
            value = float(one.values[g])
            height = value * scale
            parts.append(
                f'<rect x="{x0 + s * bar_width:.1f}" y="{top + plot_height - height:.1f}" '
                f'width="{max(bar_width - 1, 1):.1f}" height="{height:.1f}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>'
                f"{escape(group)} · {escape(one.label)}: {escape(value_format(one.values[g]))}"
                f"</title></rect>"
            )
        parts.append(
            f'<text x="{left + g * group_width + group_width / 2:.1f}" '
            f'y="{top + plot_height + 18}" text-anchor="middle">{escape(group)}</text>'
        )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_height}" '
        f'y2="{top + plot_height}" stroke="#1b2430"/>'
    )
    legend, height = _legend([s.label for s in series], top + plot_height + 34, width, left)
    parts.append(legend)
    return _svg(width, height + 4, chart_id, title, description, "".join(parts))


def horizontal_bars(
    chart_id: str,
    title: str,
    description: str,
    items: list[tuple[str, float]],
    value_format=format_tick,
    width: int = 640,
) -> SafeString:
    """One horizontal bar per labelled value, the value written at its end."""
    label_width, right, top, row = 230, 60, 8, 26
    plot_width = width - label_width - right
    maximum = max((float(v) for _, v in items), default=0) or 1
    parts = []
    for index, (label, value) in enumerate(items):
        y = top + index * row
        length = float(value) / maximum * plot_width
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {escape(value_format(value))}</title>'
            f"</rect>"
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}">'
            f"{escape(value_format(value))}</text>"
        )
    height = top + len(items) * row + 8
    return _svg(width, height, chart_id, title, description, "".join(parts))
