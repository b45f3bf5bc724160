"""calendar_for(): the pure Calendar of a province and centre, built from the `holidays` package and
the stored settings, and kept per process until a stored setting changes."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Count, IntegerField, Max, Q, Value
from django.utils import timezone

from motcua.units.models import AdministrativeUnit, Agency, UnitLevel
from motcua.workdays import (
    DEFAULT_HOURS,
    Calendar,
    ClockRule,
    Counting,
    Override,
    RuleSet,
    WorkingHours,
    build_calendar,
)

from .models import ClockRuleSetting, DayKind, DayOverride, WorkingHoursSetting

FIRST_YEAR = 2015  # older records are not judged by this system
YEARS_AHEAD = 5

_cache: dict[tuple[object, ...], tuple[tuple[object, ...], Calendar]] = {}
_lock = threading.Lock()
_built: dict[tuple[object, ...], Calendar] = {}
# Inside `settings_pinned()` the stored settings are taken as fixed: no fingerprint query.
_pinned: ContextVar[bool] = ContextVar("motcua_calendar_settings_pinned", default=False)
# A unit's province never changes (a merger makes new units), so this may live for the process.
# Keyed with the unit's parent too: ids rolled back and reused (tests) must not find another's.
_province_of_unit: dict[tuple[int, int | None], int | None] = {}


def province_of(unit: AdministrativeUnit | None) -> AdministrativeUnit | None:
    while unit is not None and unit.level != UnitLevel.PROVINCE:
        unit = unit.parent
    return unit


def _province_id(unit: AdministrativeUnit | None) -> int | None:
    if unit is None:
        return None
    key = (unit.pk, unit.parent_id)
    if key not in _province_of_unit:
        province = province_of(unit)
        _province_of_unit[key] = province.pk if province is not None else None
    return _province_of_unit[key]


@contextmanager
def settings_pinned() -> Iterator[None]:
    """For bulk work (the demo year, imports) that changes no calendar setting: each calendar is
    checked against the stored settings once, then reused without asking again."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def calendar_for(*, agency: Agency | None = None, unit: AdministrativeUnit | None = None) -> Calendar:
    """The working-day calendar for a centre (agency) or an administrative unit; neither → the
    national calendar. Cached per process; a cheap fingerprint query (row count and latest
    update of each settings table in scope) tells when the stored settings changed."""
    province_id = _province_id(agency.unit if agency is not None else unit)
    agency_id = agency.pk if agency is not None else None
    last_year = timezone.localdate().year + YEARS_AHEAD
    key = (province_id, agency_id, last_year)
    cached = _cache.get(key)
    if cached is not None and _pinned.get():
        return cached[1]
    stamp = _fingerprint(province_id, agency_id)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    overrides = tuple(_overrides(province_id))
    hours = tuple(_hours_schedule(province_id, agency_id))
    rules = _rules(province_id)
    # Centres with the same settings share one calendar: building one takes ~0.1 s.
    content = (overrides, hours, rules, last_year)
    calendar = _built.get(content)
    if calendar is None:
        calendar = build_calendar(
            first_year=FIRST_YEAR, last_year=last_year, overrides=overrides, hours=hours, rules=rules
        )
    with _lock:
        if len(_cache) > 256:
            _cache.clear()
        if len(_built) > 64:
            _built.clear()
        _cache[key] = (stamp, calendar)
        _built[content] = calendar
    return calendar


def agencies_with_own_hours() -> set[int]:
    """The centres that have working hours of their own. Every other centre's calendar is its
    province's (`calendar_for(unit=…)`): bulk work over many centres builds and checks one per
    province instead of one per centre."""
    return set(WorkingHoursSetting.objects.filter(agency__isnull=False).values_list("agency_id", flat=True))


def _scope(province_id: int | None) -> Q:
    national = Q(province__isnull=True)
    return (national | Q(province_id=province_id)) if province_id else national


def _fingerprint(province_id: int | None, agency_id: int | None) -> tuple[object, ...]:
    """Row count and latest change of each settings table in scope, in one query: it runs on
    every call, i.e. on every record action."""
    hours_scope = _scope(province_id) & Q(agency__isnull=True)
    if agency_id:
        hours_scope |= Q(agency_id=agency_id)
    parts = [
        queryset.annotate(table=Value(i, output_field=IntegerField()))
        .values("table")
        .annotate(n=Count("pk"), last=Max("updated_at"))
        .values_list("table", "n", "last")
        .order_by()
        for i, queryset in enumerate(
            (
                DayOverride.objects.filter(_scope(province_id)),
                ClockRuleSetting.objects.filter(_scope(province_id)),
                WorkingHoursSetting.objects.filter(hours_scope),
            )
        )
    ]
    found = {table: (n, last) for table, n, last in parts[0].union(parts[1], parts[2], all=True).order_by()}
    return tuple(found.get(i, (0, None)) for i in range(3))


def _overrides(province_id: int | None) -> list[Override]:
    rows = DayOverride.objects.filter(_scope(province_id)).order_by("province_id", "day")
    # national rows first (NULL sorts first on SQLite, last on PostgreSQL: sort here)
    ordered = sorted(rows, key=lambda r: r.province_id is not None)
    return [Override(day=r.day, working=r.kind == DayKind.WORKING, reason=r.reason) for r in ordered]


def _rules(province_id: int | None) -> RuleSet:
    rows = sorted(
        ClockRuleSetting.objects.filter(_scope(province_id)),
        key=lambda r: (r.valid_from, r.province_id is not None),  # same date: the province wins
    )
    return RuleSet(
        ClockRule(valid_from=r.valid_from, counting=Counting(r.counting), cutoff=r.cutoff) for r in rows
    )


def _hours_schedule(province_id: int | None, agency_id: int | None) -> Sequence[tuple[dt.date, WorkingHours]]:
    """Flatten the layered settings (agency > province > national > default) into one schedule
    of (first day, hours) entries."""
    layers: list[list[WorkingHoursSetting]] = []
    if agency_id:
        layers.append(list(WorkingHoursSetting.objects.filter(agency_id=agency_id)))
    if province_id:
        layers.append(list(WorkingHoursSetting.objects.filter(province_id=province_id, agency__isnull=True)))
    layers.append(list(WorkingHoursSetting.objects.filter(province__isnull=True, agency__isnull=True)))
    boundaries = {dt.date.min}
    for layer in layers:
        for row in layer:
            boundaries.add(row.valid_from)
            if row.valid_to is not None and row.valid_to < dt.date.max:
                boundaries.add(row.valid_to + dt.timedelta(days=1))
    schedule: list[tuple[dt.date, WorkingHours]] = []
    for start in sorted(boundaries):
        hours = _in_force(layers, start)
        if not schedule or schedule[-1][1] != hours:
            schedule.append((start, hours))
    return schedule


def _in_force(layers: list[list[WorkingHoursSetting]], day: dt.date) -> WorkingHours:
    for layer in layers:
        current = [r for r in layer if r.valid_from <= day and (r.valid_to is None or day <= r.valid_to)]
        if current:
            return max(current, key=lambda r: r.valid_from).as_hours()
    return DEFAULT_HOURS
