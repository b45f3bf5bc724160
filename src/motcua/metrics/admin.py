import datetime as dt

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import ruledata, services
from .forms import RuleSetImportForm
from .models import GroupRule, MetricRule, RuleSetVersion, Target
from .rules import to_rule_set

MAX_UPLOAD = 2 * 1024 * 1024


class GroupRuleInline(admin.TabularInline):
    model = GroupRule
    extra = 0


class MetricRuleInline(admin.StackedInline):
    model = MetricRule
    extra = 0
    fieldsets = [
        (None, {"fields": [("position", "code", "portal_code", "group"), "name_vi"]}),
        (_("Cách tính"), {"fields": [("max_points", "kind", "threshold", "on_zero", "ratio_rounding")]}),
        (None, {"fields": ["numerator_definition", "denominator_definition"]}),
        (_("Nguồn"), {"fields": [("scope", "confidence"), "source", "notes"]}),
    ]


@admin.register(RuleSetVersion)
class RuleSetVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "valid_from", "valid_to", "confidence", "check_result"]
    readonly_fields = ["check_result"]
    inlines = [GroupRuleInline, MetricRuleInline]
    change_list_template = "admin/metrics/rulesetversion/change_list.html"
    actions = ["copy_as_new_version"]

    @admin.action(description=_("Sao chép thành phiên bản mới (hiệu lực từ ngày mai, sửa sau)"))
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[RuleSetVersion]) -> None:
        # The no-code path for a change of the law: copy the rules in force, then edit the copy's
        # date and the metrics that changed. Older periods keep being judged by the original.
        for original in queryset:
            try:
                copy = services.rule_set_copy(
                    rule_set=to_rule_set(original), valid_from=timezone.localdate() + dt.timedelta(days=1)
                )
            except (ruledata.RuleDataError, ValueError) as error:
                self.message_user(request, f"{original.version}: {error}", messages.ERROR)
            else:
                self.message_user(request, _("Đã tạo %(v)s.") % {"v": copy.version}, messages.SUCCESS)

    @admin.display(description=_("kiểm tra"))
    def check_result(self, obj: RuleSetVersion) -> str:
        if obj.pk is None:
            return "—"
        try:
            to_rule_set(obj)
        except ruledata.RuleDataError as error:
            return str(error)
        return str(_("Hợp lệ"))

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="metrics_rulesetversion_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:metrics_rulesetversion_changelist"))
        form = RuleSetImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_UPLOAD:
                    raise ruledata.RuleDataError(_("Tệp quá lớn (tối đa 2 MB)."))
                rule_set = ruledata.load(upload.read().decode("utf-8"))
                version = services.rule_set_store(rule_set=rule_set, replace=form.cleaned_data["replace"])
            except UnicodeDecodeError:
                form.add_error("file", _("Tệp không phải văn bản UTF-8."))
            except (ruledata.RuleDataError, ValueError) as error:
                form.add_error("file", str(error))
            else:
                messages.success(request, _("Đã nhập bộ quy tắc %(v)s.") % {"v": version.version})
                return HttpResponseRedirect(reverse("admin:metrics_rulesetversion_change", args=[version.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Nhập bộ quy tắc chỉ số từ JSON"),
        }
        return TemplateResponse(request, "admin/metrics/rulesetversion/import.html", context)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["year", "unit", "agency", "online_filing_percent"]
    list_filter = ["year"]
    autocomplete_fields = ["unit", "agency"]
    search_fields = ["unit__name", "agency__name", "agency__code"]
