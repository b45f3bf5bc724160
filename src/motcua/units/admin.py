"""Admin for units, successions and agencies: search by code or name (with or without
diacritics), filters by level and validity, successions edited inline on both sides."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from motcua.core.text import search_key
from motcua.units.models import AdministrativeUnit, Agency, Succession
from motcua.units.reforms import reform_2025


class FoldedNameSearchMixin:
    """Admin search also matches names typed without diacritics. SQLite has no unaccent, so the
    names are folded in Python; the tables are small (a province: a few hundred units)."""

    folded_search_field = "name"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        found, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        term = search_key(search_term)
        if not term or term != " ".join(search_term.lower().split()):
            return found, may_have_duplicates  # typed with diacritics: the exact search is right
        ids = [
            pk
            for pk, name in queryset.values_list("pk", self.folded_search_field)
            if term in search_key(name)
        ]
        return found | queryset.filter(pk__in=ids), may_have_duplicates


class ValidityFilter(admin.SimpleListFilter):
    title = _("hiệu lực")
    parameter_name = "hieu_luc"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        before = date_format(reform_2025().last_day_before, "SHORT_DATE_FORMAT")
        return [
            ("now", _("Đang có hiệu lực")),
            ("before", _("Có hiệu lực ngày %(date)s (trước sắp xếp)") % {"date": before}),
            ("ended", _("Đã hết hiệu lực")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        match self.value():
            case "now":
                return queryset.valid_at(today)  # type: ignore[attr-defined,no-any-return]
            case "before":
                return queryset.valid_at(reform_2025().last_day_before)  # type: ignore[attr-defined,no-any-return]
            case "ended":
                return queryset.filter(valid_to__lt=today)
        return queryset


class PredecessorInline(admin.TabularInline):
    model = Succession
    fk_name = "successor"
    extra = 0
    autocomplete_fields = ["predecessor"]
    verbose_name = _("đơn vị cũ được kế thừa")
    verbose_name_plural = _("kế thừa từ đơn vị cũ")


class SuccessorInline(admin.TabularInline):
    model = Succession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    verbose_name = _("đơn vị mới kế thừa")
    verbose_name_plural = _("được kế thừa bởi đơn vị mới")


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(FoldedNameSearchMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["level", ValidityFilter, "kind"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    ordering = ["level", "code", "valid_from"]
    inlines = [PredecessorInline, SuccessorInline]


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_on", "resolution", "partial"]
    list_filter = ["effective_on", "resolution", "partial", "successor__level"]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name"]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]
    date_hierarchy = "effective_on"


@admin.register(Agency)
class AgencyAdmin(FoldedNameSearchMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "valid_from", "valid_to"]
    list_filter = ["kind", ValidityFilter, "unit__level"]
    search_fields = ["code", "name", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    ordering = ["code"]
