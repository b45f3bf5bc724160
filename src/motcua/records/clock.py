"""The bridge between a record and the working-day clock: which calendar, which term."""

import datetime as dt
from decimal import Decimal

from motcua.calendars.selectors import calendar_for
from motcua.catalog.models import Procedure, TimeUnit
from motcua.units.models import Agency
from motcua.workdays import Calendar, Term, Unit, explain

# Catalogue time units → clock units. A bare "giờ" in a published procedure is counted in
# working hours: the 8-working-hour rules are the only hour terms the one-stop law uses.
_UNITS = {
    TimeUnit.WORKING_DAYS: Unit.WORKING_DAYS,
    TimeUnit.DAYS: Unit.CALENDAR_DAYS,
    TimeUnit.WORKING_HOURS: Unit.WORKING_HOURS,
    TimeUnit.HOURS: Unit.WORKING_HOURS,
    TimeUnit.MONTHS: Unit.MONTHS,
}


class NoTerm(ValueError):
    code = "procedure-without-time-limit"


def term_for(procedure: Procedure) -> Term:
    if procedure.clock_value is None or procedure.clock_unit is None:
        raise NoTerm(
            f"Thủ tục {procedure.code} chưa có thời hạn giải quyết dùng để tính hạn; "
            "cần cập nhật danh mục trước khi tiếp nhận."
        )
    return Term(
        _whole(procedure.clock_value), _UNITS[TimeUnit(procedure.clock_unit)], procedure.same_day_cutoff
    )


def step_due(procedure: Procedure, budget: Decimal, start: dt.datetime, calendar: Calendar) -> dt.datetime:
    """A process step's deadline. Budgets in working days may be fractions (half a day for
    reception), so they run on working time: 0,5 day = half of that day's working hours."""
    unit = _UNITS[TimeUnit(procedure.clock_unit)] if procedure.clock_unit else Unit.WORKING_DAYS
    if unit is Unit.WORKING_DAYS:
        day_length = calendar.hours_on(calendar.local(start).date()).length
        return calendar.add_working_time(start, dt.timedelta(seconds=float(budget) * day_length))
    return calendar.due(start, Term(_whole(budget), unit))


def _whole(value: Decimal) -> int:
    # Half days are budgeted as working hours by the catalogue; a fraction here rounds up.
    return int(-(-value // 1))


def calendar_of(agency: Agency) -> Calendar:
    return calendar_for(agency=agency)


def due_after(agency: Agency, start: dt.datetime, term: Term) -> tuple[dt.datetime, str]:
    calendar = calendar_of(agency)
    return calendar.due(start, term), explain(start, term, calendar)
