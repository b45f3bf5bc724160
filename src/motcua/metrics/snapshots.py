"""Counts of closed periods, kept (domain.md §7: "the figures of an open period change daily; a
closed period is frozen").

A closed period (its last day is before today) is judged at its own last moment, so its counts
change only when a record received in it, or the catalogue, changes. `IndexSnapshot` keeps them
per (scope, period): numerator and denominator per metric code, not points — scores are recomputed
from them (scoring is pure), so a new rule set version needs no recount unless it adds a metric.

Never stale:
- a record change deletes, in its own transaction, the snapshots of the scopes that may hold it
  (its commune, its agency, every province and every "+cu" scope) for the periods containing its
  day of receipt; a catalogue or unit change deletes them all (rare);
- a snapshot counted while such a change was committing would miss it: every change also leaves
  an `IndexSnapshotMark` after it commits, then deletes again; a reader notes the last mark before
  counting and, once its snapshot is stored, drops it if a later mark touches it. Either the
  mark is seen, or the snapshot was stored before the second delete, which removes it.
- bulk writers that bypass the record hook (import, demo, `motcua index rebuild`) call
  `forget_all()`.
Open periods, and ranges of days (any URL could ask for a new one), are always counted live. A
release that changes how counting works runs `motcua index snapshot --fresh`.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from motcua.catalog.models import Component, Fee, Offering, Procedure
from motcua.records.models import Record, RecordEvent
from motcua.records.timeliness import LOCAL_TZ
from motcua.units.models import AdministrativeUnit, Agency, Succession

from . import scoring
from .models import IndexSnapshot, IndexSnapshotMark
from .periods import Period
from .scopes import WITH_PREDECESSORS, Scope

Counts = dict[str, scoring.Count]
# Counts many scopes over one period: ranking.metric_counts_many's signature.
CountMany = Callable[[Sequence[Scope], Period, dt.datetime], dict[str, Counts]]


def is_closed(period: Period, now: dt.datetime) -> bool:
    """The period ended before today: judged at its last moment whenever it is looked at."""
    return period.end < now.astimezone(LOCAL_TZ).date()


def _kept(period: Period, now: dt.datetime) -> bool:
    """Closed named periods only (month, quarter, year, reporting windows): a range of days is
    whatever a URL asks for, and would grow the table without bound."""
    return is_closed(period, now) and ".." not in period.key


def _encode(counts: Counts) -> dict[str, list[int | None]]:
    return {code: [c.numerator, c.denominator] for code, c in counts.items()}


def _decode(raw: dict[str, Any]) -> Counts:
    return {code: scoring.Count(n, d) for code, (n, d) in raw.items()}


def score(rule_set: scoring.RuleSet, counts: Counts) -> scoring.Result:
    """scoring.score, remembered in the process: pure, and a dashboard scores the same kept counts
    (about 80 units and months a page) again and again; a new rule set or new counts is a new key."""
    return _score(rule_set, tuple(counts.items()))


@functools.lru_cache(maxsize=2048)  # a province page scores ~85: units and months
def _score(rule_set: scoring.RuleSet, counts: tuple[tuple[str, scoring.Count], ...]) -> scoring.Result:
    return scoring.score(rule_set, dict(counts))


def _last_mark() -> int:
    return IndexSnapshotMark.objects.aggregate(last=Max("pk"))["last"] or 0


def cached_counts(
    wanted: Sequence[tuple[Scope, Period, Sequence[str]]],
    *,
    now: dt.datetime | None,
    count_many: CountMany,
) -> dict[tuple[str, str], Counts]:
    """Counts by (scope key, period key) for each (scope, period, metric codes) wanted: closed
    periods from snapshots (one query for all), the missing ones counted with `count_many` per
    period and stored; open periods counted live."""
    now = now or timezone.now()
    found: dict[tuple[str, str], Counts] = {}
    closed = [(s, p, codes) for s, p, codes in wanted if _kept(p, now)]
    if closed:
        rows = IndexSnapshot.objects.filter(
            scope_key__in={s.key for s, _p, _c in closed}, period_key__in={p.key for _s, p, _c in closed}
        ).values_list("scope_key", "period_key", "counts")
        stored = {(s, p): raw for s, p, raw in rows}
        for scope, period, codes in closed:
            raw = stored.get((scope.key, period.key))
            if raw is not None and all(code in raw for code in codes):
                found[(scope.key, period.key)] = _decode(raw)
    missing: dict[str, tuple[Period, list[Scope]]] = {}
    for scope, period, _codes in wanted:
        if (scope.key, period.key) not in found:
            missing.setdefault(period.key, (period, []))[1].append(scope)
    if missing:
        as_of = _last_mark() if any(_kept(p, now) for p, _s in missing.values()) else 0
        for period, scopes in missing.values():
            counted = count_many(list(dict.fromkeys(scopes)), period, now)
            found |= {(key, period.key): counts for key, counts in counted.items()}
            if _kept(period, now):
                _store(period, counted, as_of)
    return found


def _store(period: Period, counted: dict[str, Counts], as_of: int) -> None:
    """Keep the counts of a closed period, after the caller's transaction commits (a snapshot must
    never become visible before the data it was counted from, nor outlive a later change)."""

    def store() -> None:
        keys = list(counted)
        with transaction.atomic():
            IndexSnapshot.objects.filter(period_key=period.key, scope_key__in=keys).delete()
            IndexSnapshot.objects.bulk_create(
                [
                    IndexSnapshot(
                        scope_key=key,
                        period_key=period.key,
                        period_start=period.start,
                        period_end=period.end,
                        counts=_encode(counts),
                        as_of=as_of,
                        computed_at=timezone.now(),
                    )
                    for key, counts in counted.items()
                ],
                ignore_conflicts=True,
            )
        later = list(IndexSnapshotMark.objects.filter(pk__gt=as_of))
        stale = [key for key in keys if any(_touches(m, key, period) for m in later)]
        if stale:
            IndexSnapshot.objects.filter(period_key=period.key, scope_key__in=stale).delete()

    transaction.on_commit(store)


# --- invalidation --------------------------------------------------------------------------------


def _touches(mark: IndexSnapshotMark, scope_key: str, period: Period) -> bool:
    """Whether a change the mark stands for may be counted in the scope over the period (Python
    form of `_touching`)."""
    if mark.day is not None and not period.start <= mark.day <= period.end:
        return False
    if not (mark.unit_code or mark.agency_code):
        return True
    if scope_key.startswith("tinh-") or scope_key.endswith(WITH_PREDECESSORS):
        return True
    return scope_key in {f"xa-{mark.unit_code}", f"co-quan-{mark.agency_code}"}


def _touching(places: Sequence[tuple[str, str]], day: dt.date | None) -> Q:
    """Snapshots that may count a record of these (unit code, agency code) places received on
    `day`: the commune's and the agency's own, and every province and with-predecessors scope
    (wider than needed; always enough). No places: every scope."""
    keys = [k for unit, agency in places for k in (f"xa-{unit}", f"co-quan-{agency}")]
    days = Q(period_start__lte=day, period_end__gte=day) if day is not None else Q()
    if not keys:
        return days
    return days & (
        Q(scope_key__in=keys) | Q(scope_key__startswith="tinh-") | Q(scope_key__endswith=WITH_PREDECESSORS)
    )


def forget(*, places: Sequence[tuple[str, str]], day: dt.date | None) -> None:
    """Drop the snapshots a change to records of these (unit code, agency code) places received
    on `day` may have made stale: now, in the change's transaction, and after it commits, leaving
    marks first for the readers counting meanwhile."""
    IndexSnapshot.objects.filter(_touching(places, day)).delete()
    places = list(places)

    def after_commit() -> None:
        IndexSnapshotMark.objects.bulk_create(
            [
                IndexSnapshotMark(unit_code=unit, agency_code=agency, day=day, created_at=timezone.now())
                for unit, agency in places
            ]
        )
        IndexSnapshot.objects.filter(_touching(places, day)).delete()

    transaction.on_commit(after_commit)


def forget_all() -> None:
    """Every snapshot (bulk writes, catalogue or unit changes), now and after the commit."""
    IndexSnapshot.objects.all().delete()
    transaction.on_commit(_forget_all_after_commit)


def _forget_all_after_commit() -> None:
    IndexSnapshotMark.objects.create(created_at=timezone.now())
    IndexSnapshot.objects.all().delete()


def prune_marks(*, older_than: dt.timedelta = dt.timedelta(hours=1), now: dt.datetime | None = None) -> int:
    """Marks only matter to a count in progress: drop the old ones (the last one stays, so ids keep
    growing even on SQLite)."""
    now = now or timezone.now()
    last = _last_mark()
    deleted, _ = IndexSnapshotMark.objects.filter(created_at__lt=now - older_than, pk__lt=last).delete()
    return deleted


def on_record_change(record: Record, event: RecordEvent) -> None:
    """records' in-transaction hook: the record's commune and agency (and the agency a transfer
    moved it from), for its day of receipt."""
    if record.received_at is None:
        return
    places = list(Record.objects.filter(pk=record.pk).values_list("unit__code", "agency__code"))
    moved_from = (event.detail or {}).get("from_agency")
    if moved_from:
        places += list(Agency.objects.filter(code=moved_from).values_list("unit__code", "code"))
    forget(places=places, day=record.received_at.astimezone(LOCAL_TZ).date())


def forget_records(*, record_ids: Sequence[int]) -> None:
    """Records changed outside their lifecycle (the portal took a copy: DOSSIER_SYNC), so without
    the change hook: drop the snapshots that count them."""
    rows = Record.objects.filter(pk__in=record_ids, received_at__isnull=False).values_list(
        "unit__code", "agency__code", "received_at"
    )
    for unit, agency, received_at in rows:
        forget(places=[(unit, agency)], day=received_at.astimezone(LOCAL_TZ).date())


def _on_reference_change(sender: type, **kwargs: object) -> None:
    forget_all()


def connect_reference_signals() -> None:
    """The catalogue (what is offered, fees, the seven parts, data-replaceable components) and the
    units (what a scope covers) feed every snapshot; their changes are rare and written one object
    at a time, so a signal is enough to drop them all — a cache, not a business rule."""
    for model in (Procedure, Offering, Fee, Component, AdministrativeUnit, Agency, Succession):
        for signal in (post_save, post_delete):
            signal.connect(_on_reference_change, sender=model, dispatch_uid=f"snapshots-{model.__name__}")


def build_demo() -> Iterator[str]:
    """The demo's last step: drop what the demo's bulk writes made stale, keep the closed months."""
    from .ranking import warm_snapshots  # ranking reads snapshots

    started = time.perf_counter()
    IndexSnapshot.objects.all().delete()  # the demo's writes are committed: no mark needed
    done = warm_snapshots()
    yield f"Chỉ số: lưu sẵn {len(done)} tháng đã khép lại trong {time.perf_counter() - started:.1f} s."
