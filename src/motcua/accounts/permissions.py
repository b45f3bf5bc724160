"""Which role may do what, as one table. Where a role may do it is the scope of its grant
(`motcua.accounts.scope`); this module only answers "may this role ever do this"."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .models import Role


class Permission(StrEnum):
    READ = "read"  # see the unit's records, offerings and settings
    INSPECT = "inspect"  # inspection figures, lists and evidence — never a write
    RECEIVE = "receive"  # counter intake, return results, certify copies
    PROCESS = "process"  # handle a record: supplement, transfer, propose
    DECIDE = "decide"  # approve, sign, extend
    CHANGE_SETTINGS = "change_settings"  # the unit's offerings (online level) and calendars
    MANAGE_USERS = "manage_users"  # staff accounts and role grants inside the unit


PERMISSION_LABELS = {
    Permission.READ: _("Xem dữ liệu của đơn vị"),
    Permission.INSPECT: _("Kiểm tra (chỉ xem báo cáo, danh sách, minh chứng)"),
    Permission.RECEIVE: _("Tiếp nhận, trả kết quả hồ sơ"),
    Permission.PROCESS: _("Xử lý hồ sơ"),
    Permission.DECIDE: _("Phê duyệt, ký"),
    Permission.CHANGE_SETTINGS: _("Thay đổi thủ tục cung cấp và thiết lập của đơn vị"),
    Permission.MANAGE_USERS: _("Quản lý người dùng của đơn vị"),
}

# Everything that changes data. READ and INSPECT are the only permissions that don't.
WRITES = frozenset(Permission) - {Permission.READ, Permission.INSPECT}

P = Permission

# fmt: off
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DESK_OFFICER:   frozenset({P.READ,            P.RECEIVE}),
    Role.SPECIALIST:     frozenset({P.READ,                       P.PROCESS}),
    Role.LEADER:         frozenset({P.READ, P.INSPECT,            P.PROCESS, P.DECIDE}),
    Role.UNIT_ADMIN:     frozenset({P.READ,                                            P.CHANGE_SETTINGS, P.MANAGE_USERS}),
    Role.PROVINCE_ADMIN: frozenset({P.READ, P.INSPECT,                                 P.CHANGE_SETTINGS, P.MANAGE_USERS}),
    Role.INSPECTOR:      frozenset({P.READ, P.INSPECT}),
}
# fmt: on


def role_allows(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:  # a role removed from the code but still in old rows grants nothing
        return False


def reads_history(permission: Permission) -> bool:
    """Reading reaches the predecessors of a merged unit (their records stay queryable under
    them); a write only ever applies to units that exist now."""
    return permission not in WRITES
