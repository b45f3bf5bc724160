"""Rule sets with effective dates, and the guards that read them."""

import datetime as dt
import itertools

import pytest

from motcua.records.lifecycle import (
    Action,
    Actor,
    ClockEffect,
    Form,
    GuardFailed,
    State,
    check,
    check_close_unsupplemented,
    check_extension,
    correction_is_late,
    supplement_request_timing,
)
from motcua.records.rules import (
    ND61_2018,
    ND118_2025,
    RULE_SETS,
    NoRuleSet,
    paper_transfer_due,
    rules_at,
)


def mon_fri(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`, weekends off (holidays are `workdays`' job)."""
    return sum(1 for n in range(1, (end - start).days + 1) if (start + dt.timedelta(days=n)).weekday() < 5)


def next_mon_fri(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


THU = dt.date(2026, 10, 8)  # a Thursday


def test_rule_sets_cover_time_from_nd61_on_without_gap_or_overlap():
    ordered = sorted(RULE_SETS, key=lambda r: r.valid_from)
    for before, after in itertools.pairwise(ordered):
        assert before.valid_to is not None
        assert after.valid_from == before.valid_to + dt.timedelta(days=1)
    assert ordered[-1].valid_to is None


def test_the_record_is_judged_by_the_rules_in_force_when_received():
    assert rules_at(dt.date(2025, 6, 30)) is ND61_2018
    assert rules_at(dt.date(2025, 7, 1)) is ND118_2025
    assert rules_at(dt.date(2026, 11, 25)) is ND118_2025
    with pytest.raises(NoRuleSet):
        rules_at(dt.date(2018, 6, 20))


def test_returned_supplement_resumes_under_nd61_and_restarts_under_nd118():
    back = check(State.SUPPLEMENT, Action.SUPPLEMENT_RECEIVED, [Actor.DESK])
    assert rules_at(dt.date(2024, 3, 15)).clock_effect(back) == ClockEffect.RESUME
    assert rules_at(dt.date(2026, 3, 16)).clock_effect(back) == ClockEffect.RESTART
    receive = check(State.SUBMITTED, Action.RECEIVE, [Actor.DESK])
    assert ND61_2018.clock_effect(receive) == ND118_2025.clock_effect(receive) == ClockEffect.START


def test_register_form_exists_only_from_tt03_2025():
    assert Form.M07 not in ND61_2018.forms
    assert Form.M07 in ND118_2025.forms


@pytest.mark.parametrize(
    ("requested_on", "late"),
    [
        (THU + dt.timedelta(days=5), False),  # Tue: Fri, Mon, Tue = 3rd working day
        (THU + dt.timedelta(days=6), True),  # Wed: 4th working day
    ],
)
def test_supplement_request_after_three_working_days_is_flagged(requested_on, late):
    timing = supplement_request_timing(
        rules=ND118_2025, received_on=THU, requested_on=requested_on, earlier_requests=0, working_days=mon_fri
    )
    assert timing.late is late
    if late:
        assert timing.reasons == ("Yêu cầu bổ sung sau 3 ngày làm việc kể từ ngày tiếp nhận.",)


def test_a_second_supplement_request_is_flagged_and_intake_requests_have_no_window():
    timing = supplement_request_timing(
        rules=ND118_2025, received_on=None, requested_on=THU, earlier_requests=1, working_days=mon_fri
    )
    assert timing.late
    assert "chỉ được yêu cầu một lần" in timing.reasons[0]
    first = supplement_request_timing(
        rules=ND118_2025, received_on=None, requested_on=THU, earlier_requests=0, working_days=mon_fri
    )
    assert not first.late


def test_extension_is_allowed_once_and_at_least_one_day_before_the_due_date():
    due = dt.date(2026, 10, 20)
    check_extension(
        rules=ND118_2025,
        today=due - dt.timedelta(days=1),
        due_on=due,
        earlier_extensions=0,
        working_days=mon_fri,
    )
    with pytest.raises(GuardFailed) as err:
        check_extension(rules=ND118_2025, today=due, due_on=due, earlier_extensions=0, working_days=mon_fri)
    assert err.value.code == "extension-too-late"
    assert "20/10/2026" in err.value.message
    with pytest.raises(GuardFailed) as err:
        check_extension(
            rules=ND118_2025,
            today=due - dt.timedelta(days=5),
            due_on=due,
            earlier_extensions=1,
            working_days=mon_fri,
        )
    assert err.value.code == "extension-already-used"


def test_dossier_without_supplement_closes_only_after_15_days_and_only_under_nd118():
    period = ND118_2025.supplement_close_after
    assert period is not None
    last_waiting_day = THU + dt.timedelta(days=period.amount)
    with pytest.raises(GuardFailed) as err:
        check_close_unsupplemented(
            rules=ND118_2025, requested_on=THU, today=last_waiting_day, working_days=mon_fri
        )
    assert err.value.code == "close-too-early"
    check_close_unsupplemented(
        rules=ND118_2025,
        requested_on=THU,
        today=last_waiting_day + dt.timedelta(days=1),
        working_days=mon_fri,
    )
    with pytest.raises(GuardFailed) as err:
        check_close_unsupplemented(
            rules=ND61_2018, requested_on=THU, today=THU + dt.timedelta(days=60), working_days=mon_fri
        )
    assert err.value.code == "close-not-provided"


def test_correction_after_three_working_days_is_late():
    assert not correction_is_late(
        rules=ND118_2025, reported_on=THU, corrected_on=THU + dt.timedelta(days=5), working_days=mon_fri
    )
    assert correction_is_late(
        rules=ND118_2025, reported_on=THU, corrected_on=THU + dt.timedelta(days=6), working_days=mon_fri
    )
    # NĐ 61 set no correction period: nothing to flag.
    assert not correction_is_late(
        rules=ND61_2018, reported_on=THU, corrected_on=THU + dt.timedelta(days=30), working_days=mon_fri
    )


@pytest.mark.parametrize(
    ("received_at", "due"),
    [
        (dt.datetime(2026, 10, 9, 15, 0), dt.date(2026, 10, 9)),  # Fri 15:00: same day
        (dt.datetime(2026, 10, 9, 15, 1), dt.date(2026, 10, 12)),  # Fri after 15:00: Monday
        # 08:30 UTC is 15:30 in Hà Nội time: after the cut-off.
        (dt.datetime(2026, 10, 8, 8, 30, tzinfo=dt.UTC), dt.date(2026, 10, 9)),
    ],
)
def test_paper_goes_the_same_day_or_the_next_working_day_after_15h(received_at, due):
    assert paper_transfer_due(received_at, rules=ND118_2025, next_working_day=next_mon_fri) == due


def test_record_code_pattern_matches_the_national_example():
    match = ND118_2025.record_code_regex().fullmatch("H15.50.05.13-261008-0975")
    assert match is not None
    assert match["agency"] == "H15.50.05.13"
    assert ND118_2025.record_code_regex().fullmatch("h15.50-261008-0975") is None
