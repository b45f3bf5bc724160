import datetime as dt

import pytest

from motcua.workdays import VN_TZ, Calendar, build_calendar


@pytest.fixture(scope="session")
def national() -> Calendar:
    """The national calendar (holidays package, VN) with the default hours and rules."""
    return build_calendar(first_year=2015, last_year=2030)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN_TZ)
