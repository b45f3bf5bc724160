import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.exchange.dvcqg.values import LOCAL_TZ, BadValue, format_datetime, parse_datetime, parse_flag

instants = st.datetimes(
    min_value=dt.datetime(1976, 1, 1), max_value=dt.datetime(2099, 12, 31), timezones=st.just(dt.UTC)
)


@given(instants)
def test_local_time_string_round_trips_to_the_second(at):
    text = format_datetime(at)
    assert text == at.astimezone(LOCAL_TZ).strftime("%Y%m%d%H%M%S")
    assert parse_datetime(text) == at.replace(microsecond=0)


@pytest.mark.parametrize(
    "bad", ["20260230120000", "2026031512000", "2026-03-15 12:0", "20261315120000", 20260315120000]
)
def test_impossible_or_misshapen_times_are_refused(bad):
    with pytest.raises(BadValue):
        parse_datetime(bad)


def test_empty_means_none():
    assert parse_datetime("") is None and parse_datetime(None) is None and format_datetime(None) == ""


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("0", False), ("", False), (None, False)])
def test_flags(value, expected):
    assert parse_flag(value) is expected


@pytest.mark.parametrize("bad", ["có", "true", 1, "2"])
def test_a_flag_is_only_0_or_1(bad):
    with pytest.raises(BadValue):
        parse_flag(bad)
