"""The life of a record as one readable table (NĐ 118/2025 Điều 15–23, TT 03/2025 Mẫu 01–07).

Services check every state change here, pages show the buttons `allowed_actions` returns, the API
exposes one endpoint per action and `docs/lifecycle.md` is generated from `TRANSITIONS`. Pure: no
database, no settings. Rules whose figures the law may change (windows, counts) live in `rules.py`
as rule sets with effective dates; the guards below take those figures and the facts as arguments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from motcua.records.rules import RuleSet


class State(TextChoices):
    SUBMITTED = "submitted", _("Mới đăng ký")
    INTAKE_SUPPLEMENT = "intake_supplement", _("Yêu cầu bổ sung trước khi tiếp nhận")
    REFUSED = "refused", _("Không được tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung hồ sơ")
    CLOSED = "closed", _("Đóng do không bổ sung")
    STOPPED = "stopped", _("Dừng xử lý")
    WITHDRAWN = "withdrawn", _("Công dân yêu cầu rút hồ sơ")
    RESOLVED = "resolved", _("Đã xử lý xong")
    RETURNED = "returned", _("Đã trả kết quả")

    @property
    def national_code(self) -> int:
        """TrangThaiHoSo of the national sync (spec/dvcqg-sync.md); sent as it is, never rounded to 9."""
        return NATIONAL_STATUS[self]

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES


# Code 6 (waiting for a payment) has no state yet: fees are not part of this table.
NATIONAL_STATUS: dict[State, int] = {
    State.SUBMITTED: 1,
    State.INTAKE_SUPPLEMENT: 5,
    State.REFUSED: 3,
    State.RECEIVED: 2,
    State.IN_PROGRESS: 4,
    State.SUPPLEMENT: 5,
    # Điều 19.5 closes the dossier; the sync has no "closed" code, "Dừng xử lý" is the true one.
    State.CLOSED: 8,
    State.STOPPED: 8,
    State.WITHDRAWN: 7,
    State.RESOLVED: 9,
    State.RETURNED: 10,
}

# RESOLVED is not terminal: the result still has to be returned (and may be corrected after).
TERMINAL_STATES = frozenset({State.REFUSED, State.CLOSED, State.STOPPED, State.WITHDRAWN})


class Action(TextChoices):
    SUBMIT_ONLINE = "submit_online", _("Nộp trực tuyến")
    SUBMIT_ASSISTED = "submit_assisted", _("Nộp trực tuyến thay công dân")
    SUBMIT_COUNTER = "submit_counter", _("Nộp trực tiếp tại Bộ phận Một cửa")
    SUBMIT_POST = "submit_post", _("Nộp qua bưu chính công ích")
    RECEIVE = "receive", _("Tiếp nhận hồ sơ")
    REFUSE_INTAKE = "refuse_intake", _("Từ chối tiếp nhận")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung, hoàn thiện hồ sơ")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Nhận hồ sơ bổ sung")
    CLOSE_UNSUPPLEMENTED = "close_unsupplemented", _("Đóng hồ sơ không được bổ sung")
    ASSIGN = "assign", _("Phân công xử lý")
    FORWARD = "forward", _("Trình lãnh đạo phê duyệt")
    TRANSFER = "transfer", _("Chuyển cơ quan khác")
    CONSULT = "consult", _("Lấy ý kiến cơ quan khác")
    CONSULT_REPLY = "consult_reply", _("Ghi nhận ý kiến được hỏi")
    EXTEND = "extend", _("Xin lỗi và hẹn lại ngày trả")
    STOP = "stop", _("Dừng giải quyết")
    WITHDRAW = "withdraw", _("Rút hồ sơ")
    APPROVE = "approve", _("Phê duyệt kết quả")
    REFUSE = "refuse", _("Từ chối giải quyết (nêu rõ lý do)")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    CORRECT_RESULT = "correct_result", _("Đính chính kết quả sai sót")


class Actor(TextChoices):
    """Who may act. Staff values equal `accounts.models.Role` values (a test keeps them in step)."""

    APPLICANT = "applicant", _("Người nộp hồ sơ")
    DESK = "desk", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    SYSTEM = "system", _("Hệ thống (tự động)")


class Form(TextChoices):
    M01 = "M01", _("Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    M02 = "M02", _("Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    M03 = "M03", _("Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    M04 = "M04", _("Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn")
    M05 = "M05", _("Mẫu 05 — Thông báo dừng giải quyết")
    M06 = "M06", _("Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ")
    M07 = "M07", _("Mẫu 07 — Sổ theo dõi hồ sơ")


class ClockEffect(TextChoices):
    NONE = "none", _("Không đổi")
    START = "start", _("Bắt đầu tính hạn")
    PAUSE = "pause", _("Tạm dừng tính hạn")
    RESUME = "resume", _("Tính tiếp thời hạn còn lại")
    RESTART = "restart", _("Tính lại từ đầu")
    BY_RULE_SET = "by_rule_set", _("Theo quy định có hiệu lực khi tiếp nhận (tính tiếp hoặc tính lại)")
    EXTEND = "extend", _("Gia hạn (một lần)")
    STOP = "stop", _("Kết thúc tính hạn")


# Channel of each submit action, as KenhThucHien of the national sync: 1 in person, 2 online, 3 post.
SUBMIT_CHANNEL: dict[Action, str] = {
    Action.SUBMIT_ONLINE: "2",
    Action.SUBMIT_ASSISTED: "2",
    Action.SUBMIT_COUNTER: "1",
    Action.SUBMIT_POST: "3",
}


@dataclass(frozen=True)
class Transition:
    action: Action
    from_state: State | None  # None: the record does not exist yet
    to_state: State
    actors: frozenset[Actor]
    form: Form | None
    clock: ClockEffect
    handover: bool  # adds a line to the control sheet (Mẫu 06)
    basis: str  # where the rule comes from


def _t(
    action: Action,
    from_state: State | None,
    to_state: State,
    actors: set[Actor],
    form: Form | None,
    clock: ClockEffect,
    handover: bool,
    basis: str,
) -> Transition:
    return Transition(action, from_state, to_state, frozenset(actors), form, clock, handover, basis)


A, S, R, F, C = Action, State, Actor, Form, ClockEffect
APPLICANT, DESK, SPECIALIST, LEADER, SYSTEM = R.APPLICANT, R.DESK, R.SPECIALIST, R.LEADER, R.SYSTEM
_STAFF = {DESK, SPECIALIST, LEADER}

# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    #  action                  from                  to                  actors                     form   clock            M06    basis
    _t(A.SUBMIT_ONLINE,        None,                 S.SUBMITTED,        {APPLICANT},               None,  C.NONE,          False, "NĐ 118 Điều 15"),
    _t(A.SUBMIT_ASSISTED,      None,                 S.SUBMITTED,        {DESK},                    None,  C.NONE,          False, "NĐ 118 Điều 15, 17.1"),
    _t(A.SUBMIT_COUNTER,       None,                 S.SUBMITTED,        {DESK},                    None,  C.NONE,          False, "NĐ 118 Điều 15"),
    _t(A.SUBMIT_POST,          None,                 S.SUBMITTED,        {DESK},                    None,  C.NONE,          False, "NĐ 118 Điều 15"),
    _t(A.RECEIVE,              S.SUBMITTED,          S.RECEIVED,         {DESK},                    F.M01, C.START,         True,  "NĐ 118 Điều 17.1, 17.3"),
    _t(A.REFUSE_INTAKE,        S.SUBMITTED,          S.REFUSED,          {DESK},                    F.M03, C.NONE,          False, "NĐ 118 Điều 17.1"),
    _t(A.REQUEST_SUPPLEMENT,   S.SUBMITTED,          S.INTAKE_SUPPLEMENT, {DESK},                   F.M02, C.NONE,          False, "NĐ 118 Điều 16.3, 17.1"),
    _t(A.REQUEST_SUPPLEMENT,   S.RECEIVED,           S.SUPPLEMENT,       {DESK, SPECIALIST},        F.M02, C.PAUSE,         False, "NĐ 118 Điều 19.5"),
    _t(A.REQUEST_SUPPLEMENT,   S.IN_PROGRESS,        S.SUPPLEMENT,       {SPECIALIST, LEADER},      F.M02, C.PAUSE,         False, "NĐ 118 Điều 19.5"),
    _t(A.SUPPLEMENT_RECEIVED,  S.INTAKE_SUPPLEMENT,  S.SUBMITTED,        {APPLICANT, DESK},         None,  C.NONE,          False, "NĐ 118 Điều 17.1"),
    _t(A.SUPPLEMENT_RECEIVED,  S.SUPPLEMENT,         S.IN_PROGRESS,      {APPLICANT, DESK},         None,  C.BY_RULE_SET,   False, "NĐ 118 Điều 19.5; NĐ 61/2018"),
    _t(A.CLOSE_UNSUPPLEMENTED, S.SUPPLEMENT,         S.CLOSED,           {DESK, SYSTEM},            None,  C.STOP,          False, "NĐ 118 Điều 19.5"),
    _t(A.ASSIGN,               S.RECEIVED,           S.IN_PROGRESS,      {DESK, LEADER},            None,  C.NONE,          True,  "NĐ 118 Điều 18"),
    _t(A.ASSIGN,               S.IN_PROGRESS,        S.IN_PROGRESS,      {LEADER},                  None,  C.NONE,          True,  "NĐ 118 Điều 19"),
    _t(A.FORWARD,              S.IN_PROGRESS,        S.IN_PROGRESS,      {SPECIALIST},              None,  C.NONE,          True,  "NĐ 118 Điều 19"),
    _t(A.TRANSFER,             S.RECEIVED,           S.RECEIVED,         {DESK},                    None,  C.NONE,          True,  "NĐ 118 Điều 14.2, 18, 20.1"),
    _t(A.TRANSFER,             S.IN_PROGRESS,        S.IN_PROGRESS,      {SPECIALIST, LEADER},      None,  C.NONE,          True,  "NĐ 118 Điều 18, 19"),
    _t(A.CONSULT,              S.IN_PROGRESS,        S.IN_PROGRESS,      {SPECIALIST, LEADER},      None,  C.NONE,          False, "NĐ 118 Điều 19"),
    _t(A.CONSULT_REPLY,        S.IN_PROGRESS,        S.IN_PROGRESS,      {SPECIALIST, LEADER},      None,  C.NONE,          False, "NĐ 118 Điều 19"),
    _t(A.EXTEND,               S.IN_PROGRESS,        S.IN_PROGRESS,      {LEADER},                  F.M04, C.EXTEND,        False, "NĐ 118 Điều 19.6"),
    _t(A.STOP,                 S.RECEIVED,           S.STOPPED,          {LEADER},                  F.M05, C.STOP,          False, "NĐ 118 Điều 21"),
    _t(A.STOP,                 S.IN_PROGRESS,        S.STOPPED,          {LEADER},                  F.M05, C.STOP,          False, "NĐ 118 Điều 21"),
    _t(A.STOP,                 S.SUPPLEMENT,         S.STOPPED,          {LEADER},                  F.M05, C.STOP,          False, "NĐ 118 Điều 21"),
    _t(A.WITHDRAW,             S.SUBMITTED,          S.WITHDRAWN,        {APPLICANT, DESK},         None,  C.NONE,          False, "NĐ 118 Điều 21"),
    _t(A.WITHDRAW,             S.INTAKE_SUPPLEMENT,  S.WITHDRAWN,        {APPLICANT, DESK},         None,  C.NONE,          False, "NĐ 118 Điều 21"),
    _t(A.WITHDRAW,             S.RECEIVED,           S.WITHDRAWN,        {APPLICANT, DESK},         F.M05, C.STOP,          False, "NĐ 118 Điều 21"),
    _t(A.WITHDRAW,             S.IN_PROGRESS,        S.WITHDRAWN,        {APPLICANT, DESK},         F.M05, C.STOP,          False, "NĐ 118 Điều 21"),
    _t(A.WITHDRAW,             S.SUPPLEMENT,         S.WITHDRAWN,        {APPLICANT, DESK},         F.M05, C.STOP,          False, "NĐ 118 Điều 21"),
    _t(A.APPROVE,              S.IN_PROGRESS,        S.RESOLVED,         {LEADER},                  None,  C.STOP,          True,  "NĐ 118 Điều 19, 22"),
    _t(A.REFUSE,               S.IN_PROGRESS,        S.RESOLVED,         {LEADER},                  None,  C.STOP,          True,  "NĐ 118 Điều 19.3"),
    _t(A.RETURN_RESULT,        S.RESOLVED,           S.RETURNED,         {DESK},                    None,  C.NONE,          True,  "NĐ 118 Điều 20.1, 22"),
    _t(A.CORRECT_RESULT,       S.RESOLVED,           S.RESOLVED,         {SPECIALIST, LEADER},      None,  C.NONE,          False, "NĐ 118 Điều 23.1"),
    _t(A.CORRECT_RESULT,       S.RETURNED,           S.RESOLVED,         {SPECIALIST, LEADER},      None,  C.NONE,          True,  "NĐ 118 Điều 23.1"),
)
# fmt: on

_BY_KEY: dict[tuple[State | None, Action], Transition] = {(t.from_state, t.action): t for t in TRANSITIONS}


class TransitionError(Exception):
    """A refused state change. `code` is stable (the API maps it to problem details), the message
    is Vietnamese for the user; `status` is the HTTP status it deserves."""

    code = "transition-error"
    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ActionNotAllowed(TransitionError):
    code = "action-not-allowed-in-state"
    status = 409


class ActorNotAllowed(TransitionError):
    code = "actor-not-allowed"
    status = 403


class GuardFailed(TransitionError):
    status = 422

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def _state_label(state: State | None) -> str:
    return str(_("hồ sơ chưa nộp")) if state is None else str(state.label)


def transitions_from(state: State | None) -> list[Transition]:
    return [t for t in TRANSITIONS if t.from_state == state]


def allowed_actions(state: State | None, actors: Iterable[str]) -> list[Transition]:
    """The transitions any of `actors` may make from `state`, in table order (the buttons to show)."""
    held = {Actor(a) for a in actors if a in Actor.values}
    return [t for t in transitions_from(state) if t.actors & held]


def check(state: State | None, action: Action, actors: Iterable[str]) -> Transition:
    """The transition for `action` from `state`, or a `TransitionError` saying why not."""
    transition = _BY_KEY.get((state, action))
    if transition is None:
        raise ActionNotAllowed(
            _("Không thể thực hiện “%(action)s” khi hồ sơ ở trạng thái “%(state)s”.")
            % {"action": action.label, "state": _state_label(state)}
        )
    held = {Actor(a) for a in actors if a in Actor.values}
    if not transition.actors & held:
        who = ", ".join(str(a.label) for a in Actor if a in transition.actors)
        raise ActorNotAllowed(
            _("Bạn không có quyền “%(action)s”; việc này dành cho: %(who)s.")
            % {"action": action.label, "who": who}
        )
    return transition


# --- Guards: rules with data. Each takes the rule set in force and the facts, nothing else. ---

# Counts the working days after the first date up to and including the second (from `workdays`).
WorkingDays = Callable[[dt.date, dt.date], int]


@dataclass(frozen=True)
class SupplementTiming:
    late: bool
    reasons: tuple[str, ...]


def supplement_request_timing(
    *,
    rules: RuleSet,
    received_on: dt.date | None,
    requested_on: dt.date,
    earlier_requests: int,
    working_days: WorkingDays,
) -> SupplementTiming:
    """A request after receipt must come within the window and only once (Điều 16.3, 19.5).

    A late or repeated request is still allowed — the applicant must be told — but it is flagged,
    and the index counts the record late."""
    reasons: list[str] = []
    if received_on is not None:
        window = rules.supplement_request_window
        if window.elapsed(received_on, requested_on, working_days) > window.amount:
            reasons.append(
                str(_("Yêu cầu bổ sung sau %(window)s kể từ ngày tiếp nhận.") % {"window": window.label})
            )
    if earlier_requests >= rules.max_supplement_requests:
        reasons.append(str(_("Hồ sơ đã được yêu cầu bổ sung trước đó; chỉ được yêu cầu một lần.")))
    return SupplementTiming(late=bool(reasons), reasons=tuple(reasons))


def check_extension(
    *, rules: RuleSet, today: dt.date, due_on: dt.date, earlier_extensions: int, working_days: WorkingDays
) -> None:
    """Mẫu 04 must be sent at least the notice period before the due date, and only once (Điều 19.6)."""
    if earlier_extensions >= rules.max_extensions:
        raise GuardFailed(
            _("Hồ sơ đã được hẹn lại ngày trả kết quả; chỉ được gia hạn %(n)d lần.")
            % {"n": rules.max_extensions},
            code="extension-already-used",
        )
    notice = rules.extension_notice
    if today >= due_on or notice.elapsed(today, due_on, working_days) < notice.amount:
        raise GuardFailed(
            _("Phải xin lỗi và hẹn lại chậm nhất %(notice)s trước hạn trả (%(due)s).")
            % {"notice": notice.label, "due": due_on.strftime("%d/%m/%Y")},
            code="extension-too-late",
        )


def check_close_unsupplemented(
    *, rules: RuleSet, requested_on: dt.date, today: dt.date, working_days: WorkingDays
) -> None:
    """A dossier may be closed only once the supplement period has run out (Điều 19.5)."""
    period = rules.supplement_close_after
    if period is None:
        raise GuardFailed(
            str(_("Quy định áp dụng cho hồ sơ này không cho phép đóng hồ sơ do không bổ sung.")),
            code="close-not-provided",
        )
    if period.elapsed(requested_on, today, working_days) <= period.amount:
        raise GuardFailed(
            _("Chưa hết %(period)s chờ bổ sung kể từ ngày yêu cầu (%(day)s).")
            % {"period": period.label, "day": requested_on.strftime("%d/%m/%Y")},
            code="close-too-early",
        )


def correction_is_late(
    *, rules: RuleSet, reported_on: dt.date, corrected_on: dt.date, working_days: WorkingDays
) -> bool:
    """A wrong result is corrected within the period (Điều 23.1); a later correction is flagged."""
    period = rules.correction_within
    if period is None:
        return False
    return period.elapsed(reported_on, corrected_on, working_days) > period.amount


# Which guard each action answers to; the services call them, the docs list them.
GUARDS: dict[Action, Callable[..., object]] = {
    Action.REQUEST_SUPPLEMENT: supplement_request_timing,
    Action.EXTEND: check_extension,
    Action.CLOSE_UNSUPPLEMENTED: check_close_unsupplemented,
    Action.CORRECT_RESULT: correction_is_late,
}
