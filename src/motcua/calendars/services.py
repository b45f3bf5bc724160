"""Writes on the stored calendar settings (days off / worked days, working hours, clock rules).

Each write is one transaction: the setting, then whatever depends on the calendar it changes —
`calendars.hooks` callbacks, e.g. the open online-intake deadlines of the centres it covers
(records/online_intake.py). The admin saves through these functions, so a setting and the
deadlines it moves commit together or not at all."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from .hooks import CalendarChange, run_on_change
from .models import ClockRuleSetting, DayOverride, WorkingHoursSetting

Setting = DayOverride | WorkingHoursSetting | ClockRuleSetting


def calendar_setting_save(*, setting: Setting, actor: models.Model | None = None) -> Setting:
    """Add or change a setting (validated: a bad one raises ValidationError, nothing written).
    A setting moved to another centre or province changes both calendars."""
    with transaction.atomic():
        before = None
        if setting.pk is not None:
            before = type(setting).objects.select_for_update().filter(pk=setting.pk).first()
        setting.full_clean()
        setting.save()
        verb = _("sửa") if before is not None else _("thêm")
        changes = {_change(setting, verb, actor)}
        if before is not None:
            changes.add(_change(before, verb, actor))
        for change in _distinct_scopes(changes):
            run_on_change(change)
    return setting


def calendar_setting_delete(*, setting: Setting, actor: models.Model | None = None) -> None:
    with transaction.atomic():
        change = _change(setting, _("xoá"), actor)
        setting.delete()
        run_on_change(change)


def _change(setting: Setting, verb: str, actor: models.Model | None) -> CalendarChange:
    agency_id = setting.agency_id if isinstance(setting, WorkingHoursSetting) else None
    return CalendarChange(
        description=f"{verb} {setting._meta.verbose_name} {setting}",
        province_id=None if agency_id is not None else setting.province_id,
        agency_id=agency_id,
        actor_id=getattr(actor, "pk", None),
        # A day off or worked day changes that day only; hours and counting rules, any day.
        days=frozenset({setting.day}) if isinstance(setting, DayOverride) else None,
    )


def _distinct_scopes(changes: set[CalendarChange]) -> list[CalendarChange]:
    """One change per scope; an edit that moved a day within a scope changed both days."""
    by_scope: dict[tuple[Any, Any], CalendarChange] = {}
    for change in sorted(changes, key=lambda c: c.description):
        key = (change.province_id, change.agency_id)
        first = by_scope.setdefault(key, change)
        if first is not change:
            days = None if first.days is None or change.days is None else first.days | change.days
            by_scope[key] = dataclasses.replace(first, days=days)
    return list(by_scope.values())
