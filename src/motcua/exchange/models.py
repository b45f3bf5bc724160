"""What each import did, and what it had to create because motcua did not know it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One import of a sync file (command line, API or admin) and its summary."""

    source_name = models.CharField(_("tệp / nguồn"), max_length=255)
    source_system = models.CharField(_("hệ thống nguồn"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    added = models.PositiveIntegerField(_("thêm mới"), default=0)
    updated = models.PositiveIntegerField(_("cập nhật"), default=0)
    unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    rejected = models.PositiveIntegerField(_("bị từ chối"), default=0)
    # {field name: how many records carried it}: fields the spec does not name, kept in Record.extra.
    unknown_fields = models.JSONField(_("trường không có trong đặc tả"), default=dict, blank=True)
    # The first rejects (position, field, reason), for the admin page; the full list goes to a file.
    sample_rejects = models.JSONField(_("một số hồ sơ bị từ chối"), default=list, blank=True)

    class Meta:
        verbose_name = _("lượt nhập hồ sơ đồng bộ")
        verbose_name_plural = _("lượt nhập hồ sơ đồng bộ")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.started_at:%d/%m/%Y %H:%M})"


class CreatedByImport(models.Model):
    """A procedure or an agency an import created with --create-missing: imported, unverified.

    Agencies have no note field of their own; this row is their note (procedures also get
    `confidence = unchecked` and a note in the catalogue)."""

    class Kind(models.TextChoices):
        PROCEDURE = "procedure", _("Thủ tục")
        AGENCY = "agency", _("Cơ quan")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("mã"), max_length=60)
    name = models.CharField(_("tên"), max_length=500, blank=True)
    note = models.TextField(_("ghi chú"))
    run = models.ForeignKey(ImportRun, null=True, on_delete=models.SET_NULL, related_name="created")
    created_at = models.DateTimeField(auto_now_add=True)
    verified = models.BooleanField(_("đã xác minh"), default=False)

    class Meta:
        verbose_name = _("mục tạo khi nhập (chưa xác minh)")
        verbose_name_plural = _("mục tạo khi nhập (chưa xác minh)")
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="created_by_import_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"
