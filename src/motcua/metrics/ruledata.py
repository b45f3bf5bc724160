"""Rule sets as JSON: the shipped files under `metrics/data/`, and the import/export format.

Pure like `scoring`: the database models convert to and from the same dictionaries, so a rule
set an administrator exports can be imported elsewhere unchanged."""

from __future__ import annotations

import datetime as dt
import functools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from .scoring import Confidence, Group, Kind, Metric, OnZero, RuleSet, Scope, validate

DATA_DIR = Path(__file__).resolve().parent / "data"


class RuleDataError(ValueError):
    """A rule-set file that cannot be read; the message says where, in Vietnamese."""


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise RuleDataError(f"{where}: cần một số.")
    try:
        return Decimal(value)
    except ArithmeticError:
        raise RuleDataError(f"{where}: «{value}» không phải là số.") from None


def _date(value: Any, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RuleDataError(f"{where}: ngày «{value}» không đúng dạng YYYY-MM-DD.") from None


def _choice[E: (Kind, OnZero, Confidence, Scope)](kind: type[E], value: Any, where: str) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(e.value) for e in kind)
        raise RuleDataError(f"{where}: «{value}» không hợp lệ (chọn một trong: {allowed}).") from None


def _text(data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise RuleDataError(f"{where}: thiếu trường «{key}».")
    return value


def metric_from_dict(data: dict[str, Any], where: str) -> Metric:
    code = _text(data, "code", where)
    where = f"{where} ({code})"
    kind = _choice(Kind, data.get("kind"), f"{where}, kind")
    threshold = _decimal(data.get("threshold", 100), f"{where}, threshold")
    rounding = data.get("ratio_rounding")
    if rounding is not None and (isinstance(rounding, bool) or not isinstance(rounding, int)):
        raise RuleDataError(f"{where}, ratio_rounding: cần một số nguyên hoặc null.")
    scope = data.get("scope", [s.value for s in Scope])
    if not isinstance(scope, list):
        raise RuleDataError(f"{where}, scope: cần một danh sách.")
    return Metric(
        code=code,
        group=_text(data, "group", where),
        name_vi=_text(data, "name_vi", where),
        max_points=_decimal(data.get("max_points"), f"{where}, max_points"),
        kind=kind,
        threshold=threshold,
        numerator_definition=_text(data, "numerator", where),
        denominator_definition=_text(data, "denominator", where),
        on_zero=_choice(OnZero, data.get("on_zero"), f"{where}, on_zero"),
        ratio_rounding=rounding,
        scope=tuple(_choice(Scope, s, f"{where}, scope") for s in scope),
        source=_text(data, "source", where, required=False),
        confidence=_choice(Confidence, data.get("confidence", "S"), f"{where}, confidence"),
        portal_code=bool(data.get("portal_code", True)),
        notes=_text(data, "notes", where, required=False),
    )


def rule_set_from_dict(data: Any) -> RuleSet:
    if not isinstance(data, dict):
        raise RuleDataError("Bộ quy tắc phải là một đối tượng JSON.")
    groups_data, metrics_data = data.get("groups"), data.get("metrics")
    if not isinstance(groups_data, list) or not isinstance(metrics_data, list):
        raise RuleDataError("Bộ quy tắc cần hai danh sách «groups» và «metrics».")
    groups = []
    for i, g in enumerate(groups_data, 1):
        where = f"Nhóm thứ {i}"
        if not isinstance(g, dict):
            raise RuleDataError(f"{where}: cần một đối tượng.")
        groups.append(
            Group(
                id=_text(g, "id", where),
                name_vi=_text(g, "name_vi", where),
                max_points=_decimal(g.get("max_points"), f"{where}, max_points"),
            )
        )
    metrics = []
    for i, m in enumerate(metrics_data, 1):
        if not isinstance(m, dict):
            raise RuleDataError(f"Chỉ số thứ {i}: cần một đối tượng.")
        metrics.append(metric_from_dict(m, f"Chỉ số thứ {i}"))
    places = data.get("rounding_places", 2)
    if isinstance(places, bool) or not isinstance(places, int):
        raise RuleDataError("rounding_places: cần một số nguyên.")
    valid_to = data.get("valid_to")
    rule_set = RuleSet(
        version=_text(data, "version", "Bộ quy tắc"),
        valid_from=_date(data.get("valid_from"), "valid_from"),
        valid_to=None if valid_to is None else _date(valid_to, "valid_to"),
        groups=tuple(groups),
        metrics=tuple(metrics),
        rounding_places=places,
        source=_text(data, "source", "Bộ quy tắc", required=False),
        confidence=_choice(Confidence, data.get("confidence", "S"), "confidence"),
        notes=_text(data, "notes", "Bộ quy tắc", required=False),
    )
    problems = validate(rule_set)
    if problems:
        raise RuleDataError(f"Bộ quy tắc {rule_set.version}: " + " ".join(problems))
    return rule_set


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def rule_set_to_dict(rule_set: RuleSet) -> dict[str, Any]:
    return {
        "version": rule_set.version,
        "valid_from": rule_set.valid_from.isoformat(),
        "valid_to": rule_set.valid_to.isoformat() if rule_set.valid_to else None,
        "rounding_places": rule_set.rounding_places,
        "source": rule_set.source,
        "confidence": rule_set.confidence.value,
        "notes": rule_set.notes,
        "groups": [
            {"id": g.id, "name_vi": g.name_vi, "max_points": _number(g.max_points)} for g in rule_set.groups
        ],
        "metrics": [
            {
                "code": m.code,
                "portal_code": m.portal_code,
                "group": m.group,
                "name_vi": m.name_vi,
                "max_points": _number(m.max_points),
                "kind": m.kind.value,
                "threshold": _number(m.threshold),
                "numerator": m.numerator_definition,
                "denominator": m.denominator_definition,
                "on_zero": m.on_zero.value,
                "ratio_rounding": m.ratio_rounding,
                "scope": [s.value for s in m.scope],
                "source": m.source,
                "confidence": m.confidence.value,
                "notes": m.notes,
            }
            for m in rule_set.metrics
        ],
    }


def load(text: str) -> RuleSet:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise RuleDataError(f"Không đọc được JSON (dòng {error.lineno}, cột {error.colno}).") from None
    return rule_set_from_dict(data)


@functools.cache  # files of the code itself: read once per process (a page asked ~4 times)
def shipped() -> tuple[RuleSet, ...]:
    """The rule sets that come with motcua, oldest first."""
    sets = [load(path.read_text(encoding="utf-8")) for path in sorted(DATA_DIR.glob("*.json"))]
    return tuple(sorted(sets, key=lambda r: r.valid_from))
