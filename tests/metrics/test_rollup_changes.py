"""The rollups hold each record's counters as changes by day (metrics.rollups); summed up to the
judging day, plus that day's changes counted live, they must give exactly what counting every
record at the judging moment gives (metrics.facts) — for any history and any moment."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.metrics import counting, facts, periods
from motcua.metrics.rollups import rollups_rebuild
from motcua.metrics.scopes import Members
from motcua.metrics.window import window
from motcua.records.models import Record
from motcua.records.rules import RULE_SETS
from motcua.records.timeliness import LOCAL_TZ
from tests.factories import AgencyFactory, ProcedureFactory

BASE = dt.datetime(2026, 3, 1, 0, 0, tzinfo=LOCAL_TZ)
TICK = dt.timedelta(microseconds=1)


@pytest.fixture
def agency(db):
    return AgencyFactory()


@pytest.fixture
def procedure(db):
    return ProcedureFactory()


# Moments within ~two months, on the hour, or a microsecond either side of a local midnight —
# where a day boundary decides.
hour = st.integers(min_value=0, max_value=24 * 62)
moment = st.one_of(
    hour.map(lambda h: BASE + dt.timedelta(hours=h)),
    st.tuples(st.integers(0, 62), st.sampled_from([-TICK, dt.timedelta(0), TICK])).map(
        lambda t: BASE + dt.timedelta(days=t[0]) + t[1]
    ),
)
history = st.fixed_dictionaries(
    {
        "received": moment,
        "due": st.none() | moment,
        "ended": st.none() | moment,
        "paused": st.none() | moment,
        "supplements": st.integers(0, 3),
        "finished": st.booleans(),
        "e_result": st.booleans(),
        "digitized": st.booleans(),
        "synced": st.booleans(),
        "rule_set": st.sampled_from([r.code for r in RULE_SETS]),
    }
)


def _create(agency, procedure, n: int, h: dict) -> None:
    ended = h["ended"]
    Record.objects.create(
        code=f"TEST-{n}",
        procedure=procedure,
        agency=agency,
        receiving_agency=agency,
        unit=agency.unit,
        receiving_unit=agency.unit,
        state="in_progress",
        applicant_name="Phạm Thị Lan",
        submitted_at=h["received"],
        received_at=h["received"],
        due_at=h["due"],
        ended_at=ended,
        finished_at=ended if ended is not None and h["finished"] else None,
        clock_paused_at=h["paused"],
        supplement_count=h["supplements"],
        has_e_result=h["e_result"],
        has_digitized_components=h["digitized"],
        portal_synced_at=h["received"] if h["synced"] else None,
        rule_set=h["rule_set"],
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    histories=st.lists(history, min_size=1, max_size=6),
    at=moment,
    first=st.integers(0, 40),
    length=st.integers(0, 30),
)
def test_rollup_path_equals_counting_every_record(agency, procedure, histories, at, first, length):
    Record.objects.all().delete()
    for n, h in enumerate(histories):
        _create(agency, procedure, n, h)
    rollups_rebuild()
    start = BASE.date() + dt.timedelta(days=first)
    period = periods.between(start, start + dt.timedelta(days=length))
    win = window(period, at)
    who = Members(unit_ids=(agency.unit_id,))
    judged = facts.conditions(win.at)
    expected = {
        name: facts.annotate(counting.period_records(who, win)).filter(judged[name]).count()
        for name in facts.COUNTERS
    }
    assert counting.record_totals(who, period, win) == expected
    by_agency = Members(unit_ids=(agency.unit_id,), agency_id=agency.pk)
    assert counting.record_totals(by_agency, period, win) == expected
