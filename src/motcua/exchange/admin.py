from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from .dvcqg.reader import UnreadableFile
from .forms import SyncImportForm
from .importer import import_sync_file
from .models import CreatedByImport, ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "source_name",
        "source_system",
        "user",
        "added",
        "updated",
        "unchanged",
        "rejected",
    ]
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    change_list_template = "admin/exchange/importrun/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a run is made by importing, below

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="exchange_importrun_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("records.add_record"):
            return HttpResponseRedirect(reverse("admin:exchange_importrun_changelist"))
        form = SyncImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                summary = import_sync_file(
                    stream=upload,
                    source_name=upload.name,
                    create_missing=form.cleaned_data["create_missing"],
                    user=request.user,
                )
            except UnreadableFile as error:
                form.add_error("file", str(error))
            else:
                level = messages.WARNING if summary.rejected else messages.SUCCESS
                messages.add_message(
                    request,
                    level,
                    _("Thêm mới %(a)d, cập nhật %(u)d, không đổi %(s)d, bị từ chối %(r)d.")
                    % {
                        "a": summary.added,
                        "u": summary.updated,
                        "s": summary.unchanged,
                        "r": summary.rejected,
                    },
                )
                run = ImportRun.objects.order_by("-pk").first()
                target = reverse("admin:exchange_importrun_change", args=[run.pk]) if run else "."
                return HttpResponseRedirect(target)
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
