"""Demo staff for Khánh Hòa: officers of two new communes, the provincial centre, a province
administrator, an inspector, and a system account with an API token. Idempotent.

The password is public on purpose (it is a demo) and passes Django's validators."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission as ModelPermission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from motcua.units.demo import PROVINCE_CODE, VAN_HUNG_CODE, VAN_THANG_CODE, demo_commune
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind

from .models import Role, RoleGrant, User
from .services import api_token_issue

DEMO_PASSWORD = "demo-KhanhHoa-2025"
API_ACCOUNT = "hethong.api"
# The national portal routes online dossiers to the province through this account.
PORTAL_ACCOUNT = "cong.dvcqg"
PORTAL_PERMISSION = ("records", "deliver_online_dossiers")
PROVINCE_ADMIN_GROUP = "Quản trị cấp tỉnh"
# The province administrators edit these apps' reference data in the Django admin.
PROVINCE_ADMIN_APPS = ("units", "catalog", "calendars")


@dataclass(frozen=True)
class DemoStaff:
    username: str
    full_name: str
    role: Role
    unit_code: str  # GSO code of the unit the grant is on (as it stands after the reform)
    staff: bool = False  # may open the Django admin


DEMO_STAFF = [
    DemoStaff("motcua.vanhung", "Nguyễn Thị Hoa", Role.DESK_OFFICER, VAN_HUNG_CODE),
    DemoStaff("chuyenvien.vanhung", "Trần Văn Nam", Role.SPECIALIST, VAN_HUNG_CODE),
    DemoStaff("lanhdao.vanhung", "Lê Văn Dũng", Role.LEADER, VAN_HUNG_CODE),
    DemoStaff("quantri.vanhung", "Phạm Thị Lan", Role.UNIT_ADMIN, VAN_HUNG_CODE, staff=True),
    DemoStaff("motcua.vanthang", "Võ Thị Mai", Role.DESK_OFFICER, VAN_THANG_CODE),
    DemoStaff("quantri.vanthang", "Huỳnh Văn Tâm", Role.UNIT_ADMIN, VAN_THANG_CODE, staff=True),
    DemoStaff("motcua.tinh", "Đặng Thị Thu", Role.DESK_OFFICER, f"{PROVINCE_CODE}"),
    DemoStaff("quantri.tinh", "Bùi Văn Hải", Role.PROVINCE_ADMIN, f"{PROVINCE_CODE}", staff=True),
    DemoStaff("kiemtra.tinh", "Đoàn Kiểm Tra", Role.INSPECTOR, f"{PROVINCE_CODE}"),
    # A connector of another system: reads the province, changes nothing.
    DemoStaff(API_ACCOUNT, "Hệ thống kết nối (demo)", Role.INSPECTOR, f"{PROVINCE_CODE}"),
    DemoStaff(PORTAL_ACCOUNT, "Cổng Dịch vụ công quốc gia (demo)", Role.INSPECTOR, f"{PROVINCE_CODE}"),
]


def _agency_for(unit: AdministrativeUnit, role: Role) -> Agency | None:
    """Desk officers of the province sit at its service centre; commune staff at their UBND."""
    agencies = Agency.objects.filter(unit=unit)
    if unit.level == "province":
        return agencies.filter(kind=AgencyKind.SERVICE_CENTRE).first() if role == Role.DESK_OFFICER else None
    return agencies.filter(kind=AgencyKind.PEOPLES_COMMITTEE).order_by("-valid_from").first()


def _province_admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=PROVINCE_ADMIN_GROUP)
    group.permissions.set(ModelPermission.objects.filter(content_type__app_label__in=PROVINCE_ADMIN_APPS))
    return group


def build_demo() -> Iterator[str]:
    created = 0
    with transaction.atomic():
        group = _province_admin_group()
        for spec in DEMO_STAFF:
            unit = demo_commune(spec.unit_code)
            user, is_new = User.objects.get_or_create(
                username=spec.username,
                defaults={"full_name": spec.full_name, "is_staff": spec.staff},
            )
            if is_new:
                validate_password(DEMO_PASSWORD, user)
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created += 1
            RoleGrant.objects.update_or_create(
                user=user, role=spec.role, unit=unit, defaults={"agency": _agency_for(unit, spec.role)}
            )
            if spec.role == Role.PROVINCE_ADMIN:
                user.groups.add(group)
        token = api_token_issue(user=User.objects.get(username=API_ACCOUNT))
        portal = User.objects.get(username=PORTAL_ACCOUNT)
        app_label, codename = PORTAL_PERMISSION
        portal.user_permissions.add(
            ModelPermission.objects.get(content_type__app_label=app_label, codename=codename)
        )
        portal_token = api_token_issue(user=portal)
    yield f"Tài khoản cán bộ: {created} mới, {len(DEMO_STAFF) - created} đã có (mật khẩu demo: {DEMO_PASSWORD})."
    yield f"Tài khoản hệ thống {API_ACCOUNT}: Authorization: Token {token.key}"
    yield f"Tài khoản Cổng DVCQG {PORTAL_ACCOUNT} (gửi hồ sơ trực tuyến): Authorization: Token {portal_token.key}"
