"""What the action forms offer to pick from. The services still check every pick."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.accounts.models import Role, User
from motcua.accounts.permissions import Permission
from motcua.accounts.scope import unit_ids_in_scope
from motcua.records.models import Record
from motcua.units.models import AdministrativeUnit, Agency


def _unit_and_ancestors(unit: AdministrativeUnit) -> list[int]:
    ids: list[int] = []
    while unit is not None and unit.pk not in ids:
        ids.append(unit.pk)
        unit = unit.parent
    return ids


def assignees(record: Record) -> QuerySet[User]:
    """Specialists and leaders whose grant covers the processing unit (a grant covers its subtree)."""
    return (
        User.objects.filter(
            is_active=True,
            grants__role__in=[Role.SPECIALIST, Role.LEADER],
            grants__unit_id__in=_unit_and_ancestors(record.unit),
        )
        .distinct()
        .order_by("full_name", "username")
        .prefetch_related("grants")
    )


def leaders(record: Record) -> QuerySet[User]:
    """Leaders whose grant covers the processing unit: who may decide the record."""
    return (
        User.objects.filter(
            is_active=True, grants__role=Role.LEADER, grants__unit_id__in=_unit_and_ancestors(record.unit)
        )
        .distinct()
        .order_by("full_name", "username")
        .prefetch_related("grants")
    )


def valid_agencies() -> QuerySet[Agency]:
    today = timezone.localdate()
    return (
        Agency.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("name")
    )


def other_agencies(record: Record) -> QuerySet[Agency]:
    return valid_agencies().exclude(pk=record.agency_id)


def receiving_agencies(user: User) -> QuerySet[Agency]:
    """Agencies where the user may take dossiers in at the counter."""
    ids = unit_ids_in_scope(user, Permission.RECEIVE)
    agencies = valid_agencies()
    return agencies if ids is None else agencies.filter(unit_id__in=ids)
