import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.metrics import scopes
from motcua.units.models import Succession
from tests.factories import AgencyFactory, CommuneFactory, ProvinceFactory
from tests.metrics.counting_records import *  # noqa: F403 — the fixtures
from tests.metrics.counting_records import local


@pytest.fixture
def world(db):
    province = ProvinceFactory(valid_from=dt.date(2025, 7, 1))
    van_hung = CommuneFactory(code="22525", name="Xã Vạn Hưng", parent=province)
    xuan_son = CommuneFactory(
        code="22522", name="Xã Xuân Sơn", parent=province, valid_from=None, valid_to=dt.date(2025, 6, 30)
    )
    Succession.objects.create(predecessor=xuan_son, successor=van_hung, effective_on=dt.date(2025, 7, 1))
    so = AgencyFactory(code="H56.02", name="Sở Tư pháp tỉnh Khánh Hòa", kind="so", unit=province)
    return province, van_hung, xuan_son, so


def test_keys_labels_and_members(world):
    province, van_hung, xuan_son, so = world
    on = dt.date(2026, 3, 31)
    commune = scopes.parse_scope("xa-22525", on=on)
    assert (commune.kind, commune.label, commune.with_predecessors) == ("commune", "UBND xã Vạn Hưng", False)
    assert scopes.members(commune, on).unit_ids == (van_hung.pk,)
    with_old = scopes.parse_scope("xa-22525+cu", on=on)
    assert with_old.with_predecessors
    assert set(scopes.members(with_old, on).unit_ids) == {van_hung.pk, xuan_son.pk}
    assert scopes.parse_scope("xa-22522", on=on).label == "UBND xã Xuân Sơn"  # an old xã keeps its key
    whole = scopes.members(scopes.parse_scope("tinh-56", on=on), on)
    assert set(whole.unit_ids) == {province.pk, van_hung.pk}  # Xuân Sơn no longer stands under it
    history = scopes.members(scopes.parse_scope("tinh-56+cu", on=on), on)
    assert xuan_son.pk in history.unit_ids
    agency = scopes.parse_scope("co-quan-H56.02", on=on)
    assert (agency.kind, agency.label) == ("agency", "Sở Tư pháp tỉnh Khánh Hòa")
    assert scopes.members(agency, on).agency_id == so.pk


def test_lists_of_communes_and_provincial_agencies(world):
    on = dt.date(2026, 3, 31)
    assert [s.key for s in scopes.communes("tinh-56", on=on)] == ["xa-22525"]
    assert [s.key for s in scopes.provincial_agencies("tinh-56", on=on)] == ["co-quan-H56.02"]


@pytest.mark.parametrize("key", ["", "xa-00000", "tinh-99", "co-quan-KHONG", "huyen-571"])
def test_unknown_scopes_are_a_lookup_error_in_vietnamese(world, key):
    with pytest.raises(LookupError, match="Không tìm thấy phạm vi"):
        scopes.parse_scope(key)


def test_cli_compute_and_rebuild(van_hung):
    record = van_hung.intake(local(2026, 3, 2, 8, 0))
    van_hung.approve(record, local(2026, 3, 3, 9, 0))
    out = io.StringIO()
    call_command("index", "rebuild", stdout=out)
    assert "Đã tính lại" in out.getvalue()
    out = io.StringIO()
    call_command(
        "index",
        "compute",
        "--scope",
        "xa-22525",
        "--period",
        "2026-03",
        "--now",
        "2026-05-01T09:00",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    on_time = next(m for m in data["metrics"] if m["code"] == "DOSSIER_ON_TIME")
    assert (on_time["numerator"], on_time["denominator"], on_time["points"]) == (1, 1, "20.00")
    with pytest.raises(CommandError) as error:
        call_command("index", "compute", "--scope", "xa-22525", "--period", "2026-13")
    assert error.value.returncode == 2
