"""Stored calendar data: per-province day overrides, working hours per centre, and the clock rules,
each with the dates it applies from. The arithmetic itself lives in the pure `motcua.workdays`."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.units.models import AdministrativeUnit, Agency, UnitLevel
from motcua.workdays import WorkingHours


class DayKind(models.TextChoices):
    DAY_OFF = "off", _("Ngày nghỉ")
    WORKING = "working", _("Ngày làm việc (làm bù)")


class Counting(models.TextChoices):
    # values match motcua.workdays.Counting
    NEXT_WORKING_DAY = "next", _("Ngày làm việc tiếp theo sau ngày tiếp nhận")
    RECEIPT_DAY = "same", _("Ngày tiếp nhận (nếu tiếp nhận trong giờ làm việc)")


_PROVINCE_HELP = _("Để trống: áp dụng toàn quốc.")


class DayOverride(models.Model):
    """A day off the national calendar does not know (a provincial holiday, a swap announced after
    the holidays package was released), or a weekend day worked in exchange."""

    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("tỉnh, thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level": UnitLevel.PROVINCE},
        related_name="calendar_overrides",
        help_text=_PROVINCE_HELP,
    )
    day = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=10, choices=DayKind.choices)
    reason = models.CharField(_("lý do"), max_length=255)
    source = models.CharField(_("văn bản căn cứ"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "day"],
                condition=models.Q(province__isnull=False),
                name="calendar_override_province_day_unique",
                violation_error_message=_("Tỉnh này đã có thiết lập cho ngày này."),
            ),
            models.UniqueConstraint(
                fields=["day"],
                condition=models.Q(province__isnull=True),
                name="calendar_override_national_day_unique",
                violation_error_message=_("Đã có thiết lập toàn quốc cho ngày này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} — {self.get_kind_display()}: {self.reason}"


class WorkingHoursSetting(models.Model):
    """Working hours of a centre (agency), a province, or — both empty — the whole country,
    from valid_from to valid_to (inclusive). The most specific setting in force wins."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan, trung tâm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="working_hours",
    )
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("tỉnh, thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level": UnitLevel.PROVINCE},
        related_name="working_hours",
        help_text=_("Áp dụng cho mọi cơ quan trong tỉnh chưa có giờ làm việc riêng."),
    )
    morning_start = models.TimeField(_("buổi sáng từ"), default=dt.time(7, 30))
    morning_end = models.TimeField(_("buổi sáng đến"), default=dt.time(11, 30))
    afternoon_start = models.TimeField(_("buổi chiều từ"), null=True, blank=True, default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("buổi chiều đến"), null=True, blank=True, default=dt.time(17, 0))
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.CharField(_("văn bản căn cứ"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=True) | models.Q(province__isnull=True),
                name="working_hours_agency_or_province",
                violation_error_message=_("Chọn cơ quan hoặc tỉnh, không chọn cả hai."),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="working_hours_valid_range",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.agency or self.province or _("toàn quốc")
        return f"{scope}: {self.as_hours()} (từ {self.valid_from:%d/%m/%Y})"

    def as_hours(self) -> WorkingHours:
        periods = [(self.morning_start, self.morning_end)]
        if self.afternoon_start is not None and self.afternoon_end is not None:
            periods.append((self.afternoon_start, self.afternoon_end))
        return WorkingHours.of(*periods)

    def clean(self) -> None:
        if (self.afternoon_start is None) != (self.afternoon_end is None):
            raise ValidationError(_("Nhập đủ giờ bắt đầu và kết thúc buổi chiều, hoặc để trống cả hai."))
        if self.morning_start is not None and self.morning_end is not None:
            try:
                self.as_hours()
            except ValueError:
                raise ValidationError(
                    _("Các khoảng giờ làm việc phải theo thứ tự và không chồng lấn.")
                ) from None


class ClockRuleSetting(models.Model):
    """Which day is day 1 of a working-day count and the cut-off time, from valid_from on.
    Neither is settled by a text we could read (domain.md §5, [U]), so they are data."""

    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("tỉnh, thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level": UnitLevel.PROVINCE},
        related_name="clock_rules",
        help_text=_PROVINCE_HELP,
    )
    counting = models.CharField(
        _("ngày làm việc thứ nhất"),
        max_length=10,
        choices=Counting.choices,
        default=Counting.NEXT_WORKING_DAY,
    )
    cutoff = models.TimeField(
        _("giờ chốt tiếp nhận"),
        default=dt.time(15, 0),
        help_text=_(
            "Với thủ tục áp dụng giờ chốt: tiếp nhận sau giờ này được tính như tiếp nhận ngày làm việc tiếp theo."
        ),
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    source = models.CharField(_("văn bản căn cứ"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("quy tắc tính hạn")
        verbose_name_plural = _("quy tắc tính hạn")
        ordering = ["valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "valid_from"],
                condition=models.Q(province__isnull=False),
                name="clock_rule_province_from_unique",
                violation_error_message=_("Tỉnh này đã có quy tắc bắt đầu từ ngày này."),
            ),
            models.UniqueConstraint(
                fields=["valid_from"],
                condition=models.Q(province__isnull=True),
                name="clock_rule_national_from_unique",
                violation_error_message=_("Đã có quy tắc toàn quốc bắt đầu từ ngày này."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.province or _("toàn quốc")
        return f"{scope}: {self.get_counting_display()}, {self.cutoff:%H:%M} (từ {self.valid_from:%d/%m/%Y})"
