"""The index counted from records: each record built through the services with a known fate, the
counts derived by hand from those fates."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from motcua.metrics import counting, evidence, periods, scopes
from motcua.metrics.rollups import buckets_of, rollups_refresh
from motcua.records.lifecycle import Action
from motcua.records.models import Record
from motcua.records.timeliness import Timeliness
from motcua.records.verdicts import record_timeliness
from tests.factories import CommuneFactory
from tests.metrics.counting_records import *  # noqa: F403 — the fixtures
from tests.metrics.counting_records import local, office_for

MARCH = periods.month(2026, 3)
AFTER_MARCH = local(2026, 5, 4, 9, 0)


@pytest.fixture
def march(van_hung):
    """Seven records received in March 2026 at xã Vạn Hưng (3 working days each) and one in
    February; the dict says what each one is at the end of March."""
    o = van_hung
    early = o.approve(o.intake(local(2026, 3, 2, 8, 0)), local(2026, 3, 3, 10, 0))
    on_due_day = o.intake(local(2026, 3, 2, 9, 0))
    on_due_day = o.approve(on_due_day, on_due_day.due_at - dt.timedelta(hours=1))
    late = o.intake(local(2026, 3, 9, 9, 0))
    late = o.approve(late, late.due_at + dt.timedelta(days=2))
    within = o.intake(local(2026, 3, 31, 9, 0))  # due in April
    overdue = o.intake(local(2026, 3, 3, 9, 0))  # never finished
    twice = o.intake(local(2026, 3, 16, 8, 0))
    twice = o.supplement(twice, local(2026, 3, 16, 9, 0), local(2026, 3, 16, 14, 0))
    twice = o.supplement(twice, local(2026, 3, 17, 9, 0), local(2026, 3, 17, 14, 0))
    twice = o.do(twice, Action.APPROVE, "leader", local(2026, 3, 17, 15, 0))  # early by date, late by rule
    carried = o.intake(local(2026, 3, 30, 8, 0))  # due 02/04, approved late in April
    carried = o.approve(carried, carried.due_at + dt.timedelta(days=3))
    february = o.approve(o.intake(local(2026, 2, 24, 8, 0)), local(2026, 2, 24, 10, 0))
    records = {
        "early": early,
        "on_due_day": on_due_day,
        "late": late,
        "within": within,
        "overdue": overdue,
        "twice": twice,
        "carried": carried,
        "february": february,
    }
    return {k: Record.objects.get(pk=r.pk) for k, r in records.items()}


def test_the_built_records_have_the_fates_they_were_built_for(march):
    end_of_march = local(2026, 3, 31, 23, 59)
    assert record_timeliness(march["early"]) is Timeliness.EARLY
    assert record_timeliness(march["on_due_day"]) is Timeliness.ON_TIME
    assert record_timeliness(march["late"]) is Timeliness.LATE
    assert record_timeliness(march["twice"]) is Timeliness.LATE
    assert march["twice"].supplement_count == 2
    assert record_timeliness(march["overdue"], end_of_march) is Timeliness.OVERDUE
    assert record_timeliness(march["within"], end_of_march) is Timeliness.WITHIN
    assert march["carried"].ended_at > local(2026, 4, 1)
    assert march["carried"].due_at > end_of_march


def _counts(period=MARCH, now=AFTER_MARCH, key="xa-22525"):
    return counting.metric_counts(scopes.parse_scope(key), period, now=now)


def test_on_time_counts_early_on_due_day_within_and_carried_over_as_on_time(march):
    # received in March: early, on_due_day, late, within, overdue, twice, carried = 7;
    # on time at 31/03: early, on_due_day, within, carried (open then, within its deadline) = 4.
    count = _counts()["DOSSIER_ON_TIME"]
    assert (count.numerator, count.denominator) == (4, 7)


def test_a_record_ended_after_the_period_counts_as_open_then(march):
    # Resolved by 31/03: early, on_due_day, late, twice = 4 (carried ended in April).
    count = _counts()["ORIGINAL_RESULT_AVAILABLE"]
    assert (count.numerator, count.denominator) == (0, 4)
    # Judged over March and April together, carried has ended — late — and is resolved.
    spring = periods.between(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    on_time = _counts(spring)["DOSSIER_ON_TIME"]
    # early and on_due_day only: within is overdue by 30/04, carried ended late.
    assert (on_time.numerator, on_time.denominator) == (2, 7)
    assert _counts(spring)["ORIGINAL_RESULT_AVAILABLE"].denominator == 5


def test_an_open_period_is_judged_now(march):
    # On 10/03 at noon: received so far early, on_due_day, late (09/03), overdue (03/03);
    # late is still open and within its deadline then; overdue's deadline (06/03) has passed.
    count = _counts(now=local(2026, 3, 10, 12, 0))["DOSSIER_ON_TIME"]
    assert (count.numerator, count.denominator) == (3, 4)


def test_record_facts_counted(march):
    flagged = Record.objects.filter(pk__in=[march["early"].pk, march["late"].pk, march["within"].pk])
    flagged.update(channel="2", fees_total_vnd=50_000, paid_online="1", has_digitized_components=True)
    Record.objects.filter(pk=march["overdue"].pk).update(fees_total_vnd=20_000, used_population_db=True)
    Record.objects.filter(pk=march["early"].pk).update(has_e_result=True, reused_data=True)
    synced = dt.datetime(2026, 3, 20, tzinfo=dt.UTC)
    Record.objects.filter(pk__in=[march["early"].pk, march["overdue"].pk]).update(portal_synced_at=synced)
    Record.objects.filter(pk=march["late"].pk).update(from_national_data_store=True)
    rollups_refresh(buckets_of(Record.objects.all()))  # the bulk path: facts set outside services
    counts = _counts()
    as_pairs = {code: (c.numerator, c.denominator) for code, c in counts.items()}
    assert as_pairs["ONLINE_DOSSIER_RATE"] == (3, 7)
    assert as_pairs["ONLINE_PAYMENT_DOSSIER"] == (3, 4)
    assert as_pairs["ORIGINAL_RESULT_AVAILABLE"] == (1, 4)
    # digitized: early (with e-result), within (open); late is resolved without an e-result.
    assert as_pairs["SO_HOA_GIAY_TO_GIAI_QUYET"] == (2, 7)
    assert as_pairs["CITIZEN_DATA_CONNECTED_DOSSIER"] == (1, 7)
    # The test procedure has no data-replaceable component: only the record that reused counts.
    assert as_pairs["REUSED_DIGITIZED_DATA"] == (1, 1)
    assert as_pairs["DOSSIER_SYNC"] == (2, 7)
    assert as_pairs["SYNCED_WITH_DVCQG_PERSONAL_STORAGE"] == (1, 7)
    for code in ("PETITION_PROCESSING_ON_TIME", "DOSSIER_RECEIVING_SATISFACTION"):
        assert as_pairs[code] == (None, None)


def test_evidence_is_exactly_what_the_numerator_misses(march):
    Record.objects.filter(pk=march["early"].pk).update(channel="2", has_e_result=True)
    rollups_refresh(buckets_of(Record.objects.all()))
    scope = scopes.parse_scope("xa-22525")
    counts = _counts()
    for code in counting.RECORD_METRICS:
        rows = evidence.metric_evidence(scope, MARCH, code, now=AFTER_MARCH)
        assert len(rows) == counts[code].denominator - counts[code].numerator, code
    late = {
        r.code: r.reason for r in evidence.metric_evidence(scope, MARCH, "DOSSIER_ON_TIME", now=AFTER_MARCH)
    }
    assert set(late) == {march["late"].code, march["overdue"].code, march["twice"].code}
    assert late[march["twice"].code].startswith("Quá 1 lần yêu cầu bổ sung")
    assert late[march["late"].code].startswith("Trễ hạn ")
    assert late[march["overdue"].code].startswith("Quá hạn ")


def test_a_few_minutes_late_is_said_in_minutes_not_a_working_day(march):
    late = Record.objects.get(pk=march["late"].pk)
    seven_past = late.due_at + dt.timedelta(minutes=7)
    Record.objects.filter(pk=late.pk).update(ended_at=seven_past, finished_at=seven_past)
    rollups_refresh(buckets_of(Record.objects.all()))
    rows = evidence.metric_evidence(scopes.parse_scope("xa-22525"), MARCH, "DOSSIER_ON_TIME", now=AFTER_MARCH)
    assert {r.code: r.reason for r in rows}[late.code] == "Trễ hạn 7 phút (trong ngày hẹn trả)"


def test_judged_on_a_weekend_after_the_due_day_is_a_day_late_not_hours(march):
    from motcua.metrics.evidence import _lateness

    late = Record.objects.select_related("agency").get(pk=march["late"].pk)
    friday = dt.datetime(2026, 5, 29, 17, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    late.due_at = friday
    assert _lateness(late, friday + dt.timedelta(days=2, hours=6, minutes=59), {}) == "1 ngày làm việc"
    assert _lateness(late, friday + dt.timedelta(minutes=7), {}) == "7 phút (trong ngày hẹn trả)"


def test_records_of_a_predecessor_count_only_with_predecessors(province, procedure, van_hung):
    from motcua.units.models import Succession

    xuan_son = CommuneFactory(
        code="22522", name="Xã Xuân Sơn", parent=province, valid_from=dt.date(2020, 1, 1)
    )
    Succession.objects.create(
        predecessor=xuan_son, successor=van_hung.agency.unit, effective_on=dt.date(2026, 4, 1)
    )
    old = office_for(xuan_son, "H56.571.22522", procedure)
    old.approve(old.intake(local(2026, 3, 2, 8, 0)), local(2026, 3, 2, 10, 0))
    van_hung.intake(local(2026, 3, 3, 8, 0))
    year = periods.year(2026)
    now = local(2026, 6, 1)
    assert _counts(year, now, "xa-22525")["DOSSIER_ON_TIME"].denominator == 1
    assert _counts(year, now, "xa-22525+cu")["DOSSIER_ON_TIME"].denominator == 2
    assert _counts(year, now, "xa-22522")["DOSSIER_ON_TIME"].denominator == 1
