from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .models import Component, Fee, Field, Offering, Procedure, ProcessStep
from .rules import process_budget_problem
from .services import procedure_save


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class ProcessStepFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        budgets: list[Decimal] = [
            form.cleaned_data["budget"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("budget") is not None
        ]
        # The parent form has already been applied to self.instance when inlines are validated.
        if problem := process_budget_problem(clock_value=self.instance.clock_value, budgets=budgets):
            raise ValidationError(problem)


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    formset = ProcessStepFormSet
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "field",
        "clock_value",
        "clock_unit",
        "online_level",
        "confidence",
        "is_active",
    ]
    list_filter = ["field", "online_level", "confidence", "is_active", "same_day_cutoff"]
    search_fields = ["code", "name", "search_text"]
    inlines = [ComponentInline, FeeInline, ProcessStepInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "local_code_suffix",
                    "name",
                    "field",
                    "levels",
                    "competent_agency",
                    "subjects",
                ]
            },
        ),
        (_("Trình tự, cách thức"), {"fields": ["steps_text", "how_to_apply", "dossier_sets"]}),
        (
            _("Thời hạn"),
            {
                "fields": [
                    "time_value",
                    "time_unit",
                    "time_text",
                    "time_by_channel",
                    "clock_value",
                    "clock_unit",
                    "clock_assumed",
                    "same_day_cutoff",
                ]
            },
        ),
        (
            _("Kết quả, trực tuyến"),
            {"fields": ["result", "produces_document", "online_level", "full_online_eligible"]},
        ),
        (
            _("Pháp lý, công bố"),
            {"fields": ["legal_basis", "publication_number", "publication_date", "made_public_on"]},
        ),
        (_("Nguồn dữ liệu"), {"fields": ["source", "confidence", "notes", "is_active"]}),
    ]

    def save_model(self, request, obj, form, change):
        procedure_save(procedure=obj)


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["procedure", "agency", "online_level", "valid_from", "valid_to"]
    list_filter = ["online_level"]
    search_fields = ["procedure__code", "procedure__search_text", "agency__name", "agency__code"]
    autocomplete_fields = ["procedure"]
    raw_id_fields = ["agency"]
