"""The COPY path of the import (PostgreSQL) writes what the ORM path writes, row for row."""

import io
from pathlib import Path

import pytest

from motcua.exchange import fastpath
from motcua.exchange.importer import import_sync_file
from motcua.records.models import Record, RecordEvent
from tests.records.conftest import local

from .sync import as_array, as_lines, sync_record

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]
DATA = Path(__file__).parent / "data"
# Columns that differ between two imports of the same file by construction.
VOLATILE = {"id", "record_id", "created_at"}
NOW = local(2026, 4, 1, 9, 0)  # when the imports ran: in imported_at and the update events


def contents() -> tuple[list[dict], list[dict]]:
    """Records and events as plain rows, keyed by record code rather than ids."""
    codes = dict(Record.objects.values_list("pk", "code"))
    records = [
        {k: v for k, v in row.items() if k not in VOLATILE}
        for row in Record.objects.order_by("code").values()
    ]
    events = sorted(
        (
            {"record": codes[row["record_id"]]} | {k: v for k, v in row.items() if k not in VOLATILE}
            for row in RecordEvent.objects.values()
        ),
        key=lambda e: (e["record"], e["at"], e["action"], e["reason"], str(e["detail"])),
    )
    return records, events


def files() -> list[bytes]:
    changed = sync_record(1, TrangThaiHoSo="4", NgayKetThucXuLy="", NgayTra="")
    return [
        (DATA / "sample.json").read_bytes(),
        (DATA / "mixed.jsonl").read_bytes(),
        as_array([sync_record(n, KenhThucHien=str(1 + n % 3), MaMoi=n) for n in range(1, 6)]),
        as_lines([changed, sync_record(2), sync_record(2, ChuHoSo="Trần Văn Bình Hai")]),
        as_array([sync_record(1)]),  # back to finished: an update with a history step
        as_lines([sync_record(1), sync_record(9)]),  # unchanged, and one more
    ]


def import_all(monkeypatch, *, copy: bool, bulk_load: bool = False) -> list[tuple[int, int, int, int]]:
    monkeypatch.setattr(fastpath, "enabled", lambda: copy)
    out = []
    for data in files():
        s = import_sync_file(stream=io.BytesIO(data), source_name="f", bulk_load=bulk_load, now=NOW)
        out.append((s.added, s.updated, s.unchanged, s.rejected))
    return out


@pytest.mark.parametrize("bulk_load", [False, True])
def test_copy_and_orm_paths_write_the_same_rows(procedure, van_hung, monkeypatch, bulk_load):
    orm_counts = import_all(monkeypatch, copy=False)
    # The files take every branch: added, updated, unchanged and rejected records.
    assert [sum(c[i] for c in orm_counts) > 0 for i in range(4)] == [True] * 4, orm_counts
    orm = contents()
    Record.objects.all().delete()
    copy_counts = import_all(monkeypatch, copy=True, bulk_load=bulk_load)
    assert copy_counts == orm_counts
    assert contents() == orm
    # The last file once more: nothing changes.
    again = import_sync_file(stream=io.BytesIO(files()[-1]), source_name="f", now=NOW)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert contents() == orm


def test_a_bulk_load_builds_the_indexes_and_foreign_keys_again(procedure, van_hung, monkeypatch):
    indexes, keys = fastpath._secondary_indexes(), fastpath._foreign_keys()
    assert "record_search_scoped" in [name for name, _ in indexes]  # records 0006
    assert any(table == RecordEvent._meta.db_table for table, _, _ in keys)
    monkeypatch.setattr(fastpath, "enabled", lambda: True)
    import_sync_file(stream=io.BytesIO(as_array([sync_record(1)])), source_name="f", bulk_load=True)
    # (An index definition may come back spelled differently by PostgreSQL: compare names.)
    assert [name for name, _ in fastpath._secondary_indexes()] == [name for name, _ in indexes]
    assert fastpath._foreign_keys() == keys
    assert Record.objects.filter(search_text__contains="tran van binh").count() == 1
