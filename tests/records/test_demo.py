"""The demo year of records: made through the services, a realistic mix, idempotent."""

import datetime as dt
import itertools
import random
from collections import Counter

import pytest
from django.utils import timezone

from motcua.records import demo
from motcua.records.clock import calendar_of
from motcua.records.lifecycle import SUBMIT_CHANNEL, State
from motcua.records.models import Channel, Record, RecordEvent
from motcua.records.timeliness import Timeliness, classify
from tests.catalog.factories import make_procedure
from tests.factories import AgencyFactory, CommuneFactory, OfferingFactory

COUNT = 200


@pytest.fixture
def communes(province):
    """Three commune UBNDs offering two procedures (3 working days and 1 working day)."""
    agencies = [
        AgencyFactory(code=f"H56.9000{i}", unit=CommuneFactory(name=name, parent=province))
        for i, name in enumerate(["Xã Vạn Hưng", "Xã Vạn Thắng", "Phường Nha Trang"])
    ]
    procedures = [
        make_procedure(),
        make_procedure(
            code="1.001193",
            name="Thủ tục đăng ký khai sinh",
            clock={"value": 1, "unit": "working_days", "assumed": False, "same_day_cutoff": False},
            process=[
                {"name": "Tiếp nhận hồ sơ", "role": "desk", "budget": 0.2},
                {"name": "Thẩm định hồ sơ", "role": "specialist", "budget": 0.5},
                {"name": "Phê duyệt kết quả", "role": "leader", "budget": 0.2},
                {"name": "Trả kết quả", "role": "desk", "budget": 0.1},
            ],
        ),
    ]
    for agency in agencies:
        for procedure in procedures:
            OfferingFactory(agency=agency, procedure=procedure)
    return agencies


def test_a_demo_year_of_real_histories_with_a_realistic_mix_made_once(communes):
    # One build (a few hundred records through the services is not cheap), three properties.
    list(demo.build_demo(COUNT))
    records = list(Record.objects.filter(summary__endswith=demo.DEMO_TAG))
    check_every_record_has_a_real_history(records)
    check_the_mix_looks_like_a_real_year(records)
    check_a_second_run_adds_nothing(records)


def check_every_record_has_a_real_history(records):
    assert len(records) == COUNT
    assert len({r.code for r in records}) == COUNT
    events = Counter()
    for record in records:
        history = list(record.events.order_by("at", "pk"))
        events.update(e.action for e in history)
        assert history[0].action in SUBMIT_CHANNEL and history[0].from_state == ""
        # Each event starts where the previous one left the record, and the last one is its state.
        for before, after in itertools.pairwise(history):
            assert after.from_state == before.to_state and after.at >= before.at
        assert history[-1].to_state == record.state
        assert demo.FIRST_DAY <= timezone.localtime(record.submitted_at).date() <= demo.LAST_DAY
    for action in ("receive", "assign", "approve", "return_result", "request_supplement", "refuse_intake"):
        assert events[action] > 0, action


def check_the_mix_looks_like_a_real_year(records):
    n = len(records)
    share = lambda count: count / n  # noqa: E731
    channels = Counter(r.channel for r in records)
    assert 0.3 <= share(channels[Channel.ONLINE]) <= 0.6
    assert 0.35 <= share(channels[Channel.COUNTER]) <= 0.65
    assert channels[Channel.POST] > 0
    timeliness = Counter(
        classify(
            due_at=r.due_at, ended_at=r.ended_at, now=demo.DEMO_NOW, supplement_requests=r.supplement_count
        )
        for r in records
    )
    on_time = timeliness[Timeliness.EARLY] + timeliness[Timeliness.ON_TIME]
    late = timeliness[Timeliness.LATE] + timeliness[Timeliness.OVERDUE]
    assert share(on_time) >= 0.75
    assert 0.02 <= share(late) <= 0.15
    assert 0.03 <= share(sum(r.supplement_count > 0 for r in records)) <= 0.15
    assert any(r.extension_count for r in records)
    assert any(r.agency_id != r.receiving_agency_id for r in records)  # phi địa giới
    states = Counter(r.state for r in records)
    assert states[State.RETURNED] / n >= 0.75
    assert states[State.WITHDRAWN] and states[State.REFUSED]
    still_open = sum(not State(r.state).is_terminal and r.state != State.RETURNED for r in records)
    assert 0 < still_open <= 0.1 * n
    assert any(timezone.localtime(r.received_at).hour >= 15 for r in records if r.received_at)


def check_a_second_run_adds_nothing(records):
    events = RecordEvent.objects.count()
    again = list(demo.build_demo(COUNT))
    assert Record.objects.count() == len(records)
    assert RecordEvent.objects.count() == events
    assert "không tạo thêm" in again[-1]


def test_the_plan_is_the_same_every_time(communes):
    agencies = demo._commune_agencies()
    offered = demo._offered(agencies)
    first = demo._plan(300, agencies, offered, random.Random(demo.SEED))
    second = demo._plan(300, agencies, offered, random.Random(demo.SEED))
    assert [(p.at, p.fate, p.applicant) for p in first] == [(p.at, p.fate, p.applicant) for p in second]
    days = Counter(timezone.localtime(p.at).date() for p in first)
    assert min(days) >= demo.FIRST_DAY and max(days) <= demo.LAST_DAY


def test_the_days_before_tet_and_30_4_are_rush_days(communes):
    calendar = calendar_of(communes[0])
    span = (demo.LAST_DAY - demo.FIRST_DAY).days + 1
    days = [demo.FIRST_DAY + dt.timedelta(days=i) for i in range(span)]
    rush = demo._rush_days(calendar, [d for d in days if calendar.is_working_day(d)])
    assert dt.date(2026, 2, 13) in rush  # the last working day before Tết Bính Ngọ
    assert dt.date(2026, 4, 29) in rush
    assert dt.date(2026, 3, 18) not in rush
