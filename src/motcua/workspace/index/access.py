"""Who may see whose index: a scope is visible when every unit whose records it counts lies in the
user's reading scope (`accounts.scope`, which reaches the predecessors of merged units). Outside
it the answer is 404, as on the record pages, so nothing leaks."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.permissions import Permission
from motcua.accounts.scope import unit_ids_in_scope
from motcua.metrics import onepage
from motcua.metrics.scopes import Scope, members, parse_scope
from motcua.units.models import AdministrativeUnit, UnitLevel


def province_key(on: dt.date | None = None) -> str | None:
    """The deployment's province (one deployment per province), as a scope key."""
    on = on or timezone.localdate()
    code = (
        AdministrativeUnit.objects.valid_at(on)
        .filter(level=UnitLevel.PROVINCE)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    return f"tinh-{code}" if code else None


def may_see(user, scope: Scope, on: dt.date) -> bool:
    ids = unit_ids_in_scope(user, Permission.READ)
    if ids is None:
        return True
    try:  # the same key as the rankings' (metrics.ranking): resolved once per page
        covered = onepage.remembered(("members", scope.key, on), lambda: members(scope, on)).unit_ids
    except LookupError:
        return False
    return bool(covered) and set(covered) <= ids


def scope_or_404(user, key: str, on: dt.date) -> Scope:
    try:
        scope = parse_scope(key, on=on)
    except LookupError:
        scope = None
    if scope is None or not may_see(user, scope, on):
        raise Http404(_("Không tìm thấy đơn vị này trong phạm vi của bạn."))
    return scope


def own_units(user, on: dt.date) -> list[Scope]:
    """The communes and agencies named by the user's grants that they may open (for a user who
    does not see the whole province)."""
    keys: list[str] = []
    for grant in user.grants.select_related("unit", "agency"):
        if grant.agency is not None:
            keys.append(f"co-quan-{grant.agency.code}")
        elif grant.unit.level == UnitLevel.COMMUNE:
            keys.append(f"xa-{grant.unit.code}")
    found = []
    for key in dict.fromkeys(keys):
        try:
            scope = parse_scope(key, on=on)
        except LookupError:
            continue
        if may_see(user, scope, on):
            found.append(scope)
    return found
