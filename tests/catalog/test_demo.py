"""The demo catalogue: real procedures, honest about unknown units, offered by the demo agencies."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from motcua.catalog.demo import DEMO_FILE, build_demo
from motcua.catalog.models import Level, Offering, Procedure
from motcua.units.models import AgencyKind, UnitLevel
from tests.factories import AgencyFactory, CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def test_at_least_thirty_procedures_each_with_a_process_that_uses_the_legal_time():
    list(build_demo())
    procedures = Procedure.objects.prefetch_related("process_steps")
    assert procedures.count() >= 30
    for p in procedures:
        steps = list(p.process_steps.all())
        assert [s.role for s in steps] == ["desk", "specialist", "leader", "desk"], p.code
        assert sum((s.budget for s in steps), Decimal(0)) == p.clock_value, p.code


def test_a_bare_number_keeps_its_unit_unknown_and_the_clock_says_it_assumes():
    source = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    bare = [p for p in source["procedures"] if p["time"]["value"] is not None and not p["time"]["unit"]]
    assert bare, "the demo should show the hộ tịch trap"
    list(build_demo())
    for item in bare:
        p = Procedure.objects.get(code=item["code"])
        assert p.time_unit == "" and p.clock_assumed and p.clock_unit


def test_offerings_go_to_commune_committees_and_the_provincial_centre():
    province = ProvinceFactory()
    commune_ubnd = AgencyFactory(unit=CommuneFactory(parent=province))
    AgencyFactory(
        unit=CommuneFactory(parent=province, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2025, 6, 30))
    )
    centre = AgencyFactory(kind=AgencyKind.SERVICE_CENTRE, unit=province)
    list(build_demo())
    commune_codes = set(
        Offering.objects.filter(agency=commune_ubnd).values_list("procedure__code", flat=True)
    )
    centre_codes = set(Offering.objects.filter(agency=centre).values_list("procedure__code", flat=True))
    assert commune_codes == {p.code for p in Procedure.objects.all() if Level.COMMUNE in p.levels}
    assert centre_codes and all(
        Level.PROVINCE in p.levels and Level.COMMUNE not in p.levels
        for p in Procedure.objects.filter(code__in=centre_codes)
    )
    assert Offering.objects.count() == len(commune_codes) + len(centre_codes)
    assert centre.unit.level == UnitLevel.PROVINCE


def test_demo_runs_twice_without_duplicates_and_without_agencies():
    lines = list(build_demo())
    assert "bỏ qua" in lines[-1]
    AgencyFactory()
    list(build_demo())
    count = Offering.objects.count()
    list(build_demo())
    assert Offering.objects.count() == count > 0
