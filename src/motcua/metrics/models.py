"""Index rule sets stored in the database, so an administrator adds a version from a date without
code. `metrics.rules` turns rows into the pure `scoring.RuleSet`; the shipped JSON is the fallback."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import scoring


class Confidence(models.TextChoices):
    VERIFIED = scoring.Confidence.VERIFIED.value, _("[V] đọc trong văn bản pháp luật")
    SECONDARY = scoring.Confidence.SECONDARY.value, _("[S] nguồn thứ cấp (số liệu Cổng, bản tóm tắt)")
    UNCERTAIN = scoring.Confidence.UNCERTAIN.value, _("[U] chưa chắc chắn")


class Kind(models.TextChoices):
    LINEAR = scoring.Kind.LINEAR.value, _("Tuyến tính (ngưỡng 100 %)")
    THRESHOLD = scoring.Kind.THRESHOLD.value, _("Theo ngưỡng")


class OnZero(models.TextChoices):
    NO_DATA = scoring.OnZero.NO_DATA.value, _("Không có dữ liệu")
    ZERO = scoring.OnZero.ZERO.value, _("0 điểm")
    FULL = scoring.OnZero.FULL.value, _("Đủ điểm")


class RuleSetVersion(models.Model):
    """One version of the index rules; the version in force on a day is the latest one begun."""

    version = models.SlugField(_("phiên bản"), max_length=40, unique=True)
    valid_from = models.DateField(_("hiệu lực từ ngày"))
    valid_to = models.DateField(
        _("hiệu lực đến hết ngày"),
        null=True,
        blank=True,
        help_text=_("Để trống: áp dụng cho đến khi có phiên bản mới hơn."),
    )
    rounding_places = models.PositiveSmallIntegerField(
        _("số chữ số làm tròn điểm"), default=2, help_text=_("Làm tròn nửa lên, từng chỉ số.")
    )
    source = models.TextField(_("căn cứ, nguồn"), blank=True)
    confidence = models.CharField(
        _("độ tin cậy"), max_length=1, choices=Confidence.choices, default=Confidence.SECONDARY
    )
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bộ quy tắc chỉ số")
        verbose_name_plural = _("bộ quy tắc chỉ số")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.version} (từ {self.valid_from:%d/%m/%Y})"


class GroupRule(models.Model):
    rule_set = models.ForeignKey(
        RuleSetVersion, verbose_name=_("bộ quy tắc"), on_delete=models.CASCADE, related_name="groups"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    code = models.CharField(_("mã nhóm (API Cổng)"), max_length=60)
    name_vi = models.CharField(_("tên nhóm"), max_length=200)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("nhóm chỉ số")
        verbose_name_plural = _("nhóm chỉ số")
        ordering = ["rule_set", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "code"],
                name="metrics_group_code_unique",
                violation_error_message=_("Bộ quy tắc đã có nhóm mang mã này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_vi} ({self.code})"


class MetricRule(models.Model):
    rule_set = models.ForeignKey(
        RuleSetVersion, verbose_name=_("bộ quy tắc"), on_delete=models.CASCADE, related_name="metrics"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    code = models.CharField(
        _("mã chỉ số"),
        max_length=60,
        help_text=_("Mã của Cổng DVCQG nếu có; nếu không, mã ổn định của motcua."),
    )
    portal_code = models.BooleanField(_("mã của Cổng DVCQG"), default=True)
    group = models.CharField(_("mã nhóm"), max_length=60)
    name_vi = models.CharField(_("tên chỉ số"), max_length=255)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2)
    kind = models.CharField(_("cách tính"), max_length=10, choices=Kind.choices, default=Kind.LINEAR)
    threshold = models.DecimalField(
        _("ngưỡng (%)"), max_digits=5, decimal_places=2, default=100, help_text=_("Tuyến tính: 100.")
    )
    numerator_definition = models.TextField(_("tử số"))
    denominator_definition = models.TextField(_("mẫu số"))
    on_zero = models.CharField(_("khi mẫu số bằng 0"), max_length=10, choices=OnZero.choices)
    ratio_rounding = models.PositiveSmallIntegerField(
        _("làm tròn tỷ lệ trước (số chữ số, theo %)"),
        null=True,
        blank=True,
        help_text=_("Để trống: không làm tròn tỷ lệ. Nhóm thanh toán trực tuyến: 2."),
    )
    scope = models.CharField(
        _("phạm vi"),
        max_length=60,
        default="province,agency,commune",
        help_text=_("Danh sách cách nhau bởi dấu phẩy: province, agency, commune."),
    )
    source = models.TextField(_("căn cứ, nguồn"), blank=True)
    confidence = models.CharField(
        _("độ tin cậy"), max_length=1, choices=Confidence.choices, default=Confidence.SECONDARY
    )
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        ordering = ["rule_set", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "code"],
                name="metrics_metric_code_unique",
                violation_error_message=_("Bộ quy tắc đã có chỉ số mang mã này."),
            )
        ]

    def __str__(self) -> str:
        return self.code
