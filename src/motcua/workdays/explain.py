"""The derivation of a due date, in Vietnamese, as an officer would write it on the receipt:

Tiếp nhận 10:15 thứ Sáu 24/01/2025 → ngày làm việc thứ nhất: thứ Hai 03/02/2025 (nghỉ Tết
25/01–02/02) → 5 ngày làm việc → hẹn trả 17:00 thứ Sáu 07/02/2025"""

from __future__ import annotations

import datetime as dt

from .calendar import Calendar, add_months
from .hours import time_of
from .rules import Counting, Term, Unit

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
ARROW = " → "


def weekday_date(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}"


def instant(when: dt.datetime) -> str:
    return f"{when:%H:%M} {weekday_date(when.date())}"


def _label(reason: str) -> str:
    if reason == "nghỉ cuối tuần":
        return "cuối tuần"
    if ("Tết" in reason and "Dương lịch" not in reason) or "Giao thừa" in reason:
        return "Tết"
    if reason.startswith("Ngày nghỉ (thay cho ngày "):
        worked = reason.removeprefix("Ngày nghỉ (thay cho ngày ").rstrip(")")
        return f"nghỉ bù cho ngày làm việc {worked}"
    return reason


def _stretches(calendar: Calendar, start: dt.date, end: dt.date) -> list[str]:
    """Describe each run of consecutive days off in [start, end]."""
    runs: list[list[dt.date]] = []
    for day in calendar.days_off(start, end):
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        labels = list(dict.fromkeys(_label(calendar.reason(d)) for d in run))
        if len(labels) > 1 and "cuối tuần" in labels:
            labels.remove("cuối tuần")
        span = f"{run[0]:%d/%m}" if len(run) == 1 else f"{run[0]:%d/%m}–{run[-1]:%d/%m}"
        parts.append(f"nghỉ {labels[0]} {span}" if len(labels) == 1 else f"nghỉ {span}: {', '.join(labels)}")
    for day in calendar.worked_weekend_days(start, end):
        parts.append(f"{WEEKDAYS[day.weekday()]} {day:%d/%m} làm việc: {calendar.reason(day)}")
    return parts


def _paren(parts: list[str]) -> str:
    return f" ({'; '.join(parts)})" if parts else ""


def explain(received: dt.datetime, term: Term, calendar: Calendar) -> str:
    received = calendar.local(received)
    due = calendar.due(received, term)
    day = received.date()
    steps = [f"Tiếp nhận {instant(received)}"]
    if not calendar.is_working_day(day):
        steps[0] += f" (ngày nghỉ: {_label(calendar.reason(day))})"

    if term.unit is Unit.WORKING_HOURS:
        detail = [f"giờ làm việc {calendar.hours_on(day)}", *_stretches(calendar, day, due.date())]
        steps.append(f"{term}{_paren(detail)}")
    else:
        rule = calendar.rule_at(day)
        late = calendar.is_working_day(day) and calendar.is_late(received, cutoff=term.cutoff)
        if late:
            seconds = received.hour * 3600 + received.minute * 60
            if term.cutoff and seconds > rule.cutoff_seconds:
                why = f"sau {rule.cutoff:%H:%M}"
            else:
                why = f"sau giờ làm việc ({time_of(calendar.hours_on(day).closes):%H:%M})"
            start = calendar.next_working_day(day)
            if term.cutoff or term.amount == 0 or rule.counting is Counting.RECEIPT_DAY:
                steps.append(f"{why}: tính như tiếp nhận {weekday_date(start)}")
        if term.unit is Unit.WORKING_DAYS:
            steps.extend(_working_days_steps(calendar, received, term, due))
        else:
            start_day = calendar.next_working_day(day) if term.cutoff and late else day
            if term.amount == 0:
                steps.append("trả trong ngày")
            else:
                if term.unit is Unit.CALENDAR_DAYS:
                    last = start_day + dt.timedelta(days=term.amount)
                    steps.append(f"{term} (không tính ngày tiếp nhận)")
                else:
                    last = add_months(start_day, term.amount)
                    steps.append(str(term))
                if calendar.is_working_day(last):
                    steps.append(f"ngày cuối: {weekday_date(last)}")
                else:
                    steps.append(
                        f"ngày cuối {weekday_date(last)} là ngày nghỉ ({calendar.reason(last)}): "
                        f"chuyển sang ngày làm việc tiếp theo {weekday_date(due.date())}"
                    )
    steps.append(f"hẹn trả {instant(due)}")
    return ARROW.join(steps)


def _working_days_steps(calendar: Calendar, received: dt.datetime, term: Term, due: dt.datetime) -> list[str]:
    day = received.date()
    receipt_counts = term.amount == 0 or calendar.rule_at(day).counting is Counting.RECEIPT_DAY
    first = calendar.day_one(received, cutoff=term.cutoff, receipt_day_counts=receipt_counts)
    gap_from = day if receipt_counts else day + dt.timedelta(days=1)
    gap = _stretches(calendar, gap_from, first - dt.timedelta(days=1)) if first > gap_from else []
    if term.amount == 0:
        return [f"trả trong ngày làm việc: {weekday_date(first)}{_paren(gap)}"]
    note = " (ngày tiếp nhận được tính)" if first == day else ""
    steps = [f"ngày làm việc thứ nhất: {weekday_date(first)}{note}{_paren(gap)}"]
    inside = _stretches(calendar, first, due.date()) if term.amount > 1 else []
    steps.append(f"{term}{_paren(inside)}")
    return steps
