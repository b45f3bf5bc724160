"""Intake takes a procedure only on the days the agency offers it (catalogue Offering, inclusive
valid_from / valid_to)."""

import datetime as dt

import pytest

from motcua.records.offerings import ProcedureNotOffered, ensure_offered, is_offered
from tests.factories import OfferingFactory


@pytest.fixture
def offered_in_2026(procedure, van_hung):
    return OfferingFactory(
        procedure=procedure, agency=van_hung, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 6, 30)
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 12, 31), False),  # the day before it starts
        (dt.date(2026, 1, 1), True),  # first day, inclusive
        (dt.date(2026, 6, 30), True),  # last day, inclusive
        (dt.date(2026, 7, 1), False),  # handed over the next day
    ],
)
def test_offering_dates_are_inclusive(offered_in_2026, procedure, van_hung, day, expected):
    assert is_offered(procedure=procedure, agency=van_hung, on=day) is expected


def test_another_agency_does_not_inherit_the_offering(offered_in_2026, procedure, van_thang):
    assert not is_offered(procedure=procedure, agency=van_thang, on=dt.date(2026, 3, 2))


def test_refusal_names_agency_procedure_and_day(offered_in_2026, procedure, van_hung):
    with pytest.raises(ProcedureNotOffered) as raised:
        ensure_offered(procedure=procedure, agency=van_hung, on=dt.date(2026, 7, 1))
    error = raised.value
    assert (error.code, error.status, error.field) == ("procedure-not-offered", 422, "procedure")
    assert "UBND xã Vạn Hưng không thực hiện thủ tục" in error.message
    assert procedure.code in error.message and "01/07/2026" in error.message


def test_open_ended_offering_passes(procedure, van_hung):
    OfferingFactory(procedure=procedure, agency=van_hung, valid_from=None, valid_to=None)
    ensure_offered(procedure=procedure, agency=van_hung, on=dt.date(2030, 1, 1))
