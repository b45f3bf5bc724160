"""Vietnamese number and date forms for the printed and spreadsheet reports, fixed (not the UI
locale): 1.234.567 and 66,67; dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .common import LOCAL_TZ

XLSX_INTEGER = "#,##0"  # shown with the reader's separators; Vietnamese Excel shows 1.234.567
XLSX_PERCENT = "#,##0.00"


def vn_number(value: int | str | Decimal | None, places: int = 0) -> str:
    """1234567 → 1.234.567; Decimal("66.6667"), 2 → 66,67; None → —."""
    if value is None:
        return "—"
    number = Decimal(value)
    text = f"{number:,.{places}f}"  # 1,234,567.89
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_rate(value: str | None) -> str:
    return "—" if value is None else f"{vn_number(value, 2)} %"


def vn_day(value: str | dt.date | None) -> str:
    """An ISO date or moment (as the JSON report holds them) as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = value.astimezone(LOCAL_TZ).date()
    return value.strftime("%d/%m/%Y")
