"""Mã định danh (QĐ 20/2020/QĐ-TTg) and the agency upsert."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from motcua.units.models import Agency, AgencyKind
from motcua.units.services import AgencySpec, agencies_upsert
from motcua.units.validators import AGENCY_CODE_MAX_LENGTH, validate_agency_code
from tests.factories import CommuneFactory


@pytest.mark.parametrize("code", ["H15.50.05.13", "H56", "G01.001", "000.00.00.H56", "H56.571.22525"])
def test_well_formed_codes_are_accepted(code):
    validate_agency_code(code)


@pytest.mark.parametrize(
    "code",
    ["h15.50.05.13", "H15 50 05 13", "H15..50", "H15.50.", ".H15", "", "H15-50", "Đ56.01", "H15.5a"],
)
def test_malformed_codes_are_refused_with_a_vietnamese_message(code):
    with pytest.raises(ValidationError) as error:
        validate_agency_code(code)
    assert error.value.code == "invalid_agency_code"
    assert "ngăn cách bởi dấu chấm" in error.value.messages[0]


def test_codes_longer_than_35_characters_are_refused():
    longest = "H56." + "1" * (AGENCY_CODE_MAX_LENGTH - 4)
    validate_agency_code(longest)
    with pytest.raises(ValidationError) as error:
        validate_agency_code(longest + "2")
    assert error.value.code == "agency_code_too_long"
    assert f"tối đa {AGENCY_CODE_MAX_LENGTH} ký tự" in error.value.messages[0]


def test_model_validation_uses_the_rule(db):
    agency = Agency(code="h56.01", name="Sở thử", kind=AgencyKind.DEPARTMENT, unit=CommuneFactory())
    with pytest.raises(ValidationError) as error:
        agency.full_clean()
    assert "Mã định danh “h56.01” không hợp lệ" in error.value.message_dict["code"][0]


def test_validity_must_not_end_before_it_starts(db):
    agency = Agency(
        code="H56.01",
        name="Sở thử",
        kind=AgencyKind.DEPARTMENT,
        unit=CommuneFactory(),
        valid_from=dt.date(2025, 7, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    with pytest.raises(ValidationError, match="không được trước ngày bắt đầu"):
        agency.full_clean()


def test_upsert_creates_then_updates_by_code(db):
    unit = CommuneFactory()
    spec = AgencySpec("H56.99", "Ủy ban nhân dân xã Thử", AgencyKind.PEOPLES_COMMITTEE, unit)
    assert agencies_upsert(specs=[spec]) == (1, 0)
    assert agencies_upsert(specs=[spec]) == (0, 0)
    renamed = AgencySpec("H56.99", "Ủy ban nhân dân xã Thử Mới", AgencyKind.PEOPLES_COMMITTEE, unit)
    assert agencies_upsert(specs=[renamed]) == (0, 1)
    assert Agency.objects.get(code="H56.99").name == "Ủy ban nhân dân xã Thử Mới"


def test_one_bad_code_writes_nothing(db):
    unit = CommuneFactory()
    good = AgencySpec("H56.98", "Cơ quan tốt", AgencyKind.OTHER, unit)
    bad = AgencySpec("H56.98 ", "Cơ quan sai", AgencyKind.OTHER, unit)
    with pytest.raises(ValidationError):
        agencies_upsert(specs=[good, bad])
    assert not Agency.objects.exists()
