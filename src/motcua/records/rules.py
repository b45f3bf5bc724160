"""The one-stop rules the law can change, as rule sets with effective dates.

A record is judged by the rule set in force on the day it was received (`rules_at(received_on)`):
a 2024 record keeps NĐ 61/2018's pause-and-resume after a supplement, a 2026 record restarts its
deadline as NĐ 118/2025 says. Confidence marks follow docs: [V] read in the text, [S] secondary
source, [U] uncertain — [S] and [U] figures are exactly why these are data, not constants.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from motcua.records.lifecycle import ClockEffect, Form, Transition, WorkingDays

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Returns the first working day after the given date (from `workdays`).
WorkingDayAfter = Callable[[dt.date], dt.date]


class DayUnit(TextChoices):
    WORKING = "working", _("ngày làm việc")
    CALENDAR = "calendar", _("ngày")


@dataclass(frozen=True)
class Period:
    amount: int
    unit: DayUnit

    @property
    def label(self) -> str:
        return f"{self.amount} {self.unit.label}"

    def elapsed(self, start: dt.date, end: dt.date, working_days: WorkingDays) -> int:
        """Days from `start` to `end`, counted in this period's unit."""
        return working_days(start, end) if self.unit == DayUnit.WORKING else (end - start).days


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    valid_from: dt.date
    valid_to: dt.date | None  # last day in force; None: still in force
    form_circular: str
    forms: frozenset[Form]
    # What the deadline does when the complete dossier comes back after a supplement request.
    supplement_clock: ClockEffect
    supplement_request_window: Period  # after receipt; later requests are flagged
    max_supplement_requests: int
    supplement_close_after: Period | None  # None: the rule set does not close unsupplemented dossiers
    extension_notice: Period  # Mẫu 04 at least this long before the due date
    max_extensions: int
    correction_within: Period | None
    paper_transfer_cutoff: dt.time  # paper received after this goes the next working day
    record_code_pattern: str  # agency e-ID, receipt date YYMMDD, daily sequence
    sources: dict[str, str] = field(default_factory=dict)
    # Online intake (a dossier filed on a portal): the intake officer is alerted within
    # `online_alert_within` (clock time), and confirms receipt or asks for changes within
    # `online_confirm_within` of the receiving centre's working time. None: no such clock.
    online_alert_within: dt.timedelta | None = None
    online_confirm_within: dt.timedelta | None = None
    # Whether an online dossier completed after the officer asked for changes (Mẫu 02 at intake)
    # and sent in again starts a new alert / confirmation clock, as a new submission does.
    online_resubmission_restarts_clock: bool = False

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def clock_effect(self, transition: Transition) -> ClockEffect:
        """The concrete clock effect of a transition under this rule set."""
        if transition.clock == ClockEffect.BY_RULE_SET:
            return self.supplement_clock
        return transition.clock

    def record_code_regex(self) -> re.Pattern[str]:
        return re.compile(self.record_code_pattern)


_RECORD_CODE = r"(?P<agency>[0-9A-Z]+(?:\.[0-9A-Z]+)*)-(?P<date>\d{6})-(?P<seq>\d{4,})"
_FORMS_2018 = frozenset({Form.M01, Form.M02, Form.M03, Form.M04, Form.M05, Form.M06})

ND61_2018 = RuleSet(
    code="nd61-2018",
    name="Nghị định 61/2018/NĐ-CP (sửa đổi bởi NĐ 107/2021/NĐ-CP)",
    valid_from=dt.date(2018, 6, 21),
    valid_to=dt.date(2025, 6, 30),
    form_circular="Thông tư 01/2018/TT-VPCP",
    forms=_FORMS_2018,
    supplement_clock=ClockEffect.RESUME,
    supplement_request_window=Period(3, DayUnit.WORKING),
    max_supplement_requests=1,
    supplement_close_after=None,
    extension_notice=Period(1, DayUnit.CALENDAR),
    max_extensions=1,
    correction_within=None,
    paper_transfer_cutoff=dt.time(15, 0),
    record_code_pattern=_RECORD_CODE,
    sources={
        "supplement_clock": "[S] the applicant's supplement time did not count; the clock resumed",
        "supplement_request_window": "[S] 3 working days after receipt",
        "supplement_close_after": "[U] no closing rule known in NĐ 61",
        "extension": "[S] apology and one new date, 1 day before the due date",
        "correction_within": "[U] no correction period known in NĐ 61",
        "forms": "[V] TT 01/2018/TT-VPCP, Mẫu 01–06",
        "online_intake": "[U] no alert or confirmation period known in NĐ 61: no online-intake clock",
    },
)

ND118_2025 = RuleSet(
    code="nd118-2025",
    name="Nghị định 118/2025/NĐ-CP (sửa đổi bởi NĐ 367/2025/NĐ-CP)",
    valid_from=dt.date(2025, 7, 1),
    valid_to=None,
    form_circular="Thông tư 03/2025/TT-VPCP",
    forms=_FORMS_2018 | {Form.M07},
    supplement_clock=ClockEffect.RESTART,
    supplement_request_window=Period(3, DayUnit.WORKING),
    max_supplement_requests=1,
    supplement_close_after=Period(15, DayUnit.CALENDAR),
    extension_notice=Period(1, DayUnit.CALENDAR),
    max_extensions=1,
    correction_within=Period(3, DayUnit.WORKING),
    paper_transfer_cutoff=dt.time(15, 0),
    record_code_pattern=_RECORD_CODE,
    sources={
        "supplement_clock": "[V] Điều 19.5: the deadline restarts when the complete dossier returns",
        "supplement_request_window": "[V] Điều 19.5: no later than 3 working days after receipt",
        "supplement_close_after": "[V] Điều 19.5: 15 days; [U] whether working or calendar days",
        "extension": "[V] Điều 19.6: at least 1 day before the deadline, the new date only once",
        "correction_within": "[V] Điều 23.1: 3 working days",
        "paper_transfer_cutoff": "[V] Điều 18: after 15:00, the next working day",
        "record_code": "[V] Điều 28; format detail TT 03/2025 Điều 13 [S]",
        "forms": "[S] TT 03/2025/TT-VPCP, Mẫu 01–07",
        "online_intake": "[V] Điều 17.2: alert within 2 hours; confirm or ask for changes within 8 working hours",
        "online_resubmission": (
            "[U] Điều 17.2 sets the clock for each dossier received online and says nothing of a "
            "resubmission; read as: the completed dossier is received online anew, so its clock "
            "starts again from its arrival"
        ),
    },
    online_alert_within=dt.timedelta(hours=2),
    online_confirm_within=dt.timedelta(hours=8),
    online_resubmission_restarts_clock=True,
)

RULE_SETS: tuple[RuleSet, ...] = (ND61_2018, ND118_2025)


class NoRuleSet(LookupError):
    code = "no-rule-set"


def rules_at(day: dt.date, rule_sets: tuple[RuleSet, ...] = RULE_SETS) -> RuleSet:
    """The rule set in force on `day` (for a record: the day it was received)."""
    for rules in rule_sets:
        if rules.in_force_on(day):
            return rules
    raise NoRuleSet(
        _("Không có quy định nào có hiệu lực vào ngày %(day)s.") % {"day": day.strftime("%d/%m/%Y")}
    )


def paper_transfer_due(
    received_at: dt.datetime, *, rules: RuleSet, next_working_day: WorkingDayAfter
) -> dt.date:
    """Paper goes on the day it is received, or the next working day after the cut-off (Điều 18)."""
    local = received_at.astimezone(LOCAL_TZ) if received_at.tzinfo else received_at
    return next_working_day(local.date()) if local.time() > rules.paper_transfer_cutoff else local.date()
