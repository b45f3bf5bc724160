"""Which lifecycle actors a staff user is for one record: the roles of their grants whose
subtree holds the record's processing unit; a desk officer also at its receiving unit (phi địa
giới: the receiving centre returns the result). A specialist or leader of the receiving unit is
not one once the record went to another agency: the processing is that agency's."""

import datetime as dt

from django.utils import timezone

from motcua.accounts.models import User
from motcua.units.selectors import unit_subtree

from .lifecycle import Actor
from .models import Record

_STAFF_ACTORS = {Actor.DESK.value, Actor.SPECIALIST.value, Actor.LEADER.value}


def actors_for(user: User, record: Record, *, at: dt.date | None = None) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(_STAFF_ACTORS)
    at = at or timezone.localdate()
    processing, receiving = {record.unit_id}, {record.unit_id, record.receiving_unit_id}
    cache: dict = user.__dict__.setdefault("_motcua_actor_cache", {})
    roles: set[str] = set()
    for grant in user.grants.all():
        if grant.role not in _STAFF_ACTORS or grant.role in roles:
            continue
        key = (grant.unit_id, at)
        if key not in cache:
            cache[key] = frozenset(unit_subtree(unit=grant.unit, at=at).values_list("pk", flat=True))
        if (receiving if grant.role == Actor.DESK.value else processing) & cache[key]:
            roles.add(grant.role)
    return roles
