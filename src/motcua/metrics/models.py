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


# Targets live in their own module (reports use them); imported here so Django sees the model.
from .targets import Target  # noqa: E402, F401


class _Counters(models.Model):
    """The counters of metrics.facts, as changes: a row holds what the records received on
    `received_on` add to each counter from its day (or month) on — +1 for a receipt, −1 for an
    on-time record falling overdue, +1 when it ends early… (metrics.rollups). Signed on purpose.
    Plain ids, no foreign keys: derived data, rebuilt at will."""

    unit_id = models.BigIntegerField()
    agency_id = models.BigIntegerField()
    received_on = models.DateField()
    received = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    fee_bearing = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    e_result = models.IntegerField(default=0)
    digitized = models.IntegerField(default=0)
    reuse_eligible = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    population_db = models.IntegerField(default=0)
    portal_synced = models.IntegerField(default=0)
    data_store = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.agency_id} {self.received_on}"


class RecordRollupDay(_Counters):
    """Changes per (unit, agency, local day of receipt, local day the change takes effect): read
    for the judging moment's own month, where a day decides."""

    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "received_on", "agency_id", "day"], name="record_rollup_day_key"
            )
        ]
        indexes = [models.Index(fields=["day", "unit_id"], name="record_rollup_day_on")]


class RecordRollup(_Counters):
    """RecordRollupDay summed coarser, so that a year costs a few thousand rows: `grain` says
    whether the day of receipt and the day of the change are kept ("d") or reduced to the first
    of their month ("m") — "mm" for whole months of receipt changed in earlier months, "md" for
    whole months changed in the judging month, "dm" for the days of a partial month."""

    grain = models.CharField(max_length=2)
    on = models.DateField()  # the day (or the first of the month) the changes take effect

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "unit_id", "received_on", "agency_id", "on"], name="record_rollup_grain_key"
            )
        ]
        indexes = [
            models.Index(fields=["grain", "on", "unit_id"], name="record_rollup_grain_on"),
            models.Index(fields=["grain", "received_on", "on"], name="record_rollup_grain_received"),
        ]


class ProcedureRollup(models.Model):
    """Records per (unit, agency, procedure, local month of receipt): which procedures had
    records, and online records, in a month (the procedure metrics of the online group)."""

    unit_id = models.BigIntegerField()
    agency_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    month = models.DateField()
    received = models.PositiveIntegerField(default=0)
    online = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "month", "agency_id", "procedure_id"], name="procedure_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.agency_id} {self.procedure_id} {self.month}"


class IndexSnapshot(models.Model):
    """The counts of one scope over one closed period (metrics.snapshots): numerator and
    denominator per metric code, rule-independent, so scores are recomputed from them. A cache:
    deleted when a record received in the period, or the catalogue, changes."""

    scope_key = models.CharField(max_length=80)
    period_key = models.CharField(max_length=40)
    period_start = models.DateField()
    period_end = models.DateField()
    counts = models.JSONField(default=dict)  # {code: [numerator, denominator]}, null = no data
    as_of = models.BigIntegerField(default=0)  # the last IndexSnapshotMark id when counting began
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope_key", "period_key"], name="index_snapshot_key")]
        indexes = [models.Index(fields=["period_start", "period_end"], name="index_snapshot_days")]

    def __str__(self) -> str:
        return f"{self.scope_key} {self.period_key}"


class IndexSnapshotMark(models.Model):
    """A change that may have made snapshots stale, written after it commits: a snapshot counted
    from before it (as_of < id) is not stored. Blank codes: everything; no day: every day."""

    unit_code = models.CharField(max_length=20, blank=True)
    agency_code = models.CharField(max_length=40, blank=True)
    day = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.unit_code or '*'}/{self.agency_code or '*'} {self.day or '*'}"
