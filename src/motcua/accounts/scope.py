"""Where a user may act: the union of the unit subtrees of their grants, per permission.

A grant on a unit reaches every unit below it on the date asked about. Reading reaches further,
into the history of merged units: a grant on the new xã Vạn Hưng also opens the records of the
old xã Xuân Sơn and xã Vạn Hưng it replaced, a grant on the new tỉnh those of the old huyện and
xã. Writes stay on units that exist on the date.
"""

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from motcua.units.models import AdministrativeUnit
from motcua.units.selectors import unit_scope_with_history, unit_subtree

from .models import User
from .permissions import Permission, reads_history, role_allows

_CACHE_ATTR = "_motcua_scope_cache"


def _compute(user: User, permission: Permission, at: dt.date) -> frozenset[int] | None:
    """Unit ids, or None for "every unit" (a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    reached: set[int] = set()
    for grant in user.grants.select_related("unit"):
        if not role_allows(grant.role, permission):
            continue
        reach = unit_scope_with_history if reads_history(permission) else unit_subtree
        reached.update(reach(unit=grant.unit, at=at).values_list("pk", flat=True))
    return frozenset(reached)


def unit_ids_in_scope(
    user: User | AnonymousUser, permission: Permission = Permission.READ, *, at: dt.date | None = None
) -> frozenset[int] | None:
    """The ids of the units where `user` has `permission` on `at` (today by default); None means
    every unit. Cached on the user object, which lives for one request."""
    at = at or timezone.localdate()
    if not isinstance(user, User):
        return frozenset()
    cache: dict[tuple[Permission, dt.date], frozenset[int] | None] = user.__dict__.setdefault(_CACHE_ATTR, {})
    key = (permission, at)
    if key not in cache:
        cache[key] = _compute(user, permission, at)
    return cache[key]


def units_in_scope(
    user: User | AnonymousUser, permission: Permission = Permission.READ, *, at: dt.date | None = None
) -> QuerySet[AdministrativeUnit]:
    ids = unit_ids_in_scope(user, permission, at=at)
    units = AdministrativeUnit.objects.all()
    return units if ids is None else units.filter(pk__in=ids)


def filter_by_scope(
    queryset: QuerySet,
    user: User | AnonymousUser,
    permission: Permission = Permission.READ,
    *,
    unit_field: str = "unit",
    at: dt.date | None = None,
) -> QuerySet:
    """Scope first: keep the rows whose `unit_field` lies in the user's scope."""
    ids = unit_ids_in_scope(user, permission, at=at)
    return queryset if ids is None else queryset.filter(**{f"{unit_field}__in": ids})


def can(
    user: User | AnonymousUser,
    permission: Permission,
    unit: AdministrativeUnit,
    *,
    at: dt.date | None = None,
) -> bool:
    """May `user` do `permission` on `unit`? The role table says what, the grants say where."""
    ids = unit_ids_in_scope(user, permission, at=at)
    return ids is None or unit.pk in ids
