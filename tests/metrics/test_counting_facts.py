"""The SQL spelling of "on time" (metrics.facts) agrees with records.timeliness.classify — the one
classification — on every combination of due date, end, pause, supplements and judging moment."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.metrics import facts
from motcua.records.models import Record
from motcua.records.rules import RULE_SETS
from motcua.records.timeliness import LOCAL_TZ, Timeliness, classify
from tests.factories import AgencyFactory, ProcedureFactory

BASE = dt.datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)
ON_TIME = {Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.WITHIN, Timeliness.NO_DEADLINE}


@pytest.fixture
def record(db):
    agency = AgencyFactory()
    return Record.objects.create(
        code="TEST-1",
        procedure=ProcedureFactory(),
        agency=agency,
        receiving_agency=agency,
        unit=agency.unit,
        receiving_unit=agency.unit,
        state="in_progress",
        applicant_name="Phạm Thị Lan",
        submitted_at=BASE,
        received_at=BASE,
        rule_set=RULE_SETS[-1].code,
    )


def _moment(hours: int | None) -> dt.datetime | None:
    return None if hours is None else BASE + dt.timedelta(hours=hours)


hours = st.integers(min_value=0, max_value=24 * 20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    due=st.none() | hours,
    ended=st.none() | hours,
    paused=st.none() | hours,
    supplements=st.integers(min_value=0, max_value=3),
    at=hours,
    rule_set=st.sampled_from(RULE_SETS),
)
def test_sql_on_time_is_classify(record, due, ended, paused, supplements, at, rule_set):
    due_at, ended_at, paused_at, judged_at = _moment(due), _moment(ended), _moment(paused), _moment(at)
    Record.objects.filter(pk=record.pk).update(
        due_at=due_at,
        ended_at=ended_at,
        clock_paused_at=paused_at,
        supplement_count=supplements,
        rule_set=rule_set.code,
    )
    in_sql = (
        facts.annotate(Record.objects.filter(pk=record.pk))
        .filter(facts.conditions(judged_at)["on_time"])
        .exists()
    )
    verdict = classify(
        due_at=due_at,
        ended_at=ended_at if ended_at is not None and ended_at <= judged_at else None,
        now=judged_at,
        paused=paused_at is not None and paused_at <= judged_at,
        supplement_requests=supplements,
        max_supplement_requests=rule_set.max_supplement_requests,
    )
    assert in_sql == (verdict in ON_TIME), verdict
