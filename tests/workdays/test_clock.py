import datetime as dt

import pytest

from motcua.workdays import (
    Calendar,
    ClockRule,
    Counting,
    OutOfCalendar,
    Override,
    RuleSet,
    Term,
    Unit,
    WorkingHours,
    add_months,
    build_calendar,
    due_changes,
    explain,
)

from .conftest import at


def test_same_day_term_before_the_cutoff_is_due_that_day(national):
    assert national.due(at(2025, 3, 14, 14, 59), Term(0, cutoff=True)) == at(2025, 3, 14, 17)
    assert national.due(at(2025, 3, 14, 15, 0), Term(0, cutoff=True)) == at(2025, 3, 14, 17)


def test_same_day_term_after_the_cutoff_is_due_the_next_working_day(national):
    # Friday 25/04/2025 after 15:00 → Saturday 26/04, a worked Saturday.
    assert national.due(at(2025, 4, 25, 15, 1), Term(0, cutoff=True)) == at(2025, 4, 26, 17)
    text = explain(at(2025, 4, 25, 15, 30), Term(0, cutoff=True), national)
    assert "sau 15:00" in text
    assert text.endswith("hẹn trả 17:00 thứ Bảy 26/04/2025")


def test_cutoff_moves_day_one_of_a_day_count(national):
    # Thursday 13/03/2025 after 15:00 counts as received Friday: day 1 Monday, day 2 Tuesday.
    assert national.due(at(2025, 3, 13, 15, 30), Term(2, cutoff=True)) == at(2025, 3, 18, 17)
    assert national.due(at(2025, 3, 13, 15, 30), Term(2)) == at(2025, 3, 17, 17)


def test_cutoff_time_is_a_rule_with_an_effective_date():
    rules = RuleSet([ClockRule(valid_from=dt.date(2025, 7, 1), cutoff=dt.time(16, 0))])
    calendar = build_calendar(first_year=2025, last_year=2026, rules=rules)
    term = Term(0, cutoff=True)
    assert calendar.due(at(2025, 6, 30, 15, 30), term) == at(2025, 7, 1, 17)  # old rule: 15:00
    assert calendar.due(at(2025, 7, 1, 15, 30), term) == at(2025, 7, 1, 17)  # new rule: 16:00


def test_receipt_day_counting_rule_applies_from_its_date():
    rules = RuleSet([ClockRule(valid_from=dt.date(2025, 7, 1), counting=Counting.RECEIPT_DAY)])
    calendar = build_calendar(first_year=2025, last_year=2026, rules=rules)
    assert calendar.add_working_days(at(2025, 6, 27, 10), 1) == at(2025, 6, 30, 17)
    assert calendar.add_working_days(at(2025, 7, 1, 10), 1) == at(2025, 7, 1, 17)
    assert calendar.add_working_days(at(2025, 7, 1, 17, 30), 1) == at(2025, 7, 2, 17)  # after closing
    assert "(ngày tiếp nhận được tính)" in explain(at(2025, 7, 1, 10), Term(3), calendar)


def test_province_overrides_win_over_national_days():
    extra_off = Override(dt.date(2025, 3, 14), working=False, reason="Nghỉ theo quyết định của tỉnh")
    worked_holiday = Override(dt.date(2025, 9, 1), working=True, reason="Làm việc trực")
    calendar = build_calendar(first_year=2025, last_year=2025, overrides=[extra_off, worked_holiday])
    assert not calendar.is_working_day(dt.date(2025, 3, 14))
    assert calendar.add_working_days(at(2025, 3, 13, 9), 1) == at(2025, 3, 17, 17)
    assert calendar.is_working_day(dt.date(2025, 9, 1))
    assert "Nghỉ theo quyết định của tỉnh" in explain(at(2025, 3, 13, 9), Term(1), calendar)


def test_eight_working_hours_skip_the_night_and_tet(national):
    due = national.add_working_hours(at(2025, 1, 24, 16), 8)
    assert due == at(2025, 2, 3, 16, 30)  # 1 h on Friday, 4 h Monday morning, 3 h after lunch
    assert national.elapsed(at(2025, 1, 24, 16), due) == dt.timedelta(hours=8)


def test_a_full_working_day_of_hours_ends_at_closing_not_next_morning(national):
    day = dt.timedelta(seconds=national.hours_on(dt.date(2025, 3, 10)).length)  # 7 h 30 by default
    assert national.add_working_time(at(2025, 3, 10, 7, 30), day) == at(2025, 3, 10, 17)
    assert national.add_working_hours(at(2025, 3, 10, 7, 30), 8) == at(2025, 3, 11, 8)
    assert national.add_working_hours(at(2025, 3, 10, 7, 30), 4) == at(2025, 3, 10, 11, 30)


def test_hours_received_outside_working_time_start_at_the_next_opening(national):
    assert national.add_working_hours(at(2025, 3, 10, 12, 0), 2) == at(2025, 3, 10, 15, 30)
    assert national.add_working_hours(at(2025, 3, 8, 12, 0), 2) == at(2025, 3, 10, 9, 30)  # Saturday


def test_working_hours_per_centre_with_validity():
    summer = WorkingHours.parse("07:00–11:00, 13:30–17:00")
    calendar = build_calendar(first_year=2025, last_year=2025, hours=[(dt.date(2025, 5, 1), summer)])
    assert calendar.add_working_days(at(2025, 4, 28, 9), 1) == at(2025, 4, 29, 17)
    assert calendar.add_working_hours(at(2025, 5, 5, 7, 0), 4) == at(2025, 5, 5, 11, 0)
    assert calendar.add_working_hours(at(2025, 4, 28, 7, 30), 4) == at(2025, 4, 28, 11, 30)


def test_calendar_days_ending_on_a_day_off_move_to_the_next_working_day(national):
    assert national.due(at(2025, 1, 24, 16), Term(15, Unit.CALENDAR_DAYS)) == at(2025, 2, 10, 17)
    assert national.due(at(2025, 3, 3, 9), Term(10, Unit.CALENDAR_DAYS)) == at(2025, 3, 13, 17)


def test_months_end_on_the_last_day_when_the_month_is_short(national):
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert national.due(at(2025, 1, 31, 9), Term(1, Unit.MONTHS)) == at(2025, 2, 28, 17)
    # 30/03/2025 + 1 month = 30/04/2025, a holiday → Monday 05/05/2025.
    assert national.due(at(2025, 3, 30, 9), Term(1, Unit.MONTHS)) == at(2025, 5, 5, 17)


def test_utc_instants_are_read_in_vietnam_time(national):
    received = dt.datetime(2025, 1, 24, 3, 15, tzinfo=dt.UTC)  # 10:15 in Hà Nội
    assert national.add_working_days(received, 5) == at(2025, 2, 7, 17)


def test_naive_instants_are_refused(national):
    with pytest.raises(ValueError, match="múi giờ"):
        national.add_working_days(dt.datetime(2025, 1, 24, 10), 5)


def test_leaving_the_calendar_is_a_clear_error():
    calendar = build_calendar(first_year=2025, last_year=2025)
    with pytest.raises(OutOfCalendar, match="ngoài lịch làm việc"):
        calendar.add_working_days(at(2025, 12, 30, 9), 5)
    with pytest.raises(OutOfCalendar):
        calendar.add_working_days(at(2024, 12, 30, 9), 1)
    with pytest.raises(OutOfCalendar):
        calendar.add_working_hours(at(2025, 12, 31, 9), 40)


def test_due_changes_reports_only_records_whose_due_date_moves(national):
    provincial = Calendar(
        first=national.first,
        last=national.last,
        days_off={d: national.reason(d) for d in national.days_off(national.first, national.last)},
        overrides=[
            *(
                Override(d, True, national.reason(d))
                for d in national.worked_weekend_days(national.first, national.last)
            ),
            Override(dt.date(2025, 3, 14), working=False, reason="Nghỉ theo quyết định của tỉnh"),
        ],
    )
    records = [
        ("A", at(2025, 3, 12, 9), Term(2), national.due(at(2025, 3, 12, 9), Term(2))),  # due 14/03
        ("B", at(2025, 3, 3, 9), Term(2), national.due(at(2025, 3, 3, 9), Term(2))),  # due 05/03
    ]
    changes = list(due_changes(records, provincial))
    assert [(c.key, c.new) for c in changes] == [("A", at(2025, 3, 17, 17))]


def test_working_hours_text_is_validated():
    assert str(WorkingHours.parse("7:30-11:30,13h30-17h00")) == "07:30–11:30, 13:30–17:00"
    with pytest.raises(ValueError):
        WorkingHours.parse("13:30–11:30")
    with pytest.raises(ValueError):
        WorkingHours.parse("sáng")
