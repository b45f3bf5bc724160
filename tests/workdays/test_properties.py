"""Properties of the clock that every due date must satisfy, over any receipt instant."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.workdays import VN_TZ, Term, Unit

instants = st.datetimes(
    min_value=dt.datetime(2016, 1, 1), max_value=dt.datetime(2028, 12, 31), timezones=st.just(VN_TZ)
)
day_counts = st.integers(min_value=0, max_value=60)
hour_counts = st.integers(min_value=0, max_value=200)
cutoffs = st.booleans()


@settings(max_examples=400)
@given(received=instants, n=day_counts, cutoff=cutoffs)
def test_due_date_is_the_close_of_a_working_day_after_receipt(national, received, n, cutoff):
    due = national.add_working_days(received, n, cutoff=cutoff)
    assert national.is_working_day(due.date())
    assert due == national.close_of(due.date())
    assert due >= received


@settings(max_examples=400)
@given(received=instants, n=st.integers(min_value=1, max_value=60))
def test_day_count_is_the_number_of_working_days_after_receipt(national, received, n):
    due = national.add_working_days(received, n)
    assert national.working_days_between(received.date(), due.date()) == n


@settings(max_examples=400)
@given(a=instants, b=instants, n=day_counts, cutoff=cutoffs)
def test_due_date_is_monotonic_in_the_receipt_instant(national, a, b, n, cutoff):
    a, b = min(a, b), max(a, b)
    assert national.add_working_days(a, n, cutoff=cutoff) <= national.add_working_days(b, n, cutoff=cutoff)


@settings(max_examples=400)
@given(received=instants, n=day_counts, cutoff=cutoffs)
def test_one_more_day_is_one_working_day_later(national, received, n, cutoff):
    due = national.add_working_days(received, n, cutoff=cutoff)
    later = national.add_working_days(received, n + 1, cutoff=cutoff)
    assert later.date() == national.next_working_day(due.date()) or n == 0


@settings(max_examples=400)
@given(received=instants, hours=hour_counts)
def test_added_working_hours_are_the_elapsed_working_time(national, received, hours):
    due = national.add_working_hours(received, hours)
    assert national.elapsed(received, due) == dt.timedelta(hours=hours)
    assert due >= received
    if hours:
        assert national.is_working_day(due.date())
        worked = national.hours_on(due.date())
        seconds = due.hour * 3600 + due.minute * 60 + due.second
        assert any(start < seconds <= end for start, end in worked.periods)


@settings(max_examples=400)
@given(a=instants, b=instants, hours=hour_counts)
def test_working_hours_are_monotonic(national, a, b, hours):
    a, b = min(a, b), max(a, b)
    assert national.add_working_hours(a, hours) <= national.add_working_hours(b, hours)
    assert national.elapsed(a, b) >= dt.timedelta(0)


@settings(max_examples=300)
@given(a=instants, b=instants, c=instants)
def test_elapsed_working_time_adds_up(national, a, b, c):
    assert national.elapsed(a, b) + national.elapsed(b, c) == national.elapsed(a, c)


@settings(max_examples=300)
@given(received=instants, n=st.integers(min_value=1, max_value=400), months=st.booleans())
def test_calendar_terms_end_on_a_working_day_no_earlier_than_the_count(national, received, n, months):
    term = Term(n % 24 + 1, Unit.MONTHS) if months else Term(n, Unit.CALENDAR_DAYS)
    due = national.due(received, term)
    assert national.is_working_day(due.date())
    assert due > received
    if not months:
        assert due.date() >= received.date() + dt.timedelta(days=n)
        assert national.days_off(
            received.date() + dt.timedelta(days=n), due.date() - dt.timedelta(days=1)
        ) == [d for d in _range(received.date() + dt.timedelta(days=n), due.date() - dt.timedelta(days=1))]


@settings(max_examples=200)
@given(received=instants, n=day_counts, cutoff=cutoffs)
def test_explanation_ends_with_the_computed_due_date(national, received, n, cutoff):
    from motcua.workdays import explain
    from motcua.workdays.explain import instant

    term = Term(n, cutoff=cutoff)
    assert explain(received, term, national).endswith(f"hẹn trả {instant(national.due(received, term))}")


def _range(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@settings(max_examples=300)
@given(
    received=instants,
    n=day_counts,
    cutoff=cutoffs,
    zone=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=9)), dt.timezone(dt.timedelta(hours=-5))]),
)
def test_the_same_instant_in_any_zone_has_the_same_due_date(national, received, n, cutoff, zone):
    elsewhere = received.astimezone(zone)
    assert national.add_working_days(elsewhere, n, cutoff=cutoff) == national.add_working_days(
        received, n, cutoff=cutoff
    )
    assert national.due(elsewhere, Term(n, Unit.WORKING_HOURS)) == national.due(
        received, Term(n, Unit.WORKING_HOURS)
    )
