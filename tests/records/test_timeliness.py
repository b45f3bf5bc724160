from motcua.records.timeliness import Timeliness, classify

from .conftest import local

DUE = local(2026, 3, 11, 17, 0)


def test_finished_before_the_due_day_is_early():
    assert classify(due_at=DUE, ended_at=local(2026, 3, 10, 16, 0), now=DUE) == Timeliness.EARLY


def test_finished_on_the_due_day_is_on_time():
    assert classify(due_at=DUE, ended_at=local(2026, 3, 11, 16, 59), now=DUE) == Timeliness.ON_TIME
    assert classify(due_at=DUE, ended_at=DUE, now=DUE) == Timeliness.ON_TIME


def test_finished_after_the_due_instant_is_late():
    assert classify(due_at=DUE, ended_at=local(2026, 3, 11, 17, 1), now=DUE) == Timeliness.LATE


def test_open_records_are_within_or_over_the_deadline():
    assert classify(due_at=DUE, ended_at=None, now=local(2026, 3, 11, 9, 0)) == Timeliness.WITHIN
    assert classify(due_at=DUE, ended_at=None, now=local(2026, 3, 12, 9, 0)) == Timeliness.OVERDUE


def test_a_record_waiting_for_the_applicant_is_not_overdue():
    assert classify(due_at=DUE, ended_at=None, now=local(2026, 3, 20, 9, 0), paused=True) == Timeliness.WITHIN


def test_more_supplement_requests_than_allowed_count_late_whatever_the_dates():
    early_end = local(2026, 3, 9, 9, 0)
    assert classify(due_at=DUE, ended_at=early_end, now=DUE, supplement_requests=2) == Timeliness.LATE
    assert classify(due_at=DUE, ended_at=early_end, now=DUE, supplement_requests=1) == Timeliness.EARLY


def test_no_deadline_before_receipt():
    assert classify(due_at=None, ended_at=None, now=DUE) == Timeliness.NO_DEADLINE
