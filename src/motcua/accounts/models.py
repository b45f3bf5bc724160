"""Staff accounts; each role is granted on a unit and reaches that unit's whole subtree."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DESK_OFFICER = "desk", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    UNIT_ADMIN = "unit_admin", _("Quản trị đơn vị")
    PROVINCE_ADMIN = "province_admin", _("Quản trị cấp tỉnh")
    INSPECTOR = "inspector", _("Kiểm tra (chỉ xem)")


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleGrant(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("người dùng")
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("phạm vi đơn vị"),
    )
    agency = models.ForeignKey(
        "units.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("cơ quan"),
    )

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="role_grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
