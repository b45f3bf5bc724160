"""The record state machine: every allowed and every forbidden transition, and what the law pins."""

import itertools

import pytest

from motcua.accounts.models import Role
from motcua.records.lifecycle import (
    NATIONAL_STATUS,
    SUBMIT_CHANNEL,
    TERMINAL_STATES,
    TRANSITIONS,
    Action,
    ActionNotAllowed,
    Actor,
    ActorNotAllowed,
    ClockEffect,
    Form,
    State,
    TransitionError,
    allowed_actions,
    check,
)

STATES: list[State | None] = [None, *State]


def _row(state, action):
    rows = [t for t in TRANSITIONS if t.from_state == state and t.action == action]
    assert len(rows) <= 1
    return rows[0] if rows else None


@pytest.mark.parametrize("state", STATES, ids=lambda s: "new" if s is None else s.value)
def test_every_transition_is_allowed_or_refused_with_a_reason(state):
    for action, actor in itertools.product(Action, Actor):
        row = _row(state, action)
        if row is None:
            with pytest.raises(ActionNotAllowed) as err:
                check(state, action, [actor])
            assert err.value.status == 409
            assert str(action.label) in err.value.message
        elif actor not in row.actors:
            with pytest.raises(ActorNotAllowed) as err:
                check(state, action, [actor])
            assert err.value.status == 403
            assert err.value.code == "actor-not-allowed"
            assert row not in allowed_actions(state, [actor])
        else:
            assert check(state, action, [actor]) is row
            assert row in allowed_actions(state, [actor])


def test_one_row_per_action_and_from_state():
    keys = [(t.from_state, t.action) for t in TRANSITIONS]
    assert len(keys) == len(set(keys))


def test_staff_actors_are_the_account_roles():
    staff = {Actor.DESK, Actor.SPECIALIST, Actor.LEADER}
    assert staff <= set(Role.values)


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.UNIT_ADMIN, Role.PROVINCE_ADMIN])
def test_read_only_and_admin_roles_change_no_record(role):
    assert all(allowed_actions(state, [role]) == [] for state in STATES)
    with pytest.raises(ActorNotAllowed):
        check(State.SUBMITTED, Action.RECEIVE, [role])


def test_a_user_with_several_roles_gets_the_union_of_their_buttons():
    desk = {t.action for t in allowed_actions(State.RECEIVED, [Role.DESK_OFFICER])}
    leader = {t.action for t in allowed_actions(State.RECEIVED, [Role.LEADER])}
    both = {t.action for t in allowed_actions(State.RECEIVED, [Role.DESK_OFFICER, Role.LEADER])}
    assert both == desk | leader
    assert Action.STOP in both - desk


def test_terminal_states_have_no_way_out():
    for state in TERMINAL_STATES:
        assert [t for t in TRANSITIONS if t.from_state == state] == []


def test_every_state_is_reachable_and_every_open_record_can_end():
    reached, frontier = set(), [None]
    while frontier:
        here = frontier.pop()
        for t in TRANSITIONS:
            if t.from_state == here and t.to_state not in reached:
                reached.add(t.to_state)
                frontier.append(t.to_state)
    assert reached == set(State)
    ends = TERMINAL_STATES | {State.RETURNED}
    for state in set(State) - ends:
        seen, frontier = {state}, [state]
        while frontier:
            here = frontier.pop()
            for t in TRANSITIONS:
                if t.from_state == here and t.to_state not in seen:
                    seen.add(t.to_state)
                    frontier.append(t.to_state)
        assert seen & ends, state


def test_the_clock_starts_only_at_receipt_and_stops_at_every_end_after_it():
    starts = [t for t in TRANSITIONS if t.clock == ClockEffect.START]
    assert [(t.action, t.from_state) for t in starts] == [(Action.RECEIVE, State.SUBMITTED)]
    running = {State.RECEIVED, State.IN_PROGRESS, State.SUPPLEMENT}
    for t in TRANSITIONS:
        if t.from_state in running and (t.to_state in TERMINAL_STATES or t.to_state == State.RESOLVED):
            assert t.clock == ClockEffect.STOP, t


def test_supplement_request_pauses_and_its_return_follows_the_rule_set():
    for t in TRANSITIONS:
        if t.action == Action.REQUEST_SUPPLEMENT and t.to_state == State.SUPPLEMENT:
            assert t.clock == ClockEffect.PAUSE
    back = check(State.SUPPLEMENT, Action.SUPPLEMENT_RECEIVED, [Actor.APPLICANT])
    assert back.clock == ClockEffect.BY_RULE_SET
    # Before receipt no clock runs: asking for a supplement at intake changes nothing.
    assert check(State.SUBMITTED, Action.REQUEST_SUPPLEMENT, [Actor.DESK]).clock == ClockEffect.NONE


def test_forms_issued_by_the_transitions_the_law_names():
    def issued_by(form):
        return {t.action for t in TRANSITIONS if t.form == form}

    assert issued_by(Form.M01) == {Action.RECEIVE}
    assert issued_by(Form.M02) == {Action.REQUEST_SUPPLEMENT}
    assert issued_by(Form.M03) == {Action.REFUSE_INTAKE}
    assert issued_by(Form.M04) == {Action.EXTEND}
    assert issued_by(Form.M05) == {Action.STOP, Action.WITHDRAW}
    # Mẫu 06 is a running sheet filled at each hand-over, Mẫu 07 a register: no transition issues them.
    assert issued_by(Form.M06) == issued_by(Form.M07) == set()
    assert any(t.handover for t in TRANSITIONS)


def test_only_a_leader_extends_approves_refuses_or_stops():
    for action in (Action.EXTEND, Action.APPROVE, Action.REFUSE, Action.STOP):
        for t in TRANSITIONS:
            if t.action == action:
                assert t.actors == {Actor.LEADER}, t


def test_applicant_submits_online_and_the_desk_files_the_other_channels():
    assert check(None, Action.SUBMIT_ONLINE, [Actor.APPLICANT]).to_state == State.SUBMITTED
    for action in (Action.SUBMIT_ASSISTED, Action.SUBMIT_COUNTER, Action.SUBMIT_POST):
        with pytest.raises(ActorNotAllowed):
            check(None, action, [Actor.APPLICANT])
        assert check(None, action, [Actor.DESK]).to_state == State.SUBMITTED
    submits = {t.action for t in TRANSITIONS if t.from_state is None}
    assert submits == set(SUBMIT_CHANNEL)
    assert SUBMIT_CHANNEL[Action.SUBMIT_ASSISTED] == SUBMIT_CHANNEL[Action.SUBMIT_ONLINE] == "2"


def test_happy_path_walks_to_returned():
    path = [
        (None, Action.SUBMIT_ONLINE, Actor.APPLICANT),
        (State.SUBMITTED, Action.RECEIVE, Actor.DESK),
        (State.RECEIVED, Action.ASSIGN, Actor.LEADER),
        (State.IN_PROGRESS, Action.REQUEST_SUPPLEMENT, Actor.SPECIALIST),
        (State.SUPPLEMENT, Action.SUPPLEMENT_RECEIVED, Actor.APPLICANT),
        (State.IN_PROGRESS, Action.EXTEND, Actor.LEADER),
        (State.IN_PROGRESS, Action.APPROVE, Actor.LEADER),
        (State.RESOLVED, Action.RETURN_RESULT, Actor.DESK),
    ]
    state = None
    for expected_from, action, actor in path:
        assert state == expected_from
        state = check(state, action, [actor]).to_state
    assert state == State.RETURNED
    assert state.national_code == 10


def test_a_returned_result_can_be_corrected_and_returned_again():
    t = check(State.RETURNED, Action.CORRECT_RESULT, [Actor.SPECIALIST])
    assert t.to_state == State.RESOLVED
    assert check(t.to_state, Action.RETURN_RESULT, [Actor.DESK]).to_state == State.RETURNED


def test_national_status_codes_are_the_sync_codes():
    assert set(NATIONAL_STATUS) == set(State)
    assert State.SUBMITTED.national_code == 1
    assert State.RECEIVED.national_code == 2
    assert State.REFUSED.national_code == 3
    assert State.IN_PROGRESS.national_code == 4
    assert State.SUPPLEMENT.national_code == 5
    assert State.WITHDRAWN.national_code == 7
    assert State.STOPPED.national_code == 8
    assert State.RESOLVED.national_code == 9
    assert State.RETURNED.national_code == 10
    # "A system that sends 5, 6 or 8 as 9 distorts the statistics."
    waiting_or_stopped = {s for s in State if s.national_code in {5, 8}}
    assert waiting_or_stopped == {State.INTAKE_SUPPLEMENT, State.SUPPLEMENT, State.CLOSED, State.STOPPED}


def test_refusal_message_is_vietnamese_and_names_state_and_action():
    with pytest.raises(TransitionError) as err:
        check(State.RETURNED, Action.EXTEND, [Actor.LEADER])
    assert err.value.message == (
        "Không thể thực hiện “Xin lỗi và hẹn lại ngày trả” khi hồ sơ ở trạng thái “Đã trả kết quả”."
    )
    assert err.value.code == "action-not-allowed-in-state"
    with pytest.raises(ActorNotAllowed) as err:
        check(State.IN_PROGRESS, Action.APPROVE, [Actor.SPECIALIST])
    assert "Lãnh đạo" in err.value.message


def test_unknown_role_strings_are_ignored_not_fatal():
    assert allowed_actions(State.SUBMITTED, ["nobody"]) == []
    with pytest.raises(ActorNotAllowed):
        check(State.SUBMITTED, Action.RECEIVE, ["nobody"])
