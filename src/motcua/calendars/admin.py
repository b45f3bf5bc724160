from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import ClockRuleSetting, DayOverride, WorkingHoursSetting
from .services import calendar_setting_delete, calendar_setting_save


class _ThroughServices(admin.ModelAdmin):
    """Saves and deletes go through calendars.services: the open deadlines a change moves are
    recomputed in the same transaction."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        calendar_setting_save(setting=obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        calendar_setting_delete(setting=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            calendar_setting_delete(setting=obj, actor=request.user)


@admin.register(DayOverride)
class DayOverrideAdmin(_ThroughServices):
    list_display = ["day", "kind", "reason", "province", "source"]
    list_filter = ["kind", "province"]
    date_hierarchy = "day"
    search_fields = ["reason", "source"]


@admin.register(WorkingHoursSetting)
class WorkingHoursSettingAdmin(_ThroughServices):
    list_display = ["__str__", "agency", "province", "valid_from", "valid_to"]
    list_filter = ["province"]
    raw_id_fields = ["agency"]


@admin.register(ClockRuleSetting)
class ClockRuleSettingAdmin(_ThroughServices):
    list_display = ["valid_from", "province", "counting", "cutoff", "source"]
    list_filter = ["province", "counting"]
