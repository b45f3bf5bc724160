"""`motcua index compute` and `motcua index rebuild`: the live index from the command line.

motcua index compute --scope xa-22525 --period 2026-03 [--now 2026-04-10T09:00] [--json]
motcua index rebuild
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from . import counting, periods, ranking, scopes, scoring, snapshots
from .models import IndexSnapshot
from .rollups import rollups_rebuild

BAD_INPUT = 2


def add_parsers(sub: Any) -> None:
    compute: CommandParser = sub.add_parser(
        "compute", help="Tính chỉ số của một phạm vi trong một kỳ từ hồ sơ."
    )
    compute.add_argument("--scope", required=True, help="tinh-56, xa-22525, xa-22525+cu, co-quan-H56.02 …")
    compute.add_argument("--period", required=True, help="2026-03, 2026-Q1, 2026, bc-2026-03, bcn-2026 …")
    compute.add_argument("--now", help="Thời điểm đánh giá (mặc định: bây giờ), ví dụ 2026-04-10T09:00.")
    compute.add_argument("--json", action="store_true", help="In JSON thay vì bảng.")
    sub.add_parser("rebuild", help="Tính lại toàn bộ bảng tổng hợp chỉ số từ hồ sơ.")
    snapshot = sub.add_parser(
        "snapshot", help="Lưu sẵn số liệu các tháng đã khép lại (tỉnh, xã, phường, cơ quan cấp tỉnh)."
    )
    snapshot.add_argument("--months", type=int, default=12, help="Số tháng gần nhất (mặc định 12).")
    snapshot.add_argument("--fresh", action="store_true", help="Xóa số liệu đã lưu rồi tính lại.")


def _now(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise CommandError(
            f"Không đọc được thời điểm «{text}» (ví dụ: 2026-04-10T09:00).", returncode=BAD_INPUT
        ) from error
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _number(value: object) -> object:
    return None if value is None else str(value)


def compute(options: dict[str, Any], write: Any) -> None:
    try:
        period = periods.parse(options["period"])
        scope = scopes.parse_scope(options["scope"])
    except (ValueError, LookupError) as error:
        raise CommandError(str(error), returncode=BAD_INPUT) from error
    result = counting.unit_index(scope, period, now=_now(options.get("now")))
    if options.get("json"):
        write(
            json.dumps(
                {
                    "scope": scope.key,
                    "scope_label": scope.label,
                    "period": period.key,
                    "period_label": period.label,
                    "rules": result.rule_set.version,
                    "total": _number(result.total),
                    "metrics": [
                        {
                            "code": s.metric.code,
                            "numerator": s.numerator,
                            "denominator": s.denominator,
                            "points": _number(s.points),
                            "max_points": _number(s.metric.max_points),
                            "formula": s.formula,
                        }
                        for s in result.metrics
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    write(f"{scope.label} — {period.label} (bộ quy tắc {result.rule_set.version})")
    for s in result.metrics:
        shown = "—" if s.points is None else scoring.fmt(s.points, 2)
        counts = "không có dữ liệu" if s.denominator is None else f"{s.numerator}/{s.denominator}"
        write(f"  {s.metric.code:<36} {counts:>18} {shown:>7} / {scoring.fmt(s.metric.max_points)}")
    write(f"Tổng: {scoring.fmt(result.total, 2) if result.total is not None else '—'} / 100")


def rebuild(write: Any) -> None:
    started = time.perf_counter()
    rollups_rebuild()
    snapshots.forget_all()  # counted from the rollups just replaced
    write(f"Đã tính lại bảng tổng hợp chỉ số trong {time.perf_counter() - started:.1f} s.")


def snapshot(options: dict[str, Any], write: Any) -> None:
    """Warm the closed months' snapshots (metrics.snapshots), e.g. nightly and after an import."""
    months = options.get("months") or 12
    if months < 1:
        raise CommandError("--months phải từ 1 trở lên.", returncode=BAD_INPUT)
    started = time.perf_counter()
    if options.get("fresh"):
        IndexSnapshot.objects.all().delete()  # recounted below, from committed data
    snapshots.prune_marks()
    for period, count in ranking.warm_snapshots(months=months):
        write(f"  {period.label}: {count} phạm vi")
    write(f"Đã lưu số liệu các tháng đã khép lại trong {time.perf_counter() - started:.1f} s.")
