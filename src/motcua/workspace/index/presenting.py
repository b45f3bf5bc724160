"""What the index pages and exports show, assembled from the metrics package (no query here
beyond what `metrics` does): rows of the metric table, chart bars, the what-if request."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import QueryDict
from django.utils.translation import gettext as _

from motcua.metrics import scoring
from motcua.metrics.trend import TrendPoint
from motcua.metrics.whatif import Override, WhatIf

from .charts import Bar, group_bars, trend_bars


@dataclass(frozen=True)
class MetricRow:
    score: scoring.MetricScore
    change: object | None = None  # whatif.MetricChange when a what-if was asked


@dataclass(frozen=True)
class GroupRows:
    group: scoring.Group
    points: Decimal | None
    rows: list[MetricRow]
    after: Decimal | None = None


def metric_table(result: scoring.Result, whatif: WhatIf | None = None) -> list[GroupRows]:
    by_group = {g.group.id: g.points for g in result.groups}
    after_groups = {g.group.id: g.after for g in whatif.groups} if whatif else {}
    table = []
    for group in result.rule_set.groups:
        rows = [
            MetricRow(s, whatif.metric(s.metric.code) if whatif else None)
            for s in result.metrics
            if s.metric.group == group.id
        ]
        table.append(GroupRows(group, by_group.get(group.id), rows, after_groups.get(group.id)))
    return table


def group_chart(result: scoring.Result) -> str:
    bars = [Bar(g.group.name_vi, g.points, g.group.max_points) for g in result.groups]
    return group_bars(bars, title=_("Điểm sáu nhóm chỉ số"))


def trend_chart(points: list[TrendPoint]) -> str:
    bars = [Bar(f"{p.period.start:%m/%y}", p.total, p.result.rule_set.max_points) for p in points]
    return trend_bars(bars, title=_("Tổng điểm theo tháng"))


_COUNT_FIELD = re.compile(r"(ts|ms)-([A-Z0-9_]+)")


@dataclass
class WhatIfRequest:
    asked: bool = False
    overrides: dict[str, Override] = field(default_factory=dict)
    record_codes: list[str] = field(default_factory=list)
    typed: dict[str, str] = field(default_factory=dict)  # field name → text, to show back
    errors: list[str] = field(default_factory=list)
    fixed_text: str = ""

    def form_rows(self, result: scoring.Result) -> list[dict]:
        """One row per metric of the form, with what was typed shown back."""
        return [
            {
                "score": s,
                "ts": self.typed.get(f"ts-{s.metric.code}", ""),
                "ms": self.typed.get(f"ms-{s.metric.code}", ""),
            }
            for s in result.metrics
        ]


def whatif_request(query: QueryDict, codes: Mapping[str, scoring.Metric]) -> WhatIfRequest:
    """?gia-dinh=1&ts-CODE=…&ms-CODE=…&khac-phuc=code code: numbers typed over the counts (ts =
    numerator, ms = denominator) and record codes marked fixed."""
    request = WhatIfRequest(asked=query.get("gia-dinh") == "1")
    if not request.asked:
        return request
    numerators: dict[str, int] = {}
    denominators: dict[str, int] = {}
    for name, value in query.items():
        found = _COUNT_FIELD.fullmatch(name)
        value = value.strip()
        if not found or not value:
            continue
        request.typed[name] = value
        if found[2] not in codes:
            request.errors.append(_("Không có chỉ số %(code)s.") % {"code": found[2]})
            continue
        if not value.isdigit():
            request.errors.append(
                _("Chỉ số %(code)s: «%(value)s» không phải số nguyên không âm.")
                % {"code": found[2], "value": value}
            )
            continue
        (numerators if found[1] == "ts" else denominators)[found[2]] = int(value)
    for code in sorted(set(numerators) | set(denominators)):
        request.overrides[code] = Override(numerators.get(code), denominators.get(code))
    text = query.get("khac-phuc", "")
    request.fixed_text = text
    request.record_codes = [c for c in re.split(r"[\s,;]+", text) if c][:500]
    return request
