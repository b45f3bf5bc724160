"""The value formats of the sync record: local-time `yyyyMMddHHmmss`, "0"/"1" flags, status codes.

Parsers raise `BadValue` with a Vietnamese reason; the mapping adds the field and position."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATETIME_FORMAT = "%Y%m%d%H%M%S"


class BadValue(ValueError):
    pass


_OFFSET = dt.timedelta(hours=7)  # Asia/Ho_Chi_Minh has had no daylight saving since 1975
# A record's dates are administrative facts: a year outside this range is a typing or system
# error (2926 for 2026), and year 1 would not even convert to UTC.
FIRST_YEAR, LAST_YEAR = 1900, 2100
# Gia: at most 15 digits (under a million billion đồng), so that a record's total of fees fits
# the 64-bit column; the set-based import applies the same limit (sqlimport_sql).
MAX_AMOUNT_DIGITS = 15


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    offset = value.utcoffset()
    local = value if offset == _OFFSET else value - (offset or dt.timedelta(0)) + _OFFSET
    # An f-string is several times faster than strftime, and an export formats millions.
    return f"{local.year:04d}{local.month:02d}{local.day:02d}{local.hour:02d}{local.minute:02d}{local.second:02d}"


def parse_datetime(value: Any) -> dt.datetime | None:
    """'20260315143000' → 15/03/2026 14:30:00 in Asia/Ho_Chi_Minh; '' or None → None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadValue(f"“{_show(value)}” không đúng dạng yyyyMMddHHmmss (14 chữ số, giờ địa phương).")
    return _parse_datetime(value)


@functools.lru_cache(maxsize=8192)
def _parse_datetime(value: str) -> dt.datetime:
    # Cached: a record repeats its own times in its history, and an import parses millions.
    if len(value) != 14 or not value.isascii() or not value.isdigit():
        raise BadValue(f"“{_show(value)}” không đúng dạng yyyyMMddHHmmss (14 chữ số, giờ địa phương).")
    try:
        if value[8:10] > "23":  # fromisoformat would read 24:00 as the next day
            raise ValueError
        parsed = dt.datetime.fromisoformat(f"{value[:8]}T{value[8:]}").replace(tzinfo=LOCAL_TZ)
    except ValueError:
        raise BadValue(f"“{value}” không phải một thời điểm có thật.") from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise BadValue(f"“{value}”: năm {parsed.year} nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR}.")
    return parsed


def parse_flag(value: Any) -> bool:
    """'1' → True; '0', '' or missing → False; anything else is an error, not a guess."""
    if value is None or value == "" or value == "0":
        return False
    if value == "1":
        return True
    raise BadValue(f'“{_show(value)}” không phải cờ hợp lệ (chỉ nhận "0" hoặc "1").')


def parse_code(value: Any, allowed: frozenset[str], *, default: str | None = None) -> str:
    """A code field; numbers are accepted as their decimal string (some systems send 2, not "2")."""
    if (value is None or value == "") and default is not None:
        return default
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or text not in allowed:
        raise BadValue(f"“{_show(value)}” không thuộc các mã {', '.join(sorted(allowed, key=_code_key))}.")
    return text


def parse_amount(value: Any) -> int:
    """Gia: amount in đồng as a string of digits."""
    if value is None or value == "":
        return 0
    digits = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not (isinstance(digits, str) and digits.strip().isascii() and digits.strip().isdigit()):
        raise BadValue(f"“{_show(value)}” không phải số tiền (đồng, chỉ gồm chữ số).")
    if len(digits.strip().lstrip("0")) > MAX_AMOUNT_DIGITS:
        raise BadValue(f"“{_show(value)}” quá lớn: số tiền có tối đa {MAX_AMOUNT_DIGITS} chữ số.")
    return int(digits.strip())


def text(value: Any, *, max_length: int | None = None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        else:
            raise BadValue("phải là chuỗi ký tự.")
    if max_length is not None and len(value) > max_length:
        raise BadValue(f"dài {len(value)} ký tự; tối đa {max_length}.")
    return value


def _code_key(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (10**6, code)


def _show(value: Any) -> str:
    shown = str(value)
    return shown if len(shown) <= 40 else shown[:40] + "…"
