"""What both reports share: the records of a unit, the period's bounds, a record's standing at the
end of the period (THE classification of records.timeliness), rates and evidence rows."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from motcua.metrics.periods import Period
from motcua.metrics.scopes import Scope, members
from motcua.records.models import Record
from motcua.records.rules import rules_at
from motcua.records.timeliness import Timeliness, classify
from motcua.units.models import AdministrativeUnit, Agency, UnitLevel

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RECORD_PAGE = "/can-bo/ho-so/{id}/"  # the staff record page (workspace), linked from evidence


def bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) as aware moments: from the first day's midnight to the midnight after the last."""
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=LOCAL_TZ)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
    return start, end


def scope_agency(scope: Scope) -> Agency | None:
    if scope.kind != "agency":
        return None
    return Agency.objects.select_related("unit").filter(code=scope.code).first()


def scope_unit(scope: Scope, on: dt.date) -> AdministrativeUnit | None:
    """The administrative unit the scope names (for an agency: the agency's unit), for targets."""
    found = members(scope, on)
    if scope.kind == "agency":
        return AdministrativeUnit.objects.filter(pk=found.unit_ids[0]).first()
    level = UnitLevel.COMMUNE if scope.kind == "commune" else UnitLevel.PROVINCE
    units = AdministrativeUnit.objects.filter(pk__in=found.unit_ids, code=scope.code, level=level)
    return units.valid_at(on).first() or units.order_by("-valid_from").first()


def scope_records(scope: Scope, on: dt.date) -> QuerySet[Record]:
    """The records the unit answers for, as the index counts them (metrics.scopes.members): an
    agency's own records as competent agency; a commune's or a province's by unit."""
    found = members(scope, on)
    if found.agency_id is not None:
        return Record.objects.filter(agency_id=found.agency_id)
    return Record.objects.filter(unit_id__in=found.unit_ids)


def active_records(scope: Scope, period: Period) -> QuerySet[Record]:
    """The scope's records open at some moment of the period: received before its end and not
    ended before its start (both reports read their figures from these)."""
    start, end = bounds(period)
    return (
        scope_records(scope, period.end)
        .filter(received_at__isnull=False, received_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start))
    )


def received_by(records: QuerySet[Record], moment: dt.datetime) -> QuerySet[Record]:
    """Records received before `moment` (a dossier refused at intake was never received)."""
    return records.filter(received_at__isnull=False, received_at__lt=moment)


def standing(record: Record, moment: dt.datetime, now: dt.datetime) -> Timeliness:
    """The record as it stood at `moment` (the end of a period): finished records by their own
    verdict; records still open then judged at min(moment, now), as if nothing after happened."""
    rules = rules_at(record.received_at.astimezone(LOCAL_TZ).date() if record.received_at else moment.date())
    ended = record.ended_at if record.ended_at is not None and record.ended_at < moment else None
    at = min(moment, now)
    paused = record.clock_paused_at is not None and record.clock_paused_at <= at and ended is None
    return classify(
        due_at=record.due_at,
        ended_at=ended,
        now=at,
        paused=paused,
        supplement_requests=record.supplement_count,
        max_supplement_requests=rules.max_supplement_requests,
    )


def rate(part: int, whole: int) -> Decimal | None:
    """part ÷ whole in percent, half-up to 2 places; None when there is nothing to divide by."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rate_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(LOCAL_TZ).isoformat()


def vn_moment(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")


def late_reason(record: Record, timeliness: Timeliness, max_supplements: int) -> str:
    if record.supplement_count > max_supplements:
        return f"Yêu cầu bổ sung {record.supplement_count} lần (quá {max_supplements} lần: tính trễ hạn)"
    if timeliness is Timeliness.LATE and record.ended_at and record.due_at:
        days = (record.ended_at.astimezone(LOCAL_TZ).date() - record.due_at.astimezone(LOCAL_TZ).date()).days
        late = f"{days} ngày" if days > 0 else "trong ngày hạn, sau giờ hạn"
        return f"Kết thúc {vn_moment(record.ended_at)}, sau hạn {vn_moment(record.due_at)} ({late})"
    if timeliness is Timeliness.OVERDUE and record.due_at:
        return f"Chưa kết thúc, đã quá hạn {vn_moment(record.due_at)}"
    return timeliness.label


def evidence_row(record: Record, reason: str) -> dict[str, Any]:
    return {
        "id": record.pk,
        "code": record.code,
        "procedure": f"{record.procedure.code} — {record.procedure.name}",
        "received_at": iso(record.received_at),
        "due_at": iso(record.due_at),
        "ended_at": iso(record.ended_at),
        "reason": reason,
        "url": RECORD_PAGE.format(id=record.pk),
    }
