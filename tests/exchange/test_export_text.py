"""The export texts an import stores (Record.sync_kept, RecordEvent.sync_item): what they hold,
that both import paths and the migration's backfill write them, that the SQL export spliced from
them writes the bytes it writes without them, and that a record changed in motcua afterwards
exports its current state. And `motcua export dvcqg --workers`."""

import importlib
import io
import json
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from motcua.exchange.dvcqg import mapping
from motcua.exchange.exporter import export_records
from motcua.exchange.importer import import_sync_file
from motcua.exchange.management.commands import export as export_command
from motcua.records.lifecycle import Action
from motcua.records.models import Record, RecordEvent
from motcua.records.services import record_perform
from tests.records.conftest import local

from .sync import as_lines, sync_record
from .test_export_sql import awkward_records
from .test_round_trip import FROM, TO, make_records

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.postgres_only
CODE = "H56.57.01-260302-0051"  # not a code make_records gives


def scrambled() -> dict:
    """Record 51 with its lists' and history item's keys out of the spec's order, an unknown
    nested field and a list the spec does not order."""
    item = {
        "TrangThai": "2",
        "NoiDungXuLy": "Tiếp nhận hồ sơ",
        "ThoiDiemXuLy": "20260302080000",
        "NguoiXuLy": "Lê Thị Hoa",
        "MaHoSo": CODE,
        "Zeta": 1,
    }
    return sync_record(
        51,
        TaiLieuNop=[
            {"IsDeleted": "0", "TenTepDinhKem": "a.pdf", "TepDinhKemId": "x1", "b": {"z": 1, "a": 2}}
        ],
        MaMoi={"b": 1, "a": [2, "\u0001"]},
        QuaTrinhXuLy=[item],
    )


def segments(record: Record) -> dict[str, str]:
    names = [*mapping.SCALAR_FIELDS, *mapping.LIST_FIELDS, "unknown"]
    parts = record.sync_kept.split("\x1f")
    assert len(parts) == len(names)
    return dict(zip(names, parts, strict=True))


def export(agency, fmt="jsonl", **kwargs) -> str:
    out = io.StringIO()
    export_records(agency=agency, date_from=FROM, date_to=TO, out=out, fmt=fmt, **kwargs)
    return out.getvalue()


@pytest.mark.parametrize("sql", [False, pytest.param(True, marks=on_postgres)])
def test_an_import_stores_what_the_export_writes_in_the_files_key_order(procedure, van_hung, sql):
    import_sync_file(stream=io.BytesIO(as_lines([scrambled()])), source_name="f", sql=sql)
    record = Record.objects.get(code=CODE)
    kept = segments(record)
    # The spec's keys first in the spec's order, the others by code point, nested ones too.
    assert (
        kept["TaiLieuNop"]
        == '[{"TepDinhKemId":"x1","TenTepDinhKem":"a.pdf","IsDeleted":"0","b":{"a":2,"z":1}}]'
    )
    assert kept["DanhSachLePhi"] == '[{"TenPhiLePhi":"Lệ phí đăng ký","Gia":"100000"}]'
    assert kept["unknown"] == ',"MaMoi":{"a":[2,"\\u0001"],"b":1}'
    assert kept["DinhDanhCHS"] == kept["DanhSachHoSoBoSung"] == ""  # not in the file: from the columns
    assert kept["ChuHoSo"] == kept["NgayTiepNhan"] == ""  # the columns say what the file said
    (event,) = RecordEvent.objects.filter(record=record, action=mapping.SYNC_HISTORY)
    assert event.sync_item == (
        f'{{"MaHoSo":"{CODE}","NguoiXuLy":"Lê Thị Hoa","ThoiDiemXuLy":"20260302080000",'
        '"NoiDungXuLy":"Tiếp nhận hồ sơ","TrangThai":"2","Zeta":1}'
    )


def test_records_motcua_made_store_nothing(procedure, van_hung, staff, applicant):
    make_records(procedure, van_hung, staff, applicant)
    assert set(Record.objects.values_list("sync_kept", flat=True)) == {""}
    assert set(RecordEvent.objects.values_list("sync_item", flat=True)) == {""}


def test_a_reimport_that_changes_a_list_changes_its_stored_text(procedure, van_hung):
    import_sync_file(stream=io.BytesIO(as_lines([sync_record(51)])), source_name="f")
    changed = sync_record(51, DanhSachLePhi=[{"Gia": "5000", "TenPhiLePhi": "Phí"}])
    summary = import_sync_file(stream=io.BytesIO(as_lines([changed])), source_name="g")
    assert summary.updated == 1
    assert segments(Record.objects.get(code=CODE))["DanhSachLePhi"] == '[{"TenPhiLePhi":"Phí","Gia":"5000"}]'


def test_the_migrations_backfill_writes_what_the_import_writes(procedure, van_hung, staff, applicant):
    make_records(procedure, van_hung, staff, applicant)
    import_sync_file(stream=io.BytesIO(as_lines([scrambled(), sync_record(52)])), source_name="f")
    import_sync_file(stream=io.BytesIO(awkward_records()), source_name="g")
    stored = dict(Record.objects.values_list("code", "sync_kept"))
    items = dict(RecordEvent.objects.values_list("pk", "sync_item"))
    # Record 101 holds 2.5: not stored (below), rebuilt at export.
    assert sum(1 for text in stored.values() if text) == 4 and sum(1 for t in items.values() if t) >= 4
    Record.objects.update(sync_kept="")
    RecordEvent.objects.update(sync_item="")
    migration = importlib.import_module("motcua.records.migrations.0009_sync_export_text")
    migration.backfill(apps, SimpleNamespace(connection=connection))  # all it reads of the editor
    assert dict(Record.objects.values_list("code", "sync_kept")) == stored
    assert dict(RecordEvent.objects.values_list("pk", "sync_item")) == items


def test_a_number_the_database_could_rewrite_is_not_stored(procedure, van_hung):
    """PostgreSQL hands jsonb's 1e-07 back as 0.0000001; orjson cannot write 2**70: such a
    record keeps an empty text and its export rebuilds it from the database, as before."""
    data = as_lines(
        [sync_record(53, MaMoi={"x": 1e-07}), sync_record(54, MaMoi=2**70), sync_record(55, MaMoi=[1, True])]
    )
    assert import_sync_file(stream=io.BytesIO(data), source_name="f").added == 3
    texts = dict(Record.objects.values_list("code", "sync_kept"))
    assert texts["H56.57.01-260302-0053"] == texts["H56.57.01-260302-0054"] == ""
    assert texts["H56.57.01-260302-0055"].endswith(',"MaMoi":[1,true]')


@on_postgres
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_the_sql_export_writes_the_same_bytes_with_and_without_the_stored_texts(
    procedure, van_hung, staff, applicant, fmt
):
    make_records(procedure, van_hung, staff, applicant)
    import_sync_file(stream=io.BytesIO(as_lines([scrambled(), sync_record(52)])), source_name="f")
    import_sync_file(stream=io.BytesIO(awkward_records()), source_name="g")
    spliced = export(van_hung, fmt)
    assert Record.objects.exclude(sync_kept="").count() == 4
    Record.objects.update(sync_kept="")  # as a record written before the column, or by inbound
    RecordEvent.objects.update(sync_item="")
    rebuilt = export(van_hung, fmt)
    assert spliced == rebuilt == export(van_hung, fmt, python=True)
    assert (
        '"TaiLieuNop":[{"TepDinhKemId":"x1","TenTepDinhKem":"a.pdf","IsDeleted":"0","b":{"a":2,"z":1}}]'
        in spliced
    )


def test_a_record_changed_in_motcua_after_its_import_exports_its_current_state(procedure, van_hung, staff):
    received = sync_record(51, TrangThaiHoSo="2", NgayKetThucXuLy="", NgayTra="")
    import_sync_file(stream=io.BytesIO(as_lines([received])), source_name="f")
    before = json.loads(export(van_hung))
    assert before["TrangThaiHoSo"] == "2" and len(before["QuaTrinhXuLy"]) == 1
    record = Record.objects.get(code=CODE)
    record = record_perform(
        record=record,
        action=Action.ASSIGN,
        actor=staff["desk"],
        at=local(2026, 3, 2, 9, 0),
        to_user=staff["specialist"],
    )
    record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["specialist"],
        at=local(2026, 3, 3, 14, 0),
        missing=["Bản sao sổ đỏ"],
    )
    text = export(van_hung)
    assert text == export(van_hung, python=True)
    after = json.loads(text)
    assert after["TrangThaiHoSo"] == "5"  # waiting for a supplement
    history = after["QuaTrinhXuLy"]
    assert [h["ThoiDiemXuLy"] for h in history] == ["20260302080000", "20260302090000", "20260303140000"]
    assert history[0] == before["QuaTrinhXuLy"][0]  # the source's item, as it came
    assert history[2]["NguoiXuLy"] == (staff["specialist"].full_name or staff["specialist"].username)
    (asked,) = after["DanhSachHoSoBoSung"]
    assert asked["NoiDungBoSung"] == "Bản sao sổ đỏ" and asked["NgayBoSung"] == "20260303140000"
    assert after["DanhSachLePhi"] == [{"TenPhiLePhi": "Lệ phí đăng ký", "Gia": "100000"}]  # still as sent


# --- motcua export dvcqg --workers ---


def run_command(tmp_path, van_hung, *extra):
    target = tmp_path / "out.jsonl"
    call_command(
        "export", "dvcqg", "--agency", van_hung.code, "--from", FROM.isoformat(), "--to", TO.isoformat(),
        "--output", str(target), "--format", "jsonl", *extra,
    )  # fmt: skip
    return target.read_text(encoding="utf-8")


def test_the_command_hands_workers_to_the_export(procedure, van_hung, tmp_path, monkeypatch):
    import_sync_file(stream=io.BytesIO(as_lines(sync_record(n) for n in range(1, 4))), source_name="f")
    seen = []
    real = export_command.export_records
    monkeypatch.setattr(
        export_command, "export_records", lambda **kw: seen.append(kw["workers"]) or real(**kw)
    )
    python = export(van_hung, python=True)
    assert run_command(tmp_path, van_hung) == python
    assert run_command(tmp_path, van_hung, "--workers", "1") == python
    assert run_command(tmp_path, van_hung, "--workers", "3") == python
    assert seen == [None, 1, 3]  # None: one connection per CPU


@pytest.mark.parametrize("value", ["0", "-2", "hai"])
def test_the_command_refuses_a_worker_count_below_one(van_hung, tmp_path, value):
    with pytest.raises(CommandError, match="số nguyên từ 1 trở lên"):
        run_command(tmp_path, van_hung, "--workers", value)
