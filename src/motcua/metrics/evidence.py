"""The records (or procedures) behind each lost point: exactly the denominator's members that are
not in the numerator, counted with the same semantics as metrics.counting — so that
len(evidence) == denominator − numerator. Timeliness reasons come from
records.timeliness.classify, the one classification."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from motcua.catalog.models import Fee, OnlineLevel, Procedure
from motcua.records.clock import calendar_of
from motcua.records.models import Record
from motcua.records.rules import RULE_SETS
from motcua.records.timeliness import Timeliness, classify
from motcua.workdays import Calendar

from . import facts
from .counting import (
    RECORD_METRICS,
    _seven_parts,
    offered_procedures,
    period_records,
    procedures_with_records,
)
from .periods import Period
from .scopes import Members, Scope, members
from .window import Window, window


@dataclass(frozen=True)
class EvidenceRow:
    record_id: int | None  # None for a procedure row
    code: str  # the record code, or the procedure code
    procedure: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    ended_at: dt.datetime | None  # as of the judging moment: None while open then
    reason: str


_MAX_SUPPLEMENTS = {rules.code: rules.max_supplement_requests for rules in RULE_SETS}

# Why a record misses each record metric's numerator (the timeliness one is computed per record).
_REASONS = {
    "online": "Không nộp trực tuyến",
    "paid_online": "Có phí, lệ phí nhưng không thanh toán trực tuyến",
    "e_result": "Chưa có kết quả điện tử",
    "digitized": "Chưa số hóa thành phần hồ sơ hoặc kết quả",
    "reused": "Không tái sử dụng dữ liệu đã số hóa",
    "population_db": "Không khai thác Cơ sở dữ liệu quốc gia về dân cư",
    "portal_synced": "Chưa đồng bộ lên Cổng Dịch vụ công quốc gia",
    "data_store": "Không liên kết kho dữ liệu cá nhân trên Cổng Dịch vụ công quốc gia",
}


def _late_reason(record: Record, win: Window, calendars: dict[int, Calendar]) -> str:
    ended = record.ended_at if record.ended_at is not None and record.ended_at <= win.at else None
    allowed = _MAX_SUPPLEMENTS.get(record.rule_set, 1)
    verdict = classify(
        due_at=record.due_at,
        ended_at=ended,
        now=win.at,
        paused=record.clock_paused_at is not None and record.clock_paused_at <= win.at,
        supplement_requests=record.supplement_count,
        max_supplement_requests=allowed,
    )
    if record.supplement_count > allowed:
        return f"Quá {allowed} lần yêu cầu bổ sung ({record.supplement_count} lần)"
    lateness = _lateness(record, ended or win.at, calendars)
    if verdict is Timeliness.LATE:
        return f"Trễ hạn {lateness}"
    return f"Quá hạn {lateness}, chưa giải quyết xong"


def _lateness(record: Record, end: dt.datetime, calendars: dict[int, Calendar]) -> str:
    """Working days after the due day up to the end; on the due day itself, the hours and minutes
    past the due time (7 minutes late is not "1 working day")."""
    if record.due_at is None:
        return "0 ngày làm việc"
    if record.agency_id not in calendars:
        calendars[record.agency_id] = calendar_of(record.agency)
    calendar = calendars[record.agency_id]
    due_day, end_day = calendar.local(record.due_at).date(), calendar.local(end).date()
    if end_day != due_day:  # a weekend after the due day counts no working day, yet it is a day late
        return f"{max(calendar.working_days_between(due_day, end_day), 1)} ngày làm việc"
    minutes = max(int((end - record.due_at).total_seconds() // 60), 1)
    hours, minutes = divmod(minutes, 60)
    spent = f"{hours} giờ {minutes} phút" if hours else f"{minutes} phút"
    return f"{spent} (trong ngày hẹn trả)"


def _record_rows(who: Members, win: Window, metric: str, limit: int | None) -> list[EvidenceRow]:
    numerator, denominator = RECORD_METRICS[metric]
    judged = facts.conditions(win.at)
    missed = (
        facts.annotate(period_records(who, win))
        .filter(judged[denominator])
        .exclude(pk__in=facts.annotate(period_records(who, win)).filter(judged[numerator]).values("pk"))
        .select_related("procedure", "agency")
        .order_by("received_at", "pk")
    )
    if limit is not None:
        missed = missed[:limit]
    rows: list[EvidenceRow] = []
    calendars: dict[int, Calendar] = {}
    for record in missed:
        ended = record.ended_at if record.ended_at is not None and record.ended_at <= win.at else None
        reason = _late_reason(record, win, calendars) if numerator == "on_time" else _REASONS[numerator]
        rows.append(
            EvidenceRow(
                record.pk,
                record.code,
                record.procedure.name,
                record.received_at,
                record.due_at,
                ended,
                reason,
            )
        )
    return rows


def _procedure_rows(who: Members, period: Period, win: Window, metric: str) -> list[EvidenceRow]:
    offered = offered_procedures(who, win.day)
    ids = set(offered.values_list("procedure_id", flat=True))
    online = set(
        offered.filter(online_level__in=[OnlineLevel.FULL, OnlineLevel.PARTIAL]).values_list(
            "procedure_id", flat=True
        )
    )
    if metric == "ONLINE_SERVICE_PROVIDED":
        missed, reason = ids - online, "Chưa cung cấp dịch vụ công trực tuyến"
    elif metric == "ONLINE_SERVICE_USED":
        used = procedures_with_records(who, period, win)[1]
        missed, reason = online - used, "Có dịch vụ trực tuyến nhưng không có hồ sơ nộp trực tuyến trong kỳ"
    elif metric == "FEE_PROCEDURE_WITH_DOSSIER":
        fees = set(
            Fee.objects.filter(procedure_id__in=ids)
            .filter(Q(amount_vnd__isnull=True) | Q(amount_vnd__gt=0))
            .values_list("procedure_id", flat=True)
        )
        missed, reason = (
            fees - procedures_with_records(who, period, win)[0],
            "Không phát sinh hồ sơ trong kỳ",
        )
    elif metric == "PUBLIC_CONTENT_FULL":
        complete = set(
            Procedure.objects.filter(pk__in=ids).filter(_seven_parts()).values_list("pk", flat=True)
        )
        missed, reason = ids - complete, "Công khai chưa đủ bảy bộ phận"
    else:
        return []
    procedures = Procedure.objects.filter(pk__in=missed).order_by("code")
    return [EvidenceRow(None, p.code, p.name, None, None, None, reason) for p in procedures]


def metric_evidence(
    scope: Scope,
    period: Period,
    metric_code: str,
    *,
    now: dt.datetime | None = None,
    limit: int | None = None,
) -> list[EvidenceRow]:
    """What cost the scope points on the metric; empty for metrics without data."""
    win = window(period, now)
    who = members(scope, win.day)
    if metric_code in RECORD_METRICS:
        rows = _record_rows(who, win, metric_code, limit)
    else:
        rows = _procedure_rows(who, period, win, metric_code)
    return rows if limit is None else rows[:limit]
