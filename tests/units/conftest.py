import datetime as dt

import pytest

from motcua.units.models import AdministrativeUnit
from motcua.units.reforms import reform_2025
from motcua.units.selectors import unit_at
from motcua.units.services import LoadResult, units_load_province

REFORM = reform_2025().effective_on  # 01/07/2025
BEFORE = REFORM - dt.timedelta(days=1)  # 30/06/2025, last day of the three tiers


@pytest.fixture
def khanh_hoa(db) -> LoadResult:
    """Province 56 loaded for real from the vietnam-provinces data."""
    return units_load_province(province_code=56)


@pytest.fixture
def at():
    """Look a unit up by GSO code on a date: at("22525", REFORM) is the new xã Vạn Hưng."""

    def lookup(code: str, when: dt.date) -> AdministrativeUnit:
        unit = unit_at(code=code, at=when)
        assert unit is not None, f"no unit {code} on {when}"
        return unit

    return lookup
