"""Which procedures a unit's agencies offer, read and changed within the caller's scope.

The scope of an offering is its agency's unit. Pages and the API call these and nothing else,
so the "another commune's offering does not exist for you" rule lives in one place.
"""

import datetime as dt
import hashlib

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.accounts.permissions import Permission
from motcua.accounts.scope import can, filter_by_scope

from .models import Offering, OnlineLevel


class OfferingChanged(Exception):
    """The offering changed since the caller read it (a stale form or If-Match)."""


def offering_version(offering: Offering) -> str:
    """A short fingerprint of what a caller may change; sent back to detect a stale edit."""
    state = f"{offering.online_level}|{offering.valid_from}|{offering.valid_to}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def offerings_visible(*, user: User, permission: Permission = Permission.READ) -> QuerySet[Offering]:
    """Scope first: the offerings of agencies in the user's units."""
    offerings = Offering.objects.select_related("procedure", "agency", "agency__unit")
    return filter_by_scope(offerings, user, permission, unit_field="agency__unit").order_by(
        "agency__unit__name", "agency__name", "procedure__code", "pk"
    )


def offerings_of_unit(*, user: User, unit_id: int, at: dt.date | None = None) -> QuerySet[Offering]:
    offerings = offerings_visible(user=user).filter(agency__unit_id=unit_id)
    return offerings.valid_at(at) if at else offerings


def offering_set_online_level(
    *, offering: Offering, online_level: str, actor: User, expected_version: str | None = None
) -> Offering:
    """Change the online level at which an agency offers a procedure.

    Toàn trình is refused for a procedure the catalogue does not mark eligible for it.
    """
    with transaction.atomic():
        offering = (
            Offering.objects.select_for_update()
            .select_related("procedure", "agency__unit")
            .get(pk=offering.pk)
        )
        if not can(actor, Permission.CHANGE_SETTINGS, offering.agency.unit):
            raise PermissionDenied(_("Bạn không có quyền thay đổi thủ tục của đơn vị này."))
        if expected_version is not None and expected_version != offering_version(offering):
            raise OfferingChanged(
                _("Thủ tục này vừa được người khác thay đổi. Vui lòng tải lại trang và thử lại.")
            )
        if online_level not in OnlineLevel.values:
            raise ValidationError({"online_level": _("Mức dịch vụ trực tuyến không hợp lệ.")})
        if online_level == OnlineLevel.FULL and not offering.procedure.full_online_eligible:
            raise ValidationError(
                {"online_level": _("Thủ tục này chưa đủ điều kiện cung cấp trực tuyến toàn trình.")}
            )
        if online_level == offering.online_level:
            return offering
        before = offering.get_online_level_display()
        offering.online_level = online_level
        offering.save(update_fields=["online_level"])
        LogEntry.objects.log_actions(
            actor.pk,
            [offering],
            CHANGE,
            _("Mức dịch vụ trực tuyến: %(before)s → %(after)s")
            % {"before": before, "after": offering.get_online_level_display()},
            single_object=True,
        )
    return offering
