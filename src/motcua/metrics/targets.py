"""Targets a unit is held to, per year, as data (e.g. the province's 45 % online-filing target):
an inspection compares the unit's rate with the target in force for the period's year."""

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.units.models import AdministrativeUnit


class Target(models.Model):
    """A target set on a unit reaches every unit below it; one set on an agency only that agency.
    The nearest one wins: agency, then its unit, then the units above."""

    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="metric_targets",
    )
    agency = models.ForeignKey(
        "units.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="metric_targets",
        help_text=_("Để trống: áp dụng cho mọi cơ quan của đơn vị và các đơn vị cấp dưới."),
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2000)])
    online_filing_percent = models.DecimalField(
        _("chỉ tiêu tỷ lệ hồ sơ trực tuyến (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    source = models.TextField(_("căn cứ giao chỉ tiêu"), blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["-year", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=models.Q(agency__isnull=True),
                name="metrics_target_unit_year_unique",
                violation_error_message=_("Đơn vị đã có chỉ tiêu cho năm này."),
            ),
            models.UniqueConstraint(
                fields=["agency", "year"],
                condition=models.Q(agency__isnull=False),
                name="metrics_target_agency_year_unique",
                violation_error_message=_("Cơ quan đã có chỉ tiêu cho năm này."),
            ),
        ]

    def __str__(self) -> str:
        who = self.agency or self.unit
        return f"{who} {self.year}: {self.online_filing_percent} %"


def target_for(*, unit_id: int | None, agency_id: int | None, day: dt.date) -> Target | None:
    """The nearest target for the year of `day`: the agency's own, else its unit's, else up the tree."""
    targets = Target.objects.filter(year=day.year)
    if agency_id is not None:
        own = targets.filter(agency_id=agency_id).first()
        if own is not None:
            return own
    seen: set[int] = set()
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        found = targets.filter(unit_id=unit_id, agency__isnull=True).first()
        if found is not None:
            return found
        unit_id = AdministrativeUnit.objects.filter(pk=unit_id).values_list("parent_id", flat=True).first()
    return None
