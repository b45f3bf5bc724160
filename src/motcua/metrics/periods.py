"""Evaluation periods of the index and the reports: calendar month, quarter, year, the reporting
month and year of NĐ 09/2019 (15th of the previous month to the 14th; 15/12 to 14/12) and any
range of days. Pure: no Django, no database — a period is two inclusive dates, a key for URLs and
a Vietnamese label."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_FIRST_YEAR, _LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    start: dt.date  # inclusive
    end: dt.date  # inclusive
    key: str
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _check_year(y: int) -> None:
    if not _FIRST_YEAR <= y <= _LAST_YEAR:
        raise ValueError(f"Năm {y} nằm ngoài khoảng {_FIRST_YEAR}–{_LAST_YEAR}.")


def _last_day(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def month(year: int, month: int) -> Period:
    _check_year(year)
    if not 1 <= month <= 12:
        raise ValueError(f"Tháng {month} không hợp lệ (1–12).")
    return Period(
        dt.date(year, month, 1), _last_day(year, month), f"{year}-{month:02d}", f"Tháng {month:02d}/{year}"
    )


def quarter(year: int, q: int) -> Period:
    _check_year(year)
    if q not in _ROMAN:
        raise ValueError(f"Quý {q} không hợp lệ (1–4).")
    first = 3 * (q - 1) + 1
    return Period(
        dt.date(year, first, 1), _last_day(year, first + 2), f"{year}-Q{q}", f"Quý {_ROMAN[q]}/{year}"
    )


def year(y: int) -> Period:
    _check_year(y)
    return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}", f"Năm {y}")


def report_month(year: int, month: int) -> Period:
    """NĐ 09/2019: the reporting month m runs from the 15th of month m−1 to the 14th of m."""
    _check_year(year)
    if not 1 <= month <= 12:
        raise ValueError(f"Tháng {month} không hợp lệ (1–12).")
    start = dt.date(year - 1, 12, 15) if month == 1 else dt.date(year, month - 1, 15)
    end = dt.date(year, month, 14)
    return Period(
        start,
        end,
        f"bc-{year}-{month:02d}",
        f"Kỳ báo cáo tháng {month:02d}/{year} ({_d(start)} – {_d(end)})",
    )


def report_year(y: int) -> Period:
    """NĐ 09/2019: the reporting year runs from 15/12 of the year before to 14/12."""
    _check_year(y)
    start, end = dt.date(y - 1, 12, 15), dt.date(y, 12, 14)
    return Period(start, end, f"bcn-{y}", f"Kỳ báo cáo năm {y} ({_d(start)} – {_d(end)})")


def between(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise ValueError(f"Ngày kết thúc {_d(end)} đứng trước ngày bắt đầu {_d(start)}.")
    _check_year(start.year)
    _check_year(end.year)
    return Period(start, end, f"{start.isoformat()}..{end.isoformat()}", f"{_d(start)} – {_d(end)}")


_PATTERNS: list[tuple[re.Pattern[str], object]] = [
    (re.compile(r"(\d{4})-(\d{2})"), lambda m: month(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})-Q(\d)"), lambda m: quarter(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})"), lambda m: year(int(m[1]))),
    (re.compile(r"bc-(\d{4})-(\d{2})"), lambda m: report_month(int(m[1]), int(m[2]))),
    (re.compile(r"bcn-(\d{4})"), lambda m: report_year(int(m[1]))),
    (
        re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})"),
        lambda m: between(dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])),
    ),
]


def parse(key: str) -> Period:
    """The period a key names; ValueError with a Vietnamese message on anything else."""
    text = (key or "").strip()
    for pattern, build in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            try:
                return build(found)  # type: ignore[operator]
            except ValueError as error:
                if str(error).startswith(("Tháng", "Quý", "Năm", "Ngày")):
                    raise
                raise ValueError(f"Kỳ «{text}» có ngày không hợp lệ.") from error
    raise ValueError(
        f"Không hiểu kỳ «{text}». Dùng 2026-03 (tháng), 2026-Q1 (quý), 2026 (năm), bc-2026-03 "
        f"(kỳ báo cáo tháng), bcn-2026 (kỳ báo cáo năm) hoặc 2026-03-01..2026-03-31."
    )


def months_of(period: Period) -> list[Period]:
    """The calendar months overlapping the period, oldest first (for trends)."""
    found = []
    y, m = period.start.year, period.start.month
    while (y, m) <= (period.end.year, period.end.month):
        found.append(month(y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return found
