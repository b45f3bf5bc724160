"""Fixed cases over the days off of 2025–2026, checked against the official announcements as the
`holidays` package (VN) records them."""

import datetime as dt

import pytest

from motcua.workdays import Term, explain

from .conftest import at


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@pytest.mark.parametrize(
    ("first_off", "last_off"),
    [
        (dt.date(2025, 1, 25), dt.date(2025, 2, 2)),  # Tết Ất Tỵ: 9 days
        (dt.date(2025, 4, 30), dt.date(2025, 5, 4)),  # 30/4, 1/5, 2/5 (swapped), weekend
        (dt.date(2025, 8, 30), dt.date(2025, 9, 2)),  # Quốc khánh: 1/9 and 2/9 plus the weekend
        (dt.date(2026, 2, 14), dt.date(2026, 2, 22)),  # Tết Bính Ngọ: 9 days
    ],
)
def test_holiday_stretches_are_off_and_bounded_by_working_days(national, first_off, last_off):
    assert not any(national.is_working_day(d) for d in days(first_off, last_off))
    assert national.is_working_day(first_off - dt.timedelta(days=1))
    assert national.is_working_day(last_off + dt.timedelta(days=1))


def test_saturday_26_april_2025_is_worked_for_friday_2_may(national):
    assert national.is_working_day(dt.date(2025, 4, 26))
    assert not national.is_working_day(dt.date(2025, 5, 2))
    assert "02/05/2025" in national.reason(dt.date(2025, 4, 26))


def test_2026_swaps_saturday_22_august_for_monday_31_august(national):
    assert national.is_working_day(dt.date(2026, 8, 22))
    assert not national.is_working_day(dt.date(2026, 8, 31))


def test_five_working_days_over_tet_2025_match_the_issue_example(national):
    received = at(2025, 1, 24, 10, 15)
    assert national.add_working_days(received, 5) == at(2025, 2, 7, 17, 0)
    assert explain(received, Term(5), national) == (
        "Tiếp nhận 10:15 thứ Sáu 24/01/2025 → ngày làm việc thứ nhất: thứ Hai 03/02/2025 "
        "(nghỉ Tết 25/01–02/02) → 5 ngày làm việc → hẹn trả 17:00 thứ Sáu 07/02/2025"
    )


def test_worked_saturday_counts_as_a_working_day(national):
    # Friday 25/04/2025: day 1 is Saturday 26/04 (worked), then Monday 28, Tuesday 29.
    assert national.add_working_days(at(2025, 4, 25, 10), 3) == at(2025, 4, 29, 17)


def test_count_resumes_after_30_april_1_may_2025(national):
    assert national.add_working_days(at(2025, 4, 29, 10), 1) == at(2025, 5, 5, 17)


def test_quoc_khanh_2025(national):
    assert national.add_working_days(at(2025, 8, 29, 16), 1) == at(2025, 9, 3, 17)


def test_tet_2026(national):
    assert national.add_working_days(at(2026, 2, 13, 9), 1) == at(2026, 2, 23, 17)
    assert national.add_working_days(at(2026, 2, 14, 9), 1) == at(2026, 2, 23, 17)  # received on a day off
