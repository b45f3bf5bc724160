"""Checks on a procedure's data that every entry path (import, admin) must apply alike."""

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _


def process_budget_problem(*, clock_value: Decimal | None, budgets: Iterable[Decimal]) -> str | None:
    """The internal steps must use exactly the legal time: no more (late by design), no less
    (the law's time would silently shrink). None when the process is consistent."""
    budgets = list(budgets)
    if not budgets:
        return None
    if clock_value is None:
        return _("Có quy trình nội bộ nhưng thủ tục chưa có thời hạn dùng để tính hạn.")
    total = sum(budgets, Decimal(0))
    if total != clock_value:
        return _("Tổng thời gian các bước (%(total)s) phải bằng thời hạn giải quyết (%(legal)s).") % {
            "total": _plain(total),
            "legal": _plain(clock_value),
        }
    return None


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")
