"""Administrative units and agencies, versioned in time so that history survives the 2025 mergers."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.units.validators import validate_agency_code


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh / thành phố")
    DISTRICT = "district", _("Huyện / quận / thị xã (đến 30/06/2025)")
    COMMUNE = "commune", _("Xã / phường / đặc khu")


class ValidityQuerySet(models.QuerySet):
    def valid_at(self, when: dt.date):
        return self.filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=when)).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=when)
        )


_VALIDITY_ORDERED = (
    models.Q(valid_from__isnull=True)
    | models.Q(valid_to__isnull=True)
    | models.Q(valid_from__lte=models.F("valid_to"))
)
_VALIDITY_MESSAGE = _("Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.")


class AdministrativeUnit(models.Model):
    """A unit as it existed between valid_from and valid_to (inclusive); GSO codes may be reused
    by a successor (the new xã Vạn Hưng keeps 22525), so the code alone is not unique."""

    code = models.CharField(_("mã đơn vị hành chính (GSO)"), max_length=10, db_index=True)
    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    kind = models.CharField(
        _("loại"), max_length=50, blank=True, help_text=_("xã, phường, thị trấn, đặc khu, huyện…")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="unit_code_valid_from_unique"),
            # NULLs are distinct in the key above: units with no known start (the pre-2025 lists)
            # would otherwise be insertable twice under the same code.
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(valid_from__isnull=True),
                name="unit_code_unique_without_valid_from",
            ),
            models.CheckConstraint(
                condition=_VALIDITY_ORDERED,
                name="unit_validity_ordered",
                violation_error_message=_VALIDITY_MESSAGE,
            ),
        ]
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return self.name


class Succession(models.Model):
    """Old → new: a merger or split decided by a resolution, effective on a date."""

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị cũ"),
        on_delete=models.CASCADE,
        related_name="successions_out",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị mới"),
        on_delete=models.CASCADE,
        related_name="successions_in",
    )
    effective_on = models.DateField(_("ngày có hiệu lực"))
    resolution = models.CharField(_("nghị quyết"), max_length=200, blank=True)
    partial = models.BooleanField(
        _("kế thừa một phần"),
        default=False,
        help_text=_("Đơn vị cũ chỉ nhập một phần vào đơn vị mới (bị chia cho nhiều đơn vị mới)."),
    )

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique")]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "ubnd", _("Ủy ban nhân dân")
    DEPARTMENT = "so", _("Sở, ban, ngành")
    SERVICE_CENTRE = "ttpvhcc", _("Trung tâm Phục vụ hành chính công")
    OTHER = "other", _("Cơ quan khác")


class Agency(models.Model):
    code = models.CharField(
        _("mã định danh điện tử"), max_length=35, unique=True, validators=[validate_agency_code]
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    kind = models.CharField(_("loại cơ quan"), max_length=10, choices=AgencyKind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        constraints = [
            models.CheckConstraint(
                condition=_VALIDITY_ORDERED,
                name="agency_validity_ordered",
                violation_error_message=_VALIDITY_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return self.name
