"""Which index rules apply: the database's versions first, the shipped JSON when the database has
none for that day or name — so `motcua index score` works on an empty database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import DatabaseError
from django.db.models import Q

from . import onepage, ruledata, scoring
from .models import RuleSetVersion


class RuleSetNotFound(LookupError):
    """No rule set of that name, or none in force on that day; the message is Vietnamese."""


def _as_dict(version: RuleSetVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "valid_from": version.valid_from.isoformat(),
        "valid_to": version.valid_to.isoformat() if version.valid_to else None,
        "rounding_places": version.rounding_places,
        "source": version.source,
        "confidence": version.confidence,
        "notes": version.notes,
        "groups": [
            {"id": g.code, "name_vi": g.name_vi, "max_points": g.max_points} for g in version.groups.all()
        ],
        "metrics": [
            {
                "code": m.code,
                "portal_code": m.portal_code,
                "group": m.group,
                "name_vi": m.name_vi,
                "max_points": m.max_points,
                "kind": m.kind,
                "threshold": m.threshold,
                "numerator": m.numerator_definition,
                "denominator": m.denominator_definition,
                "on_zero": m.on_zero,
                "ratio_rounding": m.ratio_rounding,
                "scope": [s.strip() for s in m.scope.split(",") if s.strip()],
                "source": m.source,
                "confidence": m.confidence,
                "notes": m.notes,
            }
            for m in version.metrics.all()
        ],
    }


def to_rule_set(version: RuleSetVersion) -> scoring.RuleSet:
    """The pure rule set of stored rows; raises ruledata.RuleDataError when the rows are unsound."""
    return ruledata.rule_set_from_dict(_as_dict(version))


def _stored(condition: Q) -> list[RuleSetVersion]:
    try:
        return list(RuleSetVersion.objects.filter(condition).prefetch_related("groups", "metrics"))
    except DatabaseError:  # not migrated yet (a fresh checkout running the CLI): use the shipped rules
        return []


def rule_set(version: str) -> scoring.RuleSet:
    stored = _stored(Q(version=version))
    if stored:
        return to_rule_set(stored[0])
    for shipped in ruledata.shipped():
        if shipped.version == version:
            return shipped
    known = sorted({v.version for v in _stored(Q())} | {s.version for s in ruledata.shipped()})
    raise RuleSetNotFound(f"Không có bộ quy tắc «{version}» (có: {', '.join(known)}).")


def _latest_in_force(candidates: list[scoring.RuleSet], day: dt.date) -> scoring.RuleSet | None:
    in_force = [r for r in candidates if r.in_force(day)]
    return max(in_force, key=lambda r: r.valid_from) if in_force else None


def rule_set_at(day: dt.date) -> scoring.RuleSet:
    """The rules in force on `day`: the latest version begun on or before it and not yet ended.
    Looked up once per page and day (metrics.onepage): a dashboard page asks ~4 times."""
    return onepage.remembered(("rules.rule_set_at", day), lambda: _rule_set_at(day))


def _rule_set_at(day: dt.date) -> scoring.RuleSet:
    stored = _stored(Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)))
    found = _latest_in_force([to_rule_set(v) for v in stored], day) or _latest_in_force(
        list(ruledata.shipped()), day
    )
    if found is None:
        raise RuleSetNotFound(f"Không có bộ quy tắc chỉ số nào có hiệu lực ngày {day:%d/%m/%Y}.")
    return found


def all_rule_sets() -> list[scoring.RuleSet]:
    """Every known version (stored ones replace shipped ones of the same name), oldest first."""
    found = {r.version: r for r in ruledata.shipped()}
    found.update({v.version: to_rule_set(v) for v in _stored(Q())})
    return sorted(found.values(), key=lambda r: r.valid_from)
