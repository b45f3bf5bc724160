"""The JSON spoken by `motcua index score`: counts in, points out (pure, no Django).

In: `[{"metric": CODE, "numerator": n, "denominator": d}, …]`, null counts meaning "no data".
Out: `{"metrics": [...], "groups": [...], "total": x}` with points as JSON numbers printed with
exactly the rule set's decimals (5.40, not 5.4), so officials compare them with the portal's."""

from __future__ import annotations

import json
from decimal import Decimal
from json.encoder import encode_basestring as _quote  # C-accelerated, keeps non-ASCII
from typing import Any

from .scoring import Count, Result, RuleSet, ScoringError, check_counts


class CountsError(ValueError):
    """Input that cannot be scored; the message names the element (and line) in Vietnamese."""


def _count(value: Any, key: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise CountsError(f"{where}: «{key}» phải là số nguyên không âm hoặc null.")
    if value < 0:
        raise CountsError(f"{where}: «{key}» không được âm ({value}).")
    return value


def parse_counts(text: str, rule_set: RuleSet, *, line: int | None = None) -> list[tuple[str, Count]]:
    prefix = f"Dòng {line}" if line is not None else "Dữ liệu vào"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = (
            f"{prefix}, cột {error.colno}" if line is not None else f"Dòng {error.lineno}, cột {error.colno}"
        )
        raise CountsError(f"{where}: không đọc được JSON ({error.msg}).") from None
    if not isinstance(data, list):
        raise CountsError(f'{prefix}: cần một danh sách JSON các chỉ số [{{"metric": …}}, …].')
    counts: list[tuple[str, Count]] = []
    seen: set[str] = set()
    for position, item in enumerate(data, 1):
        where = f"{prefix}, phần tử thứ {position}"
        if not isinstance(item, dict):
            raise CountsError(f'{where}: cần một đối tượng {{"metric", "numerator", "denominator"}}.')
        missing = [k for k in ("metric", "numerator", "denominator") if k not in item]
        if missing:
            raise CountsError(f"{where}: thiếu trường {', '.join(missing)}.")
        code = item["metric"]
        if not isinstance(code, str):
            raise CountsError(f"{where}: «metric» phải là mã chỉ số (chuỗi).")
        try:
            metric = rule_set.metric(code)
        except ScoringError as error:
            raise CountsError(f"{where}: {error}") from None
        if code in seen:
            raise CountsError(f"{where}: chỉ số {code} được cho hai lần.")
        seen.add(code)
        count = Count(
            _count(item["numerator"], "numerator", where), _count(item["denominator"], "denominator", where)
        )
        try:
            if count.numerator is not None and count.denominator is not None:
                check_counts(metric, count.numerator, count.denominator)
        except ScoringError as error:
            raise CountsError(f"{where}: {error}") from None
        counts.append((code, count))
    return counts


class _Raw(str):
    """A JSON number already written out (keeps the trailing zero of 5.40)."""


def _number(value: Decimal | None) -> _Raw | None:
    return None if value is None else _Raw(format(value, "f"))


def result_dict(result: Result) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rules": result.rule_set.version,
        "metrics": [
            {
                "metric": s.metric.code,
                "numerator": s.numerator,
                "denominator": s.denominator,
                "points": _number(s.points),
                "max": _number(
                    s.metric.max_points.quantize(Decimal(1).scaleb(-result.rule_set.rounding_places))
                ),
                "formula": s.formula,
            }
            for s in result.metrics
        ],
        "groups": [
            {
                "group": g.group.id,
                "points": _number(g.points),
                "max": _number(
                    g.group.max_points.quantize(Decimal(1).scaleb(-result.rule_set.rounding_places))
                ),
            }
            for g in result.groups
        ],
    }
    if result.total is not None:
        out["total"] = _number(result.total)
        out["max"] = _number(
            result.rule_set.max_points.quantize(Decimal(1).scaleb(-result.rule_set.rounding_places))
        )
    return out


def dumps(value: Any) -> str:
    """Compact JSON, Vietnamese kept readable (not \\u-escaped), numbers as written."""
    if isinstance(value, _Raw):
        return str.__str__(value)
    if isinstance(value, str):
        return _quote(value)
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_quote(k)}: {dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dumps(v) for v in value) + "]"
    return json.dumps(value)
