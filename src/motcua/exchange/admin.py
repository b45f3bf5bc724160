from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .connectors import registry
from .dvcqg.reader import UnreadableFile
from .forms import SyncImportForm
from .imports import NotRestartable, import_enqueue, import_restart
from .models import ConnectorConfig, CreatedByImport, Delivery, ImportRun
from .outbox import delivery_resend


@admin.action(
    description=_("Chạy lại (lượt nhập không thành công hoặc bị dừng giữa chừng)"), permissions=["import"]
)
def restart_imports(
    modeladmin: admin.ModelAdmin[ImportRun], request: HttpRequest, queryset: QuerySet[ImportRun]
) -> None:
    restarted = 0
    for run in queryset:
        try:
            import_restart(run=run)
        except NotRestartable as error:
            modeladmin.message_user(request, f"{run}: {error}", messages.WARNING)
        else:
            restarted += 1
    if restarted:
        modeladmin.message_user(request, _("Đã đưa %(n)d lượt nhập vào hàng chờ.") % {"n": restarted})


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin[ImportRun]):
    list_display = [
        "started_at",
        "source_name",
        "source_system",
        "user",
        "status_now",
        "added",
        "updated",
        "unchanged",
        "rejected",
    ]
    list_filter = ["status"]
    # The rejects as a table an officer reads (position, field, reason), not the stored JSON.
    readonly_fields = [
        "rejects_table" if f.name == "sample_rejects" else f.name for f in ImportRun._meta.fields
    ]
    exclude = ["sample_rejects"]
    change_list_template = "admin/exchange/importrun/change_list.html"
    actions = [restart_imports]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a run is made by importing, below

    @admin.display(description=_("tình trạng"), ordering="status")
    def status_now(self, run: ImportRun) -> str:
        return str(ImportRun.Status(run.current_status).label)

    @admin.display(description=ImportRun._meta.get_field("sample_rejects").verbose_name)
    def rejects_table(self, run: ImportRun) -> str:
        if not run.sample_rejects:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((r.get("position", ""), r.get("field") or "-", r.get("reason", "")) for r in run.sample_rejects),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Vị trí"),
            _("Trường"),
            _("Lý do"),
            rows,
        )

    def has_import_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("records.add_record"))  # type: ignore[union-attr]

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="exchange_importrun_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            return HttpResponseRedirect(reverse("admin:exchange_importrun_changelist"))
        form = SyncImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = import_enqueue(
                    stream=upload,
                    source_name=upload.name,
                    create_missing=form.cleaned_data["create_missing"],
                    user=request.user,  # type: ignore[arg-type]
                )
            except UnreadableFile as error:
                form.add_error("file", str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Đã đưa tệp vào hàng chờ nhập (lượt nhập số %(id)s). Tiến trình xử lý nền "
                        "(motcua worker) sẽ nhập; tải lại trang này để xem kết quả."
                    )
                    % {"id": run.pk},
                )
                return HttpResponseRedirect(reverse("admin:exchange_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Nhập hồ sơ đồng bộ DVCQG"),
        }
        return TemplateResponse(request, "admin/exchange/importrun/import.html", context)


@admin.register(CreatedByImport)
class CreatedByImportAdmin(admin.ModelAdmin):
    list_display = ["kind", "code", "name", "verified", "created_at"]
    list_filter = ["kind", "verified"]
    search_fields = ["code", "name"]
    readonly_fields = ["kind", "code", "name", "note", "run", "created_at"]


class ConnectorConfigForm(forms.ModelForm[ConnectorConfig]):
    plugin = forms.ChoiceField(label=_("plugin kết nối"), choices=registry.choices)

    class Meta:
        model = ConnectorConfig
        fields = [
            "name",
            "plugin",
            "enabled",
            "endpoint_url",
            "token",
            "field_codes",
            "procedure_codes",
            "timeout_seconds",
            "max_attempts",
        ]
        widgets = {"token": forms.PasswordInput(render_value=True)}


@admin.register(ConnectorConfig)
class ConnectorConfigAdmin(admin.ModelAdmin[ConnectorConfig]):
    form = ConnectorConfigForm
    list_display = ["name", "plugin", "enabled", "endpoint_url", "field_codes", "max_attempts"]
    list_filter = ["enabled", "plugin"]


@admin.action(description=_("Gửi lại (tính lại số lần gửi từ đầu)"))
def resend_deliveries(
    modeladmin: admin.ModelAdmin[Delivery], request: HttpRequest, queryset: QuerySet[Delivery]
) -> None:
    resent = sum(
        delivery_resend(delivery=d, actor=request.user)  # type: ignore[arg-type]
        for d in queryset.filter(status=Delivery.Status.FAILED)
    )
    modeladmin.message_user(request, _("Đã đưa %(n)d lượt gửi vào hàng chờ gửi lại.") % {"n": resent})


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = [
        "record",
        "connector",
        "status",
        "attempts",
        "next_attempt_at",
        "updated_at",
        "short_error",
    ]
    list_filter = ["status", "connector"]
    search_fields = ["record__code"]
    list_select_related = ["record", "connector"]
    actions = [resend_deliveries]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # deliveries come from record changes (the outbox)

    @admin.display(description=_("lỗi gần nhất"))
    def short_error(self, delivery: Delivery) -> str:
        return str(delivery.last_error)[:120]
