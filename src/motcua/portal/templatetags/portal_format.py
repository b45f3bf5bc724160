"""Display helpers for public pages: money as 1.234.567 đ, durations with their legal unit."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from motcua.catalog.models import TimeUnit

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", ".") + " đ"


@register.filter
def plain_number(value: Decimal | None) -> str:
    """3.00 → '3', 0.50 → '0,5' (Vietnamese decimal comma, no trailing zeros)."""
    if value is None:
        return ""
    return format(value.normalize(), "f").replace(".", ",")


@register.simple_tag
def legal_time(procedure) -> str:
    if procedure.time_value is None:
        return procedure.time_text or _("Chưa cập nhật")
    number = plain_number(procedure.time_value)
    if not procedure.time_unit:
        return _("%(n)s (nguồn công bố không ghi đơn vị)") % {"n": number}
    return f"{number} {TimeUnit(procedure.time_unit).label}"
