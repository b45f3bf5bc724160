"""What each import did, and what it had to create because motcua did not know it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One import of a sync file (command line, API or admin) and its summary.

    An import started from a page or the API is queued (exchange/imports.py): its file is kept in
    storage under its SHA-256 and a worker takes the run pending → running → done or failed. A
    command-line run is written by the importer itself and stays "done"."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Xong")
        FAILED = "failed", _("Không thành công")

    source_name = models.CharField(_("tệp / nguồn"), max_length=255)
    source_system = models.CharField(_("hệ thống nguồn"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người nhập"),
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
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.DONE)
    create_missing = models.BooleanField(_("tạo thủ tục, cơ quan chưa có"), default=False)
    file_sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64, blank=True)
    file_size = models.BigIntegerField(_("dung lượng tệp (byte)"), null=True, blank=True)
    storage_name = models.CharField(_("tệp lưu trữ"), max_length=255, blank=True)
    # Each start (first run or restart) counts one; a worker only writes to the attempt it holds.
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    processed = models.PositiveIntegerField(_("số hồ sơ đã đọc"), default=0)
    # Written while the import reads: a running run whose heartbeat stopped lost its worker.
    heartbeat_at = models.DateTimeField(_("còn chạy lúc"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lượt nhập hồ sơ đồng bộ")
        verbose_name_plural = _("lượt nhập hồ sơ đồng bộ")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({timezone.localtime(self.started_at):%d/%m/%Y %H:%M})"

    @property
    def current_status(self) -> str:
        # A command-line run is written by the importer at its start, as "done": unfinished, it runs.
        if self.status == self.Status.DONE and self.finished_at is None:
            return self.Status.RUNNING
        return self.status


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


class ConnectorConfig(models.Model):
    """One system motcua delivers records to, through a connector plugin (exchange/connectors/).

    Disabled by default: a fresh install and the demo send nothing anywhere."""

    plugin = models.CharField(_("plugin kết nối"), max_length=40)
    name = models.CharField(_("tên"), max_length=200)
    endpoint_url = models.URLField(_("địa chỉ nhận (endpoint)"), max_length=500, blank=True)
    token = models.CharField(_("mã truy cập (token)"), max_length=500, blank=True)
    enabled = models.BooleanField(_("đang bật"), default=False)
    field_codes = models.CharField(
        _("mã lĩnh vực"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Chỉ gửi hồ sơ của các lĩnh vực này (mã, cách nhau bởi dấu phẩy); để trống: mọi lĩnh vực."
        ),
    )
    procedure_codes = models.CharField(
        _("mã thủ tục"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Chỉ gửi hồ sơ của các thủ tục này (mã TTHC, cách nhau bởi dấu phẩy); để trống: mọi thủ tục."
        ),
    )
    timeout_seconds = models.FloatField(_("thời gian chờ trả lời (giây)"), default=10)
    max_attempts = models.PositiveSmallIntegerField(_("số lần gửi tối đa"), default=8)

    class Meta:
        verbose_name = _("kết nối hệ thống khác")
        verbose_name_plural = _("kết nối hệ thống khác")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def _codes(value: str) -> set[str]:
        return {c.strip() for c in value.split(",") if c.strip()}

    @property
    def field_code_set(self) -> set[str]:
        return self._codes(self.field_codes)

    @property
    def procedure_code_set(self) -> set[str]:
        return self._codes(self.procedure_codes)


class Delivery(models.Model):
    """One record to deliver to one connector: the transactional outbox.

    Written in the transaction of the record's change; at most one open (pending or failed)
    delivery per record and connector — a newer change updates its payload (`revision` + 1)
    instead of queuing a second one. A worker claims it with a lease (`claimed_until`): a worker
    that dies mid-delivery leaves a lease that expires, and another worker delivers it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ gửi")
        SYNCED = "synced", _("Đã đồng bộ")
        FAILED = "failed", _("Gửi không thành công")

    connector = models.ForeignKey(ConnectorConfig, on_delete=models.CASCADE, related_name="deliveries")
    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    payload = models.JSONField(_("dữ liệu gửi"))
    revision = models.PositiveIntegerField(_("lần cập nhật dữ liệu"), default=1)
    attempts = models.PositiveSmallIntegerField(_("số lần đã gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"))
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    answer = models.TextField(_("trả lời của hệ thống nhận"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    updated_at = models.DateTimeField(_("cập nhật lúc"))
    synced_at = models.DateTimeField(_("đồng bộ lúc"), null=True, blank=True)
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resent_at = models.DateTimeField(_("gửi lại lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt gửi hồ sơ")
        verbose_name_plural = _("lượt gửi hồ sơ")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "connector"],
                condition=models.Q(status__in=["pending", "failed"]),
                name="delivery_one_open_per_record_connector",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="delivery_due_idx",
            ),
            models.Index(fields=["status", "-updated_at"], name="delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.payload.get('MaHoSo', self.record_id)} → {self.connector}"
