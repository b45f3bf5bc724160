"""Export → import into an empty database → export gives the same file (spec/dvcqg-sync.md)."""

import io
import json

import pytest
from django.core.management import call_command

from motcua.catalog.models import Procedure
from motcua.exchange.exporter import export_records
from motcua.exchange.importer import import_sync_file
from motcua.records.lifecycle import Action, State
from motcua.records.models import Record
from motcua.records.services import Applicant, record_intake_at_counter, record_perform, record_submit
from tests.records.conftest import local

pytestmark = pytest.mark.django_db

FROM, TO = local(2026, 3, 1, 0, 0).date(), local(2026, 3, 31, 0, 0).date()


def make_records(procedure, agency, staff, applicant):
    """One record of each kind of life: full walk with a supplement, refused at intake, stopped,
    online and not yet received, one with digitized facts and fees."""
    desk, specialist, leader = staff["desk"], staff["specialist"], staff["leader"]
    walk = record_intake_at_counter(
        procedure=procedure, agency=agency, applicant=applicant, actor=desk, at=local(2026, 3, 2, 9, 0)
    )
    for action, actor, at, params in [
        (Action.ASSIGN, desk, local(2026, 3, 2, 9, 30), {"to_user": specialist}),
        (Action.REQUEST_SUPPLEMENT, specialist, local(2026, 3, 3, 14, 0), {"missing": ["Bản sao sổ đỏ"]}),
        (Action.SUPPLEMENT_RECEIVED, desk, local(2026, 3, 10, 8, 0), {}),
        (Action.APPROVE, leader, local(2026, 3, 12, 10, 0), {}),
        (Action.RETURN_RESULT, desk, local(2026, 3, 12, 15, 0), {}),
    ]:
        walk = record_perform(record=walk, action=action, actor=actor, at=at, **params)
    refused = record_submit(
        procedure=procedure, agency=agency, applicant=applicant, actor=desk, at=local(2026, 3, 4, 8, 0)
    )
    record_perform(
        record=refused,
        action=Action.REFUSE_INTAKE,
        actor=desk,
        reason="Không thuộc thẩm quyền",
        at=local(2026, 3, 4, 8, 10),
    )
    stopped = record_intake_at_counter(
        procedure=procedure,
        agency=agency,
        applicant=Applicant(name="Phạm Hùng"),
        actor=desk,
        at=local(2026, 3, 5, 8, 0),
    )
    record_perform(
        record=stopped,
        action=Action.STOP,
        actor=leader,
        reason="Người nộp yêu cầu dừng",
        at=local(2026, 3, 6, 8, 0),
    )
    record_submit(
        procedure=procedure,
        agency=agency,
        applicant=applicant,
        action=Action.SUBMIT_ONLINE,
        at=local(2026, 3, 9, 20, 0),
    )
    facts = record_intake_at_counter(
        procedure=procedure, agency=agency, applicant=applicant, actor=desk, at=local(2026, 3, 11, 8, 0)
    )
    Record.objects.filter(pk=facts.pk).update(
        fees_total_vnd=50000,
        paid_online="2",
        has_digitized_components=True,
        used_population_db=True,
        vneid_verified=True,
    )
    assert {r.state for r in Record.objects.all()} == {
        State.RETURNED,
        State.REFUSED,
        State.STOPPED,
        State.SUBMITTED,
        State.RECEIVED,
    }
    return agency


def export(agency, fmt="json") -> str:
    out = io.StringIO()
    export_records(agency=agency, date_from=FROM, date_to=TO, out=out, fmt=fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_export_import_export_gives_the_same_file(procedure, van_hung, staff, applicant, fmt):
    make_records(procedure, van_hung, staff, applicant)
    first = export(van_hung, fmt)
    Record.objects.all().delete()
    summary = import_sync_file(stream=io.BytesIO(first.encode()), source_name="round-trip")
    assert (summary.added, summary.rejected) == (5, 0)
    assert export(van_hung, fmt) == first
    again = import_sync_file(stream=io.BytesIO(first.encode()), source_name="round-trip")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)


def test_round_trip_into_a_database_without_the_procedure_and_agency(procedure, van_hung, staff, applicant):
    make_records(procedure, van_hung, staff, applicant)
    first = export(van_hung)
    Record.objects.all().delete()
    procedure.offerings.all().delete() if hasattr(procedure, "offerings") else None
    Procedure.objects.filter(pk=procedure.pk).delete()
    code, unit = van_hung.code, van_hung.unit
    van_hung.delete()
    summary = import_sync_file(stream=io.BytesIO(first.encode()), source_name="x", create_missing=True)
    assert (summary.added, summary.rejected) == (5, 0)
    assert summary.created == [f"agency:{code}", f"procedure:{procedure.code}"]
    from motcua.units.models import Agency

    assert export(Agency.objects.get(code=code)) == first
    assert unit.parent_id == Agency.objects.get(code=code).unit_id


def test_export_carries_history_supplements_and_true_status(procedure, van_hung, staff, applicant):
    make_records(procedure, van_hung, staff, applicant)
    records = {r["MaHoSo"]: r for r in json.loads(export(van_hung))}
    walk = next(r for r in records.values() if r["TrangThaiHoSo"] == "10")
    assert [h["TrangThai"] for h in walk["QuaTrinhXuLy"]] == ["1", "2", "4", "5", "4", "9", "10"]
    assert walk["DanhSachHoSoBoSung"][0]["NoiDungBoSung"] == "Bản sao sổ đỏ"
    assert walk["DanhSachHoSoBoSung"][0]["NgayTiepNhanBoSung"] == "20260310080000"
    assert walk["NgayTiepNhan"] == "20260302090000" and walk["KenhThucHien"] == "1"
    assert sorted(r["TrangThaiHoSo"] for r in records.values()) == ["1", "10", "2", "3", "8"]


def test_export_command_writes_a_file(procedure, van_hung, staff, applicant, tmp_path):
    make_records(procedure, van_hung, staff, applicant)
    target = tmp_path / "out.jsonl"
    call_command(
        "export",
        "dvcqg",
        "--agency",
        van_hung.code,
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--output",
        str(target),
        "--format",
        "jsonl",
        stderr=io.StringIO(),
    )
    assert target.read_text(encoding="utf-8") == export(van_hung, "jsonl")
