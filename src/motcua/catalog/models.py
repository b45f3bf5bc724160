"""The procedure catalogue (TTHC): fields, procedures, their parts, and which agency offers what.

Values copied from the national TTHC database keep their source and confidence as data, so that a
wrong or unverified figure can be found and corrected without touching code.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role
from motcua.units.models import ValidityQuerySet


class Level(models.TextChoices):
    CENTRAL = "central", _("Cấp bộ, ngành")
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (đến 30/06/2025)")
    COMMUNE = "commune", _("Cấp xã")
    OTHER = "other", _("Cơ quan khác")


class Subject(models.TextChoices):
    CITIZEN = "citizen", _("Công dân Việt Nam")
    BUSINESS = "business", _("Doanh nghiệp, hộ kinh doanh")
    ORGANIZATION = "organization", _("Tổ chức")
    FOREIGNER = "foreigner", _("Người nước ngoài")


class TimeUnit(models.TextChoices):
    HOURS = "hours", _("giờ")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    DAYS = "days", _("ngày")
    WORKING_DAYS = "working_days", _("ngày làm việc")
    MONTHS = "months", _("tháng")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không cung cấp trực tuyến")


class Confidence(models.TextChoices):
    VERIFIED = "verified", _("Đã đối chiếu văn bản chính thức")
    PARTLY_VERIFIED = "partly-verified", _("Đối chiếu một phần")
    SECONDARY = "secondary", _("Nguồn thứ cấp")
    UNCHECKED = "unchecked", _("Chưa kiểm tra")


class Field(models.Model):
    """Lĩnh vực, e.g. Hộ tịch, Chứng thực, Đất đai."""

    code = models.SlugField(_("mã lĩnh vực"), max_length=100, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255, unique=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    code = models.CharField(
        _("mã TTHC"), max_length=20, unique=True, help_text=_("Mã trên CSDL quốc gia, ví dụ 2.000815.")
    )
    local_code_suffix = models.CharField(
        _("hậu tố mã dịch vụ địa phương"),
        max_length=40,
        blank=True,
        help_text=_("Phần nối sau mã TTHC, ví dụ 000.00.00.H55.02."),
    )
    name = models.CharField(_("tên thủ tục"), max_length=500)
    # Maintained by catalog.services: lower case, no diacritics, đ → d, name + code.
    search_text = models.TextField(_("chuỗi tìm kiếm"), blank=True, editable=False)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    levels = models.JSONField(_("cấp thực hiện"), default=list, blank=True)
    competent_agency = models.CharField(_("cơ quan có thẩm quyền"), max_length=500, blank=True)
    subjects = models.JSONField(_("đối tượng thực hiện"), default=list, blank=True)

    # The seven published parts (NĐ 63/2010 Điều 8.2) that are prose.
    steps_text = models.TextField(_("trình tự thực hiện"), blank=True)
    how_to_apply = models.TextField(_("cách thức thực hiện"), blank=True)
    dossier_sets = models.PositiveSmallIntegerField(_("số lượng bộ hồ sơ"), null=True, blank=True)

    # Legal time limit as published; an empty unit = the source gives a bare number.
    time_value = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, choices=TimeUnit.choices, blank=True)
    time_text = models.TextField(_("mô tả thời hạn"), blank=True)
    time_by_channel = models.JSONField(_("thời hạn theo cách thức nộp"), default=dict, blank=True)
    # What the deadline clock uses. When the source is silent, these are an explicit assumption.
    clock_value = models.DecimalField(
        _("thời hạn dùng để tính hạn"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    clock_unit = models.CharField(
        _("đơn vị dùng để tính hạn"), max_length=20, choices=TimeUnit.choices, blank=True
    )
    clock_assumed = models.BooleanField(
        _("thời hạn tính hạn là giả định"),
        default=False,
        help_text=_("Bật khi nguồn không ghi đơn vị hoặc số; xem ghi chú."),
    )
    same_day_cutoff = models.BooleanField(
        _("áp dụng mốc 15 giờ"),
        default=False,
        help_text=_("Giải quyết trong ngày; tiếp nhận sau mốc giờ thì trả ngày làm việc tiếp theo."),
    )

    result = models.CharField(_("kết quả thực hiện"), max_length=500, blank=True)
    produces_document = models.BooleanField(_("kết quả là giấy tờ"), default=True)
    online_level = models.CharField(
        _("mức dịch vụ trực tuyến"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    full_online_eligible = models.BooleanField(_("đủ điều kiện trực tuyến toàn trình"), default=False)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    publication_number = models.CharField(_("số quyết định công bố"), max_length=100, blank=True)
    publication_date = models.DateField(_("ngày quyết định công bố"), null=True, blank=True)
    made_public_on = models.DateField(_("ngày công khai"), null=True, blank=True)

    source = models.JSONField(_("nguồn"), default=list, blank=True)
    confidence = models.CharField(
        _("độ tin cậy"), max_length=20, choices=Confidence.choices, default=Confidence.UNCHECKED
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def subject_labels(self) -> list[str]:
        return [str(Subject(s).label) for s in self.subjects if s in Subject.values]

    @property
    def level_labels(self) -> list[str]:
        return [str(Level(v).label) for v in self.levels if v in Level.values]

    @property
    def service_code(self) -> str:
        return f"{self.code}.{self.local_code_suffix}" if self.local_code_suffix else self.code


class CopyKind(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    COPY = "copy", _("Bản sao")
    CERTIFIED_COPY = "certified_copy", _("Bản sao có chứng thực")
    ORIGINAL_OR_COPY = "original_or_copy", _("Bản chính hoặc bản sao")
    SHOW_ORIGINAL = "show_original", _("Xuất trình bản chính")


class Component(models.Model):
    """One paper of the dossier (thành phần hồ sơ)."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="components"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    name = models.CharField(_("tên giấy tờ"), max_length=1000)
    copy_kind = models.CharField(_("loại bản"), max_length=20, choices=CopyKind.choices)
    count = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    required = models.BooleanField(_("bắt buộc"), default=True)
    replaceable_by_data = models.BooleanField(_("thay bằng khai thác dữ liệu"), default=False)
    from_data_store = models.BooleanField(_("lấy từ kho dữ liệu"), default=False)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "position"], name="component_position_unique")
        ]

    def __str__(self) -> str:
        return self.name


class FeeKind(models.TextChoices):
    FEE = "phi", _("Phí")
    CHARGE = "le_phi", _("Lệ phí")


class Fee(models.Model):
    """A fee line. amount_vnd null means the amount is a rule (rule text), not a fixed figure."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="fees"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    kind = models.CharField(_("loại"), max_length=10, choices=FeeKind.choices)
    name = models.CharField(_("tên khoản"), max_length=500)
    amount_vnd = models.PositiveBigIntegerField(_("mức thu (đồng)"), null=True, blank=True)
    rule = models.TextField(_("quy định mức thu"), blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["procedure", "position"]
        constraints = [models.UniqueConstraint(fields=["procedure", "position"], name="fee_position_unique")]

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    """One step of the internal process; budgets are in the procedure's clock unit."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="process_steps"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=Role.choices)
    budget = models.DecimalField(
        _("thời gian"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("bước quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "position"], name="process_step_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class Offering(models.Model):
    """An agency offers a procedure, at an online level, for a period (inclusive dates)."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="offerings"
    )
    agency = models.ForeignKey(
        "units.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="offerings"
    )
    online_level = models.CharField(
        _("mức dịch vụ trực tuyến"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    local_service_code = models.CharField(_("mã dịch vụ tại cơ quan"), max_length=60, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("thủ tục tại cơ quan")
        verbose_name_plural = _("thủ tục tại cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency", "valid_from"], name="offering_procedure_agency_from_unique"
            ),
        ]
        indexes = [models.Index(fields=["agency", "procedure"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} @ {self.agency}"
