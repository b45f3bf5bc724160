"""Snapshots of closed periods: kept on first read, the same counts as counting live, never stale
(a record change, a catalogue change, a change committed while counting), and warmed by
`motcua index snapshot`."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.metrics import counting, periods, scopes, snapshots
from motcua.metrics.models import IndexSnapshot, IndexSnapshotMark
from motcua.metrics.ranking import metric_counts_many, unit_results
from tests.catalog.factories import make_procedure
from tests.factories import OfferingFactory, ProvinceFactory
from tests.metrics.index_records import NOW, ON_TIME_END, local, office

MARCH = periods.month(2026, 3)
KEYS = ["tinh-56", "xa-22501", "co-quan-H56.22501", "xa-22502", "xa-22501+cu"]


@pytest.fixture
def world(db):
    province = ProvinceFactory()
    procedure = make_procedure()  # 3 working days: received 02/03, due 05/03
    a = office(province, "22501", "Xã An", procedure)
    b = office(province, "22502", "Xã Bình", procedure)
    return a, b


class Spy:
    """ranking.metric_counts_many, remembering which scopes it was asked to count."""

    def __init__(self, before=None):
        self.asked: list[tuple[str, str]] = []
        self.before = before

    def __call__(self, many, period, now):
        self.asked += [(s.key, period.key) for s in many]
        if self.before:
            self.before()
        return metric_counts_many(many, period, now=now)


def codes(period):
    from motcua.metrics.rules import rule_set_at

    return [m.code for m in rule_set_at(period.end).metrics]


def cached(keys, period, spy, capture, now=NOW):
    wanted = [(scopes.parse_scope(k), period, codes(period)) for k in keys]
    with capture(execute=True):
        return snapshots.cached_counts(wanted, now=now, count_many=spy)


def kept(period=MARCH):
    return set(IndexSnapshot.objects.filter(period_key=period.key).values_list("scope_key", flat=True))


def test_a_closed_month_is_counted_once_and_read_back_the_same(world, django_capture_on_commit_callbacks):
    a, b = world
    a.records(on_time=1, late=1)
    b.records(late=1)
    first, again = Spy(), Spy()
    counted = cached(KEYS, MARCH, first, django_capture_on_commit_callbacks)
    assert kept() == set(KEYS)
    read = cached(KEYS, MARCH, again, django_capture_on_commit_callbacks)
    assert again.asked == []  # read from the snapshots
    for key in KEYS:
        live = counting.metric_counts(scopes.parse_scope(key), MARCH, now=NOW)
        assert read[(key, "2026-03")] == counted[(key, "2026-03")] == live
    # 3 records in the province, 2 in xã An: 1 on time
    assert read[("tinh-56", "2026-03")]["DOSSIER_ON_TIME"] == counting.scoring.Count(1, 3)
    assert read[("xa-22501", "2026-03")]["DOSSIER_ON_TIME"] == counting.scoring.Count(1, 2)


def test_an_open_period_or_a_range_of_days_is_counted_live_and_not_kept(
    world, django_capture_on_commit_callbacks
):
    spy = Spy()
    cached(KEYS, periods.month(2026, 4), spy, django_capture_on_commit_callbacks)
    cached(KEYS, periods.month(2026, 4), spy, django_capture_on_commit_callbacks)
    assert len(spy.asked) == 2 * len(KEYS)
    days = periods.between(MARCH.start, MARCH.end)  # closed, but a range of days: any URL makes one
    cached(KEYS, days, spy, django_capture_on_commit_callbacks)
    assert len(spy.asked) == 3 * len(KEYS)
    assert not IndexSnapshot.objects.exists()


def test_a_record_change_drops_the_snapshots_that_hold_it(world, django_capture_on_commit_callbacks):
    a, _b = world
    record = a.intake()  # open at the end of March: overdue since 05/03
    cached(KEYS, MARCH, Spy(), django_capture_on_commit_callbacks)
    cached(["xa-22501"], periods.month(2026, 2), Spy(), django_capture_on_commit_callbacks)
    before = cached(["xa-22501"], MARCH, Spy(), django_capture_on_commit_callbacks)
    assert before[("xa-22501", "2026-03")]["DOSSIER_ON_TIME"] == counting.scoring.Count(0, 1)

    with django_capture_on_commit_callbacks(execute=True):
        a.approve(record, ON_TIME_END)  # the desk learns it was decided on 02/03 after all

    # its commune, its agency, the province and every "+cu" scope; not xã Bình, not February
    assert kept() == {"xa-22502"}
    assert kept(periods.month(2026, 2)) == {"xa-22501"}
    after = cached(["xa-22501"], MARCH, Spy(), django_capture_on_commit_callbacks)
    assert after[("xa-22501", "2026-03")]["DOSSIER_ON_TIME"] == counting.scoring.Count(1, 1)


def test_the_portal_taking_a_record_drops_the_snapshots_that_count_it(
    world, django_capture_on_commit_callbacks
):
    a, _b = world
    record = a.intake()
    before = cached(KEYS, MARCH, Spy(), django_capture_on_commit_callbacks)
    assert before[("xa-22501", "2026-03")]["DOSSIER_SYNC"] == counting.scoring.Count(0, 1)

    from motcua.metrics.rollups import buckets_of, rollups_refresh
    from motcua.records.models import Record
    from motcua.records.sync import record_mark_portal_synced

    with django_capture_on_commit_callbacks(execute=True):  # what a successful delivery does
        record_mark_portal_synced(record_ids=[record.pk], at=local(2026, 3, 3, 9))
        rollups_refresh(buckets_of(Record.objects.filter(pk=record.pk)))
        snapshots.forget_records(record_ids=[record.pk])

    assert kept() == {"xa-22502"}
    after = cached(["xa-22501"], MARCH, Spy(), django_capture_on_commit_callbacks)
    live = counting.metric_counts(scopes.parse_scope("xa-22501"), MARCH, now=NOW)
    assert (
        after[("xa-22501", "2026-03")]["DOSSIER_SYNC"] == live["DOSSIER_SYNC"] == counting.scoring.Count(1, 1)
    )


def test_a_change_committed_while_counting_is_not_kept_stale(world, django_capture_on_commit_callbacks):
    a, _b = world
    a.records(on_time=1)

    def change_commits_meanwhile():
        IndexSnapshotMark.objects.create(
            unit_code="22501", agency_code="H56.22501", day=local(2026, 3, 2).date(), created_at=NOW
        )

    cached(KEYS, MARCH, Spy(before=change_commits_meanwhile), django_capture_on_commit_callbacks)
    assert kept() == {"xa-22502"}  # the only scope the change cannot touch
    spy = Spy()
    cached(KEYS, MARCH, spy, django_capture_on_commit_callbacks)
    assert sorted(spy.asked) == sorted((k, "2026-03") for k in KEYS if k != "xa-22502")


def test_a_catalogue_change_drops_every_snapshot(world, django_capture_on_commit_callbacks):
    a, _b = world
    cached(KEYS, MARCH, Spy(), django_capture_on_commit_callbacks)
    assert kept()
    with django_capture_on_commit_callbacks(execute=True):
        OfferingFactory(agency=a.agency, online_level="full")
    assert not IndexSnapshot.objects.exists()
    assert IndexSnapshotMark.objects.filter(unit_code="", agency_code="", day=None).exists()


def test_the_scores_come_from_the_kept_counts(world, django_capture_on_commit_callbacks):
    a, _b = world
    a.records(on_time=1, late=1)
    scope = scopes.parse_scope("xa-22501")
    with django_capture_on_commit_callbacks(execute=True):
        live = unit_results([scope], MARCH, now=NOW)[0].result
    assert kept() == {"xa-22501"}
    # Tamper with the kept counts: the page must score what is kept, not recount.
    row = IndexSnapshot.objects.get(scope_key="xa-22501", period_key="2026-03")
    row.counts["DOSSIER_ON_TIME"] = [2, 2]
    row.save()
    served = unit_results([scope], MARCH, now=NOW)[0].result
    assert live.metric("DOSSIER_ON_TIME").points == Decimal("10.00")  # 20 × 1/2
    assert served.metric("DOSSIER_ON_TIME").points == Decimal("20.00")  # 20 × 2/2


def test_the_snapshot_command_keeps_the_last_closed_months(world, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("index", "snapshot", "--months", "2")
    today = timezone.localdate()
    first = today.replace(day=1)
    last_month = first - dt.timedelta(days=1)
    before_that = last_month.replace(day=1) - dt.timedelta(days=1)
    months = {f"{last_month:%Y-%m}", f"{before_that:%Y-%m}"}
    # every month: the province and its two communes (the factory province has no own agencies)
    rows = set(IndexSnapshot.objects.values_list("scope_key", "period_key"))
    assert rows == {(k, m) for k in ("tinh-56", "xa-22501", "xa-22502") for m in months}
    assert capsys.readouterr().out.count("3 phạm vi") == 2

    # A kept month is read, not recounted; --fresh recounts everything.
    key = f"{last_month:%Y-%m}"
    row = IndexSnapshot.objects.get(scope_key="xa-22501", period_key=key)
    row.counts["DOSSIER_ON_TIME"] = [9, 9]  # nothing was received: 0/0 counted
    row.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("index", "snapshot", "--months", "2")
    assert IndexSnapshot.objects.filter(counts__DOSSIER_ON_TIME=[9, 9]).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("index", "snapshot", "--months", "2", "--fresh")
    assert not IndexSnapshot.objects.filter(counts__DOSSIER_ON_TIME=[9, 9]).exists()
    assert set(IndexSnapshot.objects.values_list("scope_key", "period_key")) == rows


def test_the_demo_step_drops_and_keeps_again(world, django_capture_on_commit_callbacks):
    IndexSnapshot.objects.create(
        scope_key="xa-22501", period_key="2026-03", period_start=MARCH.start, period_end=MARCH.end,
        counts={"DOSSIER_ON_TIME": [9, 9]}, computed_at=NOW,
    )  # fmt: skip  # stale: the demo's bulk writes bypassed the record hook
    with django_capture_on_commit_callbacks(execute=True):
        lines = list(snapshots.build_demo())
    assert "12 tháng" in lines[0]
    assert IndexSnapshot.objects.count() == 12 * 3  # province and two communes, 12 closed months
    assert not IndexSnapshot.objects.filter(counts__DOSSIER_ON_TIME=[9, 9]).exists()
