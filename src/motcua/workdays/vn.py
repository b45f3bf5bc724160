"""Vietnam's national days off from the `holidays` package: Tết, Giỗ Tổ, 30/4, 1/5, Quốc khánh and
the yearly swaps the government announces (a bridge day off, a Saturday worked)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import version

import holidays

from .calendar import Override

_SWAP = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")


def national_days(years: Iterable[int]) -> tuple[dict[dt.date, str], list[Override]]:
    """(days off with their Vietnamese names, worked weekend days) for the given years."""
    days_off, worked = _national_days(tuple(sorted(set(years))))
    return dict(days_off), list(worked)


@lru_cache(maxsize=8)  # the package takes ~0.7 s for twenty years; its data only changes on upgrade
def _national_days(years: tuple[int, ...]) -> tuple[dict[dt.date, str], tuple[Override, ...]]:
    vn = holidays.country_holidays("VN", years=years, language="vi")
    days_off: dict[dt.date, str] = {day: str(name) for day, name in vn.items()}
    swapped_for: dict[dt.date, dt.date] = {}
    for day, name in days_off.items():
        for d, m, y in _SWAP.findall(name):
            swapped_for[dt.date(int(y), int(m), int(d))] = day
    worked = tuple(
        Override(
            day=day,
            working=True,
            reason=f"làm bù cho ngày nghỉ {swapped_for[day]:%d/%m/%Y}" if day in swapped_for else "làm bù",
        )
        for day in sorted(vn.weekend_workdays)
    )
    return days_off, worked


def holidays_version() -> str:
    return version("holidays")
