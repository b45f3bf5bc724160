"""Hồ sơ: a dossier from submission to returned result, with its append-only history.

Fields mirror what the statistics and the national sync need (spec/dvcqg-sync.md); timestamps are
stored in UTC and reasoned about in Asia/Ho_Chi_Minh by the services.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .lifecycle import State


class Channel(models.TextChoices):
    # Values are the national KenhThucHien codes.
    COUNTER = "1", _("Trực tiếp")
    ONLINE = "2", _("Trực tuyến")
    POST = "3", _("Bưu chính công ích")


class ApplicantKind(models.TextChoices):
    # Values are the national LoaiDoiTuong codes.
    CITIZEN = "1", _("Công dân")
    BUSINESS = "2", _("Doanh nghiệp")
    STATE_AGENCY = "3", _("Cơ quan nhà nước")
    ORGANIZATION = "4", _("Tổ chức khác")


class Record(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="records"
    )
    # The competent agency processes; the receiving centre takes it in and returns the result
    # (phi địa giới: they may differ, NĐ 118 Điều 20.1).
    agency = models.ForeignKey(
        "units.Agency", verbose_name=_("cơ quan giải quyết"), on_delete=models.PROTECT, related_name="records"
    )
    receiving_agency = models.ForeignKey(
        "units.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_records",
    )
    # Denormalised from the agencies so that scope filters need no join.
    unit = models.ForeignKey(
        "units.AdministrativeUnit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="records"
    )
    receiving_unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("đơn vị tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_records",
    )
    state = models.CharField(_("trạng thái"), max_length=30, choices=State.choices, db_index=True)
    channel = models.CharField(_("kênh nộp"), max_length=1, choices=Channel.choices, default=Channel.COUNTER)
    assisted = models.BooleanField(
        _("cán bộ nộp trực tuyến thay"),
        default=False,
        help_text=_("Nộp trực tuyến tại quầy, do cán bộ một cửa hỗ trợ."),
    )

    applicant_name = models.CharField(_("người nộp"), max_length=255)
    applicant_id_number = models.CharField(_("số định danh"), max_length=20, blank=True, db_index=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    applicant_kind = models.CharField(
        _("loại đối tượng"), max_length=1, choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN
    )
    summary = models.TextField(_("trích yếu"), blank=True)
    # Lower case, no diacritics: code, applicant name and ID number (records.search).
    search_text = models.TextField(editable=False, blank=True)

    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn trả kết quả"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(_("hạn trả ban đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm xử lý xong"), null=True, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    ended_at = models.DateTimeField(
        _("thời điểm kết thúc"),
        null=True,
        blank=True,
        help_text=_("Mốc tính đúng hạn: xử lý xong, trả kết quả, hoặc dừng/từ chối (cái nào đến trước)."),
    )
    # Old rules (NĐ 61/2018) pause the clock while the applicant completes the dossier.
    clock_paused_at = models.DateTimeField(null=True, blank=True)
    supplement_requested_at = models.DateTimeField(_("thời điểm yêu cầu bổ sung"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("số lần gia hạn"), default=0)
    rule_set = models.CharField(_("bộ quy tắc áp dụng"), max_length=40)
    # Online intake clock (NĐ 118 Điều 17.2, records/online_intake.py): set when an online
    # dossier arrives; confirmed by the first of receipt, request for changes, refusal.
    intake_alert_due_at = models.DateTimeField(_("hạn báo cán bộ tiếp nhận"), null=True, blank=True)
    intake_alerted_at = models.DateTimeField(_("thời điểm báo cán bộ tiếp nhận"), null=True, blank=True)
    intake_confirm_due_at = models.DateTimeField(_("hạn xác nhận hồ sơ trực tuyến"), null=True, blank=True)
    intake_confirmed_at = models.DateTimeField(
        _("thời điểm xác nhận hồ sơ trực tuyến"), null=True, blank=True
    )
    approved = models.BooleanField(_("kết quả chấp thuận"), null=True, blank=True)
    outcome_reason = models.TextField(_("lý do"), blank=True)

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đang xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="held_records",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    # --- Facts of the national sync (spec/dvcqg-sync.md) that the statistics need; owned by
    # `exchange`. Imported records carry them from their source; motcua's own records get them
    # as the features that produce them (payments, documents) arrive.
    source_system = models.CharField(
        _("hệ thống nguồn"), max_length=40, blank=True, help_text=_("Để trống: hồ sơ lập trên motcua.")
    )
    imported_at = models.DateTimeField(_("thời điểm nhập"), null=True, blank=True)
    fees_total_vnd = models.PositiveBigIntegerField(_("tổng phí, lệ phí (đồng)"), default=0)
    paid_online = models.CharField(
        _("thanh toán trực tuyến"),
        max_length=1,
        default="0",
        help_text=_("DuocThanhToanTrucTuyen: 0 không, 1 trên Cổng DVCQG, 2 qua cổng thanh toán của tỉnh."),
    )
    has_digitized_components = models.BooleanField(_("có thành phần số hóa"), default=False)
    has_e_result = models.BooleanField(_("có kết quả điện tử"), default=False)
    vneid_verified = models.BooleanField(_("tài khoản xác thực VNeID"), default=False)
    submitted_on_national_portal = models.BooleanField(_("nộp trên Cổng DVCQG"), default=False)
    used_population_db = models.BooleanField(_("khai thác CSDL quốc gia về dân cư"), default=False)
    reused_data = models.BooleanField(_("tái sử dụng dữ liệu số hóa"), default=False)
    from_national_data_store = models.BooleanField(_("lấy từ kho dữ liệu trên Cổng DVCQG"), default=False)
    # When the national portal took the record (DOSSIER_SYNC): set by exchange when the dvcqg
    # delivery succeeds, and for records imported from the portal (records.sync).
    portal_synced_at = models.DateTimeField(_("thời điểm đồng bộ lên Cổng DVCQG"), null=True, blank=True)
    # Source values motcua has no column for (unknown fields, lists, codes as the source wrote
    # them), kept so that an export says what the source said.
    extra = models.JSONField(_("dữ liệu bổ sung từ nguồn"), default=dict, blank=True)
    # What an export writes of `extra`, already as the file's JSON text (exchange.dvcqg.mapping.
    # kept_text), written with `extra` by the import; empty: not computed, the export reads `extra`.
    sync_kept = models.TextField(blank=True, default="", db_default="", editable=False)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["unit", "state", "due_at"], name="record_inbox"),
            models.Index(fields=["receiving_unit", "state", "due_at"], name="record_inbox_receiving"),
            models.Index(fields=["unit", "received_at"], name="record_unit_received"),
            models.Index(fields=["holder", "state"], name="record_holder"),
            models.Index(
                fields=["receiving_unit", "state", "intake_confirm_due_at"], name="record_online_intake"
            ),
        ]
        permissions = [
            (
                "deliver_online_dossiers",
                _("Chuyển hồ sơ trực tuyến từ Cổng DVCQG vào tiếp nhận (tài khoản hệ thống)"),
            )
        ]

    def __str__(self) -> str:
        return self.code


class RecordEvent(models.Model):
    """Append-only: one row per thing that happened to a record; nothing is ever updated."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, on_delete=models.PROTECT
    )
    action = models.CharField(_("thao tác"), max_length=40)
    from_state = models.CharField(_("từ trạng thái"), max_length=30, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=30)
    reason = models.TextField(_("lý do / nội dung"), blank=True)
    form = models.CharField(_("biểu mẫu"), max_length=5, blank=True)
    due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # A source's history item (detail["item"]) as the export writes it (mapping.item_text); empty:
    # not computed, or not an imported item.
    sync_item = models.TextField(blank=True, default="", db_default="", editable=False)

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering = ["record", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


class RecordStep(models.Model):
    """One step of the internal process as it happened: who held it, its own deadline, and
    whether it ran late — so a late record is attributed to the step and the officer."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("bước"), max_length=255)
    role = models.CharField(_("vai trò"), max_length=20)
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="record_steps"
    )
    started_at = models.DateTimeField(_("bắt đầu"))
    due_at = models.DateTimeField(_("hạn bước"), null=True, blank=True)
    finished_at = models.DateTimeField(_("hoàn thành"), null=True, blank=True)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["record", "started_at", "pk"]
        indexes = [models.Index(fields=["holder", "finished_at"], name="record_step_holder")]

    def __str__(self) -> str:
        return f"{self.record_id} — {self.name}"

    @property
    def late(self) -> bool | None:
        if self.due_at is None or self.finished_at is None:
            return None
        return self.finished_at > self.due_at


class RecordCodeCounter(models.Model):
    """The daily sequence behind record codes: one row per agency and day, bumped atomically."""

    agency_code = models.CharField(max_length=35)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "day"], name="record_code_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day:%d/%m/%Y}: {self.last}"


class IdempotencyKey(models.Model):
    """A retried API create with the same key returns the first answer and creates nothing."""

    key = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    request_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return self.key


class RecordAttachment(models.Model):
    """A file of the dossier (a scanned component, a supplement). The bytes live in storage
    under their SHA-256; the database keeps what the file is."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="attachments")
    component = models.ForeignKey(
        "catalog.Component", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    storage_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["record", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        """What the file is, in words an officer reads (not a MIME type)."""
        return str(_FILE_KINDS.get(self.content_type, self.content_type))


_FILE_KINDS = {
    "application/pdf": "PDF",
    "image/png": _("ảnh PNG"),
    "image/jpeg": _("ảnh JPEG"),
    "image/tiff": _("ảnh TIFF"),
}


class PublicLookupFailure(models.Model):
    """A public record lookup that did not match, by client address. Record codes are sequential,
    so the applicant's proof must not be guessable by trying: too many misses in a window and the
    address is refused for a while (`records.public_lookup`)."""

    client = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["client", "at"], name="public_lookup_client_at")]

    def __str__(self) -> str:
        return f"{self.client} {self.at:%d/%m/%Y %H:%M}"
