"""Whose index: a province, an agency or a commune, named by a stable key ("tinh-56",
"co-quan-H56.02", "xa-22525"; "+cu" adds the predecessors of the 2025 mergers). A scope resolves to
unit ids or agency ids for a date; the records counted are those whose `unit` (or `agency`) is in
it — the competent side, not the receiving centre."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from motcua.units.models import AdministrativeUnit, Agency, UnitLevel
from motcua.units.selectors import (
    unit_at,
    unit_scope_with_history,
    unit_subtree,
    units_with_predecessors,
)

from . import onepage

WITH_PREDECESSORS = "+cu"
_PREFIXES = {"tinh-": "province", "co-quan-": "agency", "xa-": "commune"}


@dataclass(frozen=True)
class Scope:
    kind: str  # "province" | "agency" | "commune"
    key: str
    label: str
    with_predecessors: bool

    @functools.cached_property  # asked for every unit of a ranking, often several times
    def code(self) -> str:
        """The GSO code (province, commune) or the agency code the key names."""
        bare = self.key.removesuffix(WITH_PREDECESSORS)
        return next(bare.removeprefix(p) for p in _PREFIXES if bare.startswith(p))


@dataclass(frozen=True)
class Members:
    """What a scope covers on a day: records whose unit is in `unit_ids`, or, for an agency, whose
    agency is `agency_id`."""

    unit_ids: tuple[int, ...]
    agency_id: int | None = None


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _unit(code: str, level: str, on: dt.date) -> AdministrativeUnit | None:
    """The unit carrying the code on `on`, else its latest version before (an old xã keeps its key
    after the merger), else its earliest one. Looked up once per page (metrics.onepage)."""
    return onepage.remembered(("scopes.unit", code, level, on), lambda: _find_unit(code, level, on))


def _find_unit(code: str, level: str, on: dt.date) -> AdministrativeUnit | None:
    found = unit_at(code=code, at=on)
    if found is not None and found.level == level:
        return found
    versions = AdministrativeUnit.objects.filter(code=code, level=level)
    before = versions.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).order_by("-valid_to").first()
    return before or versions.order_by("valid_from").first()


def parse_scope(key: str, *, on: dt.date | None = None) -> Scope:
    """The scope a key names; LookupError (Vietnamese message) for an unknown key."""
    on = on or timezone.localdate()
    text = (key or "").strip()
    bare = text.removesuffix(WITH_PREDECESSORS)
    with_predecessors = bare != text
    for prefix, kind in _PREFIXES.items():
        if not bare.startswith(prefix):
            continue
        code = bare.removeprefix(prefix)
        suffix = " (gồm đơn vị cũ trước sắp xếp)" if with_predecessors else ""
        if kind == "agency":
            agency = Agency.objects.filter(code=code).first()
            if agency is not None:
                return Scope(kind, text, agency.name + suffix, with_predecessors)
        else:
            level = UnitLevel.PROVINCE if kind == "province" else UnitLevel.COMMUNE
            unit = _unit(code, level, on)
            if unit is not None:
                label = unit.name if kind == "province" else f"UBND {_lower_first(unit.name)}"
                return Scope(kind, text, label + suffix, with_predecessors)
        break
    raise LookupError(f"Không tìm thấy phạm vi «{text}» (ví dụ: tinh-56, xa-22525, co-quan-H56.02).")


def members(scope: Scope, on: dt.date) -> Members:
    """The units (or the agency) whose records count for the scope, as things stood on `on`."""
    if scope.kind == "agency":
        agency = Agency.objects.filter(code=scope.code).first()
        if agency is None:
            raise LookupError(f"Không tìm thấy cơ quan «{scope.code}».")
        return Members(unit_ids=(agency.unit_id,), agency_id=agency.pk)
    level = UnitLevel.PROVINCE if scope.kind == "province" else UnitLevel.COMMUNE
    unit = _unit(scope.code, level, on)
    if unit is None:
        raise LookupError(f"Không tìm thấy đơn vị «{scope.code}».")
    if scope.kind == "province":
        units = (
            unit_scope_with_history(unit=unit, at=on)
            if scope.with_predecessors
            else unit_subtree(unit=unit, at=on)
        )
    else:
        units = units_with_predecessors(units=unit, at=on) if scope.with_predecessors else [unit]
    ids = [u.pk for u in units] if isinstance(units, list) else list(units.values_list("pk", flat=True))
    return Members(unit_ids=tuple(sorted(ids)))


def communes(province_key: str = "tinh-56", *, on: dt.date | None = None) -> list[Scope]:
    """The province's communes and wards on `on` (default today), by name."""
    on = on or timezone.localdate()
    province = parse_scope(province_key, on=on)
    unit = _unit(province.code, UnitLevel.PROVINCE, on)
    rows = (
        AdministrativeUnit.objects.valid_at(on)
        .filter(parent=unit, level=UnitLevel.COMMUNE)
        .order_by("name", "code")
        .values_list("code", "name")
    )
    return [Scope("commune", f"xa-{code}", f"UBND {_lower_first(name)}", False) for code, name in rows]


def provincial_agencies(province_key: str = "tinh-56", *, on: dt.date | None = None) -> list[Scope]:
    """Agencies at the province's own level on `on` (UBND tỉnh, the sở, the service centre)."""
    on = on or timezone.localdate()
    province = parse_scope(province_key, on=on)
    unit = _unit(province.code, UnitLevel.PROVINCE, on)
    rows = Agency.objects.valid_at(on).filter(unit=unit).order_by("code").values_list("code", "name")
    return [Scope("agency", f"co-quan-{code}", name, False) for code, name in rows]
