"""The periodic report on administrative procedures, Biểu 07a/07b/07c (TT 09/2026/TT-BTP): per
field (lĩnh vực), records received (online toàn trình / online một phần / post / in person) plus
those carried over, resolved (early / on time / late), pending (within / over deadline).

One table at three levels — 07a a commune, 07b a provincial agency, 07c the province — as
docs/reports.md explains (what is certain and what is assumed). Carried over = pending at the end
of the previous period, so each row balances: carried over + received = resolved + pending."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from motcua.catalog.models import Offering, OnlineLevel
from motcua.metrics.periods import Period
from motcua.metrics.scopes import Scope
from motcua.records.models import Channel, Record
from motcua.records.timeliness import Timeliness

from .common import LOCAL_TZ, active_records, bounds, iso, standing

REPORT_VERSION = 1

FORMS = {
    "07a": ("commune", "Biểu số 07a", "cấp xã"),
    "07b": ("agency", "Biểu số 07b", "cơ quan cấp tỉnh"),
    "07c": ("province", "Biểu số 07c", "cấp tỉnh (tổng hợp)"),
}
TITLE = "Tình hình, kết quả giải quyết thủ tục hành chính"

# (key, header) in the order of the printed table; headers group as the form's two header rows.
COLUMNS = [
    ("total", "Tổng số hồ sơ"),
    ("carried_over", "Kỳ trước chuyển qua"),
    ("received_total", "Mới tiếp nhận trong kỳ"),
    ("received_full_online", "Trực tuyến toàn trình"),
    ("received_partial_online", "Trực tuyến một phần"),
    ("received_post", "Bưu chính công ích"),
    ("received_counter", "Trực tiếp"),
    ("resolved_total", "Tổng số đã giải quyết"),
    ("resolved_early", "Trước hạn"),
    ("resolved_on_time", "Đúng hạn"),
    ("resolved_late", "Quá hạn"),
    ("pending_total", "Tổng số đang giải quyết"),
    ("pending_within", "Trong hạn"),
    ("pending_overdue", "Quá hạn"),
]
COLUMN_KEYS = [key for key, _ in COLUMNS]


class FormMismatch(ValueError):
    """The form does not fit the unit (07a is for a commune…)."""


def check_form(form: str, scope: Scope) -> None:
    if form not in FORMS:
        raise FormMismatch(f"Không có biểu «{form}» (chọn 07a, 07b hoặc 07c).")
    kind, name, level = FORMS[form]
    if scope.kind != kind:
        raise FormMismatch(f"{name} dành cho {level}; «{scope.label}» không thuộc cấp này.")


def _online_levels(records: list[Record]) -> dict[tuple[int, int], list[Offering]]:
    pairs = {(r.agency_id, r.procedure_id) for r in records if r.channel == Channel.ONLINE}
    found: dict[tuple[int, int], list[Offering]] = defaultdict(list)
    if pairs:
        agencies = {a for a, _ in pairs}
        for offering in Offering.objects.filter(agency_id__in=agencies):
            found[(offering.agency_id, offering.procedure_id)].append(offering)
    return found


def _full_online(record: Record, offerings: dict[tuple[int, int], list[Offering]]) -> bool:
    """Toàn trình when the agency offered the procedure fully online on the day of receipt (the
    offering in force then), else the procedure's published level. motcua's records do not say
    which service level the applicant used; this is the assumption docs/reports.md states."""
    day = record.received_at.astimezone(LOCAL_TZ).date()
    for offering in offerings.get((record.agency_id, record.procedure_id), []):
        if (offering.valid_from is None or offering.valid_from <= day) and (
            offering.valid_to is None or day <= offering.valid_to
        ):
            return offering.online_level == OnlineLevel.FULL
    return record.procedure.online_level == OnlineLevel.FULL


def _received_column(record: Record, offerings: dict[tuple[int, int], list[Offering]]) -> str:
    if record.channel == Channel.ONLINE:
        return "received_full_online" if _full_online(record, offerings) else "received_partial_online"
    return "received_post" if record.channel == Channel.POST else "received_counter"


_RECEIVED = ("received_full_online", "received_partial_online", "received_post", "received_counter")
_RESOLVED = {
    Timeliness.EARLY: "resolved_early",
    Timeliness.ON_TIME: "resolved_on_time",
    Timeliness.LATE: "resolved_late",
}


def periodic_report(
    *, form: str, scope: Scope, period: Period, now: dt.datetime | None = None
) -> dict[str, Any]:
    check_form(form, scope)
    now = now or timezone.now()
    start, end = bounds(period)
    active = list(active_records(scope, period).select_related("procedure__field"))
    offerings = _online_levels(active)
    rows: dict[int, dict[str, Any]] = {}
    for record in active:
        field = record.procedure.field
        row = rows.setdefault(
            field.pk, {"field_code": field.code, "field": field.name, **dict.fromkeys(COLUMN_KEYS, 0)}
        )
        row["carried_over" if record.received_at < start else _received_column(record, offerings)] += 1
        verdict = standing(record, end, now)
        if record.ended_at is not None and record.ended_at < end:
            row[_RESOLVED.get(verdict, "resolved_on_time")] += 1
        else:
            row["pending_overdue" if verdict is Timeliness.OVERDUE else "pending_within"] += 1
    body = sorted(rows.values(), key=lambda r: r["field"])
    for row in body:
        row["received_total"] = sum(row[k] for k in _RECEIVED)
        row["total"] = row["carried_over"] + row["received_total"]
        row["resolved_total"] = row["resolved_early"] + row["resolved_on_time"] + row["resolved_late"]
        row["pending_total"] = row["pending_within"] + row["pending_overdue"]
    totals = {k: sum(r[k] for r in body) for k in COLUMN_KEYS}
    _kind, name, level = FORMS[form]
    return {
        "report": "periodic",
        "version": REPORT_VERSION,
        "form": form,
        "form_name": name,
        "title": TITLE,
        "level": level,
        "generated_at": iso(now),
        "unit": {
            "scope": scope.key,
            "kind": scope.kind,
            "label": scope.label,
            "with_predecessors": scope.with_predecessors,
        },
        "period": {
            "key": period.key,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "columns": [{"key": k, "label": label} for k, label in COLUMNS],
        "rows": body,
        "totals": totals,
    }
