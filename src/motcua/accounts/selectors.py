"""Reads about staff accounts."""

from django.db.models import QuerySet

from .models import RoleGrant, User
from .permissions import PERMISSION_LABELS, ROLE_PERMISSIONS, Permission


def user_grants(*, user: User) -> QuerySet[RoleGrant]:
    return user.grants.select_related("unit", "agency").order_by("unit__name", "role")


def role_permission_labels(role: str) -> list[str]:
    """What a role may do, in words, in the order of the permission table."""
    allowed = ROLE_PERMISSIONS.get(role, frozenset())  # type: ignore[call-overload]
    return [str(PERMISSION_LABELS[p]) for p in Permission if p in allowed]
