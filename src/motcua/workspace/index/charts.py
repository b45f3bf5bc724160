"""Charts as inline SVG (presentation attributes, so WeasyPrint draws them as browsers do), drawn on the server: no JavaScript library, nothing from a CDN, and the
same markup prints and goes into the PDF. Each chart carries a title for screen readers; the
figures also stand in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from motcua.metrics.scoring import fmt

WIDTH = 360  # viewBox units; the SVG scales to its box, so a phone shows it at about 1:1


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: Decimal | None  # None: no data
    maximum: Decimal
    href: str = ""


def _ratio(value: Decimal | None, maximum: Decimal) -> float:
    if value is None or maximum <= 0:
        return 0.0
    return max(0.0, min(1.0, float(value / maximum)))


def group_bars(bars: Sequence[Bar], *, title: str) -> SafeString:
    """One horizontal bar per group, each against its own maximum (the label above the bar)."""
    row = 44
    height = row * len(bars) + 4
    track = WIDTH - 80
    rows = format_html_join(
        "",
        '<g transform="translate(0,{})"><text x="0" y="14" font-size="14" fill="#1f2937">{}</text>'
        '<rect x="0" y="20" width="{}" height="16" rx="2" fill="#e5e7eb"/>'
        '<rect x="0" y="20" width="{}" height="16" rx="2" fill="#b71c1c"/>'
        '<text x="{}" y="33" font-size="13" fill="#1f2937">{}</text></g>',
        (
            (
                i * row,
                b.label,
                track,
                f"{track * _ratio(b.value, b.maximum):.1f}",
                track + 6,
                f"{fmt(b.value, 2) if b.value is not None else '—'}/{fmt(b.maximum)}",
            )
            for i, b in enumerate(bars)
        ),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        WIDTH,
        height,
        title,
        title,
        rows,
    )


def trend_bars(bars: Sequence[Bar], *, title: str) -> SafeString:
    """Vertical bars of the total by month on a 0–100 scale, the value above each bar."""
    top, plot, bottom = 16, 120, 20
    height = top + plot + bottom
    left = 26
    slot = (WIDTH - left) / max(1, len(bars))
    gridlines = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d1d5db" stroke-width="0.5"/><text x="{}" y="{}" font-size="10" fill="#6b7280">{}</text>',
        (
            (left, WIDTH, f"{top + plot * (1 - v / 100):.1f}", f"{top + plot * (1 - v / 100):.1f}", 0,
             f"{top + plot * (1 - v / 100) + 4:.1f}", v)
            for v in (0, 50, 100)
        ),
    )  # fmt: skip
    columns = []
    for i, b in enumerate(bars):
        x = left + i * slot + slot * 0.15
        width = slot * 0.7
        h = plot * _ratio(b.value, b.maximum)
        value = fmt(b.value, 1) if b.value is not None else "—"
        columns.append(
            format_html(
                '<g><title>{}: {}</title><rect x="{}" y="{}" width="{}" height="{}" fill="#b71c1c"/>'
                '<text x="{}" y="{}" font-size="10" fill="#1f2937" text-anchor="middle">{}</text>'
                '<text x="{}" y="{}" font-size="10" fill="#6b7280" text-anchor="middle">{}</text></g>',
                b.label,
                value,
                f"{x:.1f}",
                f"{top + plot - h:.1f}",
                f"{width:.1f}",
                f"{h:.1f}",
                f"{x + width / 2:.1f}",
                f"{top + plot - h - 3:.1f}",
                value,
                f"{x + width / 2:.1f}",
                height - 5,
                b.label,
            )
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}{}</svg>',
        WIDTH,
        height,
        title,
        title,
        gridlines,
        SafeString("".join(columns)),
    )


def meter(value: Decimal | None, maximum: Decimal) -> SafeString:
    """A small bar for a table cell (the ranking)."""
    return format_html(
        '<svg class="meter" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">'
        '<rect width="100" height="8" fill="#e5e7eb"/><rect width="{}" height="8" fill="#b71c1c"/></svg>',
        f"{100 * _ratio(value, maximum):.1f}",
    )
