"""Working days and deadline arithmetic: pure functions over a precomputed calendar.

Nothing here touches the database or Django settings; `motcua.calendars` builds the Calendar
from the `holidays` package and the overrides stored per province."""

from .build import build_calendar, due_changes
from .calendar import VN_TZ, Calendar, OutOfCalendar, Override, add_months
from .explain import explain
from .hours import DEFAULT_HOURS, WorkingHours
from .rules import DEFAULT_RULE, ClockRule, Counting, RuleSet, Term, Unit

__all__ = [
    "DEFAULT_HOURS",
    "DEFAULT_RULE",
    "VN_TZ",
    "Calendar",
    "ClockRule",
    "Counting",
    "OutOfCalendar",
    "Override",
    "RuleSet",
    "Term",
    "Unit",
    "WorkingHours",
    "add_months",
    "build_calendar",
    "due_changes",
    "explain",
]
