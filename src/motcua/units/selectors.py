"""Reads over the versioned hierarchy. Each selector is a single recursive query (standard SQL,
the same on SQLite and PostgreSQL) returned as a QuerySet, so callers can filter, count or use it
as a subquery — no query per level, no query per unit.

Dates: a unit is valid on ``at`` when valid_from ≤ at ≤ valid_to (either bound may be open); a
succession counts on ``at`` once its effective date has come."""

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from motcua.units.models import AdministrativeUnit, Succession

Units = AdministrativeUnit | Iterable[AdministrativeUnit] | QuerySet[AdministrativeUnit]


def _tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(AdministrativeUnit._meta.db_table), quote(Succession._meta.db_table)


def _valid(alias: str) -> str:
    return (
        f"({alias}.valid_from IS NULL OR {alias}.valid_from <= %s) "
        f"AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= %s)"
    )


def _seed_ids(units: Units) -> list[int]:
    if isinstance(units, AdministrativeUnit):
        return [units.pk]
    if isinstance(units, QuerySet):
        return list(units.values_list("pk", flat=True))
    return [unit.pk for unit in units]


def _seed_sql(ids: list[int]) -> str:
    # An empty IN () is not valid SQL; NULL matches nothing.
    return ", ".join(["%s"] * len(ids)) or "NULL"


def _by_ids(sql: str, params: list[object]) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(pk__in=RawSQL(sql, params))


def unit_subtree(*, unit: AdministrativeUnit, at: dt.date) -> QuerySet[AdministrativeUnit]:
    """The unit and every unit under it, as they stood on ``at``: a unit not valid on that date is
    left out together with everything below it (tỉnh Khánh Hòa on 01/03/2025: the old tỉnh, its 9
    huyện and their xã; the new tỉnh has no units yet on that date)."""
    units, _ = _tables()
    sql = (
        f"WITH RECURSIVE tree(id) AS ("
        f" SELECT u.id FROM {units} u WHERE u.id = %s AND {_valid('u')}"
        f" UNION"
        f" SELECT c.id FROM {units} c JOIN tree ON c.parent_id = tree.id WHERE {_valid('c')}"
        f") SELECT id FROM tree"
    )
    return _by_ids(sql, [unit.pk, at, at, at, at])


def units_with_predecessors(*, units: Units, at: dt.date | None = None) -> QuerySet[AdministrativeUnit]:
    """The units and, transitively, every unit they succeeded through successions in force on
    ``at`` (all successions when ``at`` is None). New xã Vạn Hưng → old xã Vạn Hưng and xã Xuân Sơn;
    new tỉnh Khánh Hòa → old tỉnh Khánh Hòa and tỉnh Ninh Thuận."""
    ids = _seed_ids(units)
    table, successions = _tables()
    when = "" if at is None else " WHERE s.effective_on <= %s"
    sql = (
        f"WITH RECURSIVE back(id) AS ("
        f" SELECT u.id FROM {table} u WHERE u.id IN ({_seed_sql(ids)})"
        f" UNION"
        f" SELECT s.predecessor_id FROM {successions} s JOIN back ON s.successor_id = back.id{when}"
        f") SELECT id FROM back"
    )
    return _by_ids(sql, [*ids, *([] if at is None else [at])])


def unit_with_predecessors(
    *, unit: AdministrativeUnit, at: dt.date | None = None
) -> QuerySet[AdministrativeUnit]:
    """This unit and its predecessors, transitively (see ``units_with_predecessors``)."""
    return units_with_predecessors(units=unit, at=at)


def unit_scope_with_history(*, unit: AdministrativeUnit, at: dt.date) -> QuerySet[AdministrativeUnit]:
    """Everything whose records count for ``unit`` "as successor" on ``at``: its subtree on that
    date, the predecessors of each of those units, and every unit that ever stood under those
    predecessors (the old huyện and xã of an absorbed province). One query."""
    table, successions = _tables()
    sql = (
        f"WITH RECURSIVE tree(id) AS ("
        f" SELECT u.id FROM {table} u WHERE u.id = %s AND {_valid('u')}"
        f" UNION"
        f" SELECT c.id FROM {table} c JOIN tree ON c.parent_id = tree.id WHERE {_valid('c')}"
        f"), back(id) AS ("
        f" SELECT id FROM tree"
        f" UNION"
        f" SELECT s.predecessor_id FROM {successions} s JOIN back ON s.successor_id = back.id"
        f" WHERE s.effective_on <= %s"
        f"), down(id) AS ("
        f" SELECT id FROM back"
        f" UNION"
        f" SELECT c.id FROM {table} c JOIN down ON c.parent_id = down.id"
        f" WHERE c.valid_from IS NULL OR c.valid_from <= %s"
        f") SELECT id FROM down"
    )
    return _by_ids(sql, [unit.pk, at, at, at, at, at, at])


def current_successors(*, unit: AdministrativeUnit, at: dt.date) -> QuerySet[AdministrativeUnit]:
    """Where the unit's affairs stand on ``at``: the unit itself if it is valid then, otherwise the
    units valid on ``at`` reached through its successions (old xã Xuân Sơn → new xã Vạn Hưng). A
    unit abolished without a successor of its own (a huyện) hands over through the units under it:
    huyện Vạn Ninh → the new xã that took over its xã."""
    table, successions = _tables()
    sql = (
        f"WITH RECURSIVE below(id) AS ("
        f" SELECT u.id FROM {table} u WHERE u.id = %s"
        f" UNION"
        f" SELECT c.id FROM {table} c JOIN below ON c.parent_id = below.id"
        f"), seed(id) AS ("
        f" SELECT u.id FROM {table} u WHERE u.id = %s AND ({_valid('u')}"
        f"  OR EXISTS (SELECT 1 FROM {successions} s WHERE s.predecessor_id = u.id))"
        f" UNION ALL"
        # Only when the unit itself neither lives on nor has a successor: start from below it.
        f" SELECT id FROM below WHERE NOT EXISTS ("
        f"  SELECT 1 FROM {table} u WHERE u.id = %s AND ({_valid('u')}"
        f"  OR EXISTS (SELECT 1 FROM {successions} s WHERE s.predecessor_id = u.id)))"
        f"), ahead(id) AS ("
        f" SELECT id FROM seed"
        f" UNION"
        f" SELECT s.successor_id FROM {successions} s JOIN ahead ON s.predecessor_id = ahead.id"
        f" WHERE s.effective_on <= %s"
        f") SELECT a.id FROM ahead a JOIN {table} u ON u.id = a.id WHERE {_valid('u')}"
    )
    return _by_ids(sql, [unit.pk, unit.pk, at, at, unit.pk, at, at, at, at, at])


def unit_at(*, code: str, at: dt.date) -> AdministrativeUnit | None:
    """The unit carrying GSO ``code`` on ``at`` (codes are reused: 22525 is the old xã Vạn Hưng
    until 30/06/2025 and the new one after)."""
    return AdministrativeUnit.objects.valid_at(at).filter(code=code).first()
