from django.contrib import admin

from .models import ClockRuleSetting, DayOverride, WorkingHoursSetting


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "reason", "province", "source"]
    list_filter = ["kind", "province"]
    date_hierarchy = "day"
    search_fields = ["reason", "source"]


@admin.register(WorkingHoursSetting)
class WorkingHoursSettingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agency", "province", "valid_from", "valid_to"]
    list_filter = ["province"]
    raw_id_fields = ["agency"]


@admin.register(ClockRuleSetting)
class ClockRuleSettingAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "province", "counting", "cutoff", "source"]
    list_filter = ["province", "counting"]
