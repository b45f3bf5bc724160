"""How issued papers write dates, times and money: fixed Vietnamese forms, not the UI locale."""

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LOCAL_TZ) if moment.tzinfo else moment


def vn_date(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = local(day).date()
    return day.strftime("%d/%m/%Y")


def vn_datetime(moment: dt.datetime | None) -> str:
    """'14 giờ 30 phút, ngày 08/10/2026' — the way receipts write an appointment."""
    if moment is None:
        return ""
    moment = local(moment)
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, ngày {moment.strftime('%d/%m/%Y')}"


def vn_short_datetime(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    moment = local(moment)
    return moment.strftime("%H:%M %d/%m/%Y")


def money(amount: int | None) -> str:
    """Integer đồng as 1.234.567 đ."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,} đ".replace(",", ".")


def place_date_line(place: str, day: dt.date) -> str:
    """'Vạn Hưng, ngày 08 tháng 10 năm 2026': days below 10 and months below 3 take a leading zero
    (NĐ 30/2020/NĐ-CP, Phụ lục I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
