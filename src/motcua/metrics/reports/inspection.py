"""The inspection report (kiểm tra công tác cải cách hành chính) for a unit and a period: the
figures an inspection team cites (domain.md §8), each with its definition and the records behind it.

Counting semantics (docs/reports.md): a record is *received* in the period when its receipt moment
falls in it; *resolved* when its terminal moment (records.ended_at) does; *pending* when received
before the end and not ended by then. Early / on time / late and within / over deadline are
records.timeliness.classify — the one classification the record page and the index use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from motcua.metrics import counting
from motcua.metrics.periods import Period
from motcua.metrics.scopes import Scope
from motcua.metrics.targets import target_for
from motcua.records.models import Channel, Record
from motcua.records.rules import rules_at
from motcua.records.timeliness import Timeliness

from .common import (
    LOCAL_TZ,
    active_records,
    bounds,
    evidence_row,
    iso,
    late_reason,
    rate,
    rate_text,
    scope_agency,
    scope_unit,
    standing,
)

REPORT_VERSION = 1


def _figure(
    key: str,
    label: str,
    definition: str,
    count: int | None,
    base: int | None = None,
    *,
    evidence: Iterable[dict[str, Any]] | None = None,
    evidence_kind: str | None = None,
    limit: int | None = None,
    **extra: Any,
) -> tuple[str, dict[str, Any]]:
    rows = list(evidence) if evidence is not None else None
    figure: dict[str, Any] = {
        "label": label,
        "definition": definition,
        "count": count,
        "base": base,
        "rate": rate_text(rate(count, base)) if count is not None and base is not None else None,
        **extra,
        "evidence_kind": evidence_kind,
        "evidence_total": None if rows is None else len(rows),
        "evidence": None if rows is None else rows[:limit] if limit is not None else rows,
    }
    return key, figure


def _max_supplements(record: Record) -> int:
    return rules_at(
        (record.received_at or record.submitted_at).astimezone(LOCAL_TZ).date()
    ).max_supplement_requests


def _rows(records: Iterable[Record], reason: Callable[[Record], str]) -> list[dict[str, Any]]:
    return [evidence_row(r, reason(r)) for r in sorted(records, key=lambda r: (r.received_at, r.pk))]


def _index(scope: Scope, period: Period, now: dt.datetime) -> dict[str, Any]:
    result = counting.unit_index(scope, period, now=now)
    return {
        "rule_set": result.rule_set.version,
        "total": None if result.total is None else f"{result.total:.2f}",
        "max": f"{result.rule_set.max_points:.2f}",
        "groups": [
            {
                "id": g.group.id,
                "name": g.group.name_vi,
                "points": f"{g.points:.2f}",
                "max": f"{g.group.max_points:.2f}",
            }
            for g in result.groups
        ],
        "metrics": [
            {
                "code": s.metric.code,
                "group": s.metric.group,
                "name": s.metric.name_vi,
                "numerator": s.numerator,
                "denominator": s.denominator,
                "points": None if s.points is None else f"{s.points:.2f}",
                "max": f"{s.metric.max_points:.2f}",
                "formula": s.formula,
            }
            for s in result.metrics
        ],
    }


def inspection_report(
    *, scope: Scope, period: Period, now: dt.datetime | None = None, evidence_limit: int | None = None
) -> dict[str, Any]:
    now = now or timezone.now()
    start, end = bounds(period)
    active = list(active_records(scope, period).select_related("procedure").order_by("received_at", "pk"))
    received = [r for r in active if r.received_at >= start]
    resolved = [r for r in active if r.ended_at is not None and r.ended_at < end]
    pending = [r for r in active if r.ended_at is None or r.ended_at >= end]
    verdict = {r.pk: standing(r, end, now) for r in active}

    def having(records: list[Record], *kinds: Timeliness) -> list[Record]:
        return [r for r in records if verdict[r.pk] in kinds]

    def why(r: Record) -> str:
        return late_reason(r, verdict[r.pk], _max_supplements(r))

    early, on_time, late = (
        having(resolved, k) for k in (Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE)
    )
    within, overdue_open = having(pending, Timeliness.WITHIN), having(pending, Timeliness.OVERDUE)
    by_channel = {c: [r for r in received if r.channel == c] for c in Channel.values}
    finished = [r for r in resolved if r.finished_at is not None]
    fee_bearing = [r for r in received if r.fees_total_vnd > 0]
    paid_online = [r for r in fee_bearing if r.paid_online != "0"]
    agency = scope_agency(scope)
    unit = scope_unit(scope, period.end)
    target = target_for(
        unit_id=unit.pk if unit else None, agency_id=agency.pk if agency else None, day=period.end
    )
    online_rate = rate(len(by_channel[Channel.ONLINE]), len(received))
    lim = evidence_limit

    figures = dict(
        [
            _figure(
                "received",
                "Hồ sơ tiếp nhận trong kỳ",
                "Số hồ sơ có thời điểm tiếp nhận trong kỳ (không tính hồ sơ bị từ chối tiếp nhận).",
                len(received),
            ),
            _figure(
                "received_counter",
                "Tiếp nhận trực tiếp",
                "Hồ sơ tiếp nhận trong kỳ nộp trực tiếp tại bộ phận một cửa.",
                len(by_channel[Channel.COUNTER]),
                len(received),
            ),
            _figure(
                "received_post",
                "Tiếp nhận qua bưu chính công ích",
                "Hồ sơ tiếp nhận trong kỳ nộp qua dịch vụ bưu chính công ích.",
                len(by_channel[Channel.POST]),
                len(received),
            ),
            _figure(
                "resolved",
                "Hồ sơ đã giải quyết trong kỳ",
                "Số hồ sơ kết thúc trong kỳ (xử lý xong, trả kết quả, hoặc dừng, rút — mốc nào đến trước), kể cả hồ sơ tiếp nhận từ kỳ trước.",
                len(resolved),
            ),
            _figure(
                "resolved_early",
                "Giải quyết trước hạn",
                "Hồ sơ kết thúc trong kỳ vào ngày trước ngày hẹn trả; tỷ lệ trên số hồ sơ đã giải quyết.",
                len(early),
                len(resolved),
            ),
            _figure(
                "resolved_on_time",
                "Giải quyết đúng hạn",
                "Hồ sơ kết thúc trong ngày hẹn trả, không sau thời điểm hẹn; tỷ lệ trên số hồ sơ đã giải quyết.",
                len(on_time),
                len(resolved),
            ),
            _figure(
                "resolved_in_time",
                "Giải quyết trước hạn và đúng hạn",
                "Tổng hồ sơ trước hạn và đúng hạn; tỷ lệ trên số hồ sơ đã giải quyết.",
                len(early) + len(on_time),
                len(resolved),
            ),
            _figure(
                "resolved_late",
                "Giải quyết quá hạn",
                "Hồ sơ kết thúc sau thời điểm hẹn trả, hoặc bị yêu cầu bổ sung quá số lần cho phép; tỷ lệ trên số hồ sơ đã giải quyết.",
                len(late),
                len(resolved),
                evidence=_rows(late, why),
                evidence_kind="counted",
                limit=lim,
            ),
            _figure(
                "pending",
                "Hồ sơ đang giải quyết cuối kỳ",
                "Hồ sơ đã tiếp nhận chưa kết thúc tại thời điểm cuối kỳ (hoặc thời điểm lập báo cáo nếu kỳ chưa hết).",
                len(pending),
            ),
            _figure(
                "pending_within",
                "Đang giải quyết, trong hạn",
                "Hồ sơ đang giải quyết cuối kỳ chưa quá hạn (kể cả hồ sơ đang chờ người nộp bổ sung khi đồng hồ dừng).",
                len(within),
                len(pending),
            ),
            _figure(
                "pending_overdue",
                "Đang giải quyết, quá hạn",
                "Hồ sơ đang giải quyết cuối kỳ đã quá thời điểm hẹn trả.",
                len(overdue_open),
                len(pending),
                evidence=_rows(overdue_open, why),
                evidence_kind="counted",
                limit=lim,
            ),
            _figure(
                "overdue",
                "Danh sách hồ sơ quá hạn",
                "Hồ sơ giải quyết quá hạn trong kỳ cộng hồ sơ đang giải quyết đã quá hạn cuối kỳ.",
                len(late) + len(overdue_open),
                evidence=_rows(late + overdue_open, why),
                evidence_kind="counted",
                limit=lim,
            ),
            _figure(
                "digitized_records",
                "Tỷ lệ số hóa hồ sơ",
                "Hồ sơ tiếp nhận trong kỳ có thành phần hồ sơ được số hóa ÷ hồ sơ tiếp nhận trong kỳ. Chứng cứ: hồ sơ chưa số hóa.",
                sum(r.has_digitized_components for r in received),
                len(received),
                evidence=_rows(
                    [r for r in received if not r.has_digitized_components],
                    lambda r: "Chưa số hóa thành phần hồ sơ",
                ),
                evidence_kind="missing",
                limit=lim,
            ),
            _figure(
                "digitized_results",
                "Tỷ lệ số hóa kết quả",
                "Hồ sơ xử lý xong trong kỳ có kết quả điện tử ÷ hồ sơ xử lý xong trong kỳ. Chứng cứ: hồ sơ chưa có kết quả điện tử.",
                sum(r.has_e_result for r in finished),
                len(finished),
                evidence=_rows(
                    [r for r in finished if not r.has_e_result], lambda r: "Chưa có kết quả điện tử"
                ),
                evidence_kind="missing",
                limit=lim,
            ),
            _figure(
                "online_filings",
                "Hồ sơ trực tuyến",
                "Hồ sơ tiếp nhận trong kỳ nộp trực tuyến (Cổng DVCQG, VNeID, cổng của tỉnh, hoặc cán bộ nộp thay) ÷ hồ sơ tiếp nhận trong kỳ; so với chỉ tiêu giao cho đơn vị trong năm.",
                len(by_channel[Channel.ONLINE]),
                len(received),
                target_rate=None if target is None else f"{target.online_filing_percent:.2f}",
                target_source=None if target is None else (target.source or str(target)),
                meets_target=None
                if target is None or online_rate is None
                else online_rate >= target.online_filing_percent,
            ),
            _figure(
                "online_payments",
                "Thanh toán trực tuyến",
                "Hồ sơ có phí, lệ phí tiếp nhận trong kỳ được thanh toán trực tuyến (Cổng DVCQG hoặc cổng thanh toán của tỉnh) ÷ hồ sơ có phí, lệ phí; số tiền là tổng phí, lệ phí của các hồ sơ đó. Chứng cứ: hồ sơ có phí chưa thanh toán trực tuyến.",
                len(paid_online),
                len(fee_bearing),
                amount_vnd=sum(r.fees_total_vnd for r in paid_online),
                evidence=_rows(
                    [r for r in fee_bearing if r.paid_online == "0"],
                    lambda r: f"Phí {r.fees_total_vnd:,} đ chưa thanh toán trực tuyến".replace(",", "."),
                ),
                evidence_kind="missing",
                limit=lim,
            ),
            _figure(
                "certified_e_copies",
                "Chứng thực bản sao điện tử từ bản chính",
                "Số bản sao điện tử được chứng thực từ bản chính trong kỳ.",
                None,
                note="Chưa có dữ liệu: motcua chưa ghi nhận việc chứng thực bản sao điện tử.",
            ),
            _figure(
                "reused_data",
                "Tái sử dụng dữ liệu số hóa",
                "Hồ sơ tiếp nhận trong kỳ có sử dụng lại dữ liệu, giấy tờ đã số hóa ÷ hồ sơ tiếp nhận trong kỳ. Chứng cứ: hồ sơ không tái sử dụng.",
                sum(r.reused_data for r in received),
                len(received),
                evidence=_rows(
                    [r for r in received if not r.reused_data], lambda r: "Không tái sử dụng dữ liệu số hóa"
                ),
                evidence_kind="missing",
                limit=lim,
            ),
        ]
    )
    return {
        "report": "inspection",
        "version": REPORT_VERSION,
        "generated_at": iso(now),
        "unit": {
            "scope": scope.key,
            "kind": scope.kind,
            "label": scope.label,
            "agency_code": agency.code if agency else None,
            "with_predecessors": scope.with_predecessors,
        },
        "period": {
            "key": period.key,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "figures": figures,
        "index": _index(scope, period, now),
    }
