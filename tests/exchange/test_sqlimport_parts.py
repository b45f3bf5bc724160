"""A big set-based import in parts (`exchange/sqlimport_work.py`): the file's blocks staged and
computed on connections of their own, committed, read by the import's transaction — the same
rows, counts and rejects as the Python path, and no work table left, whatever happens."""

import io

import pytest
from django.db import connection

from motcua.exchange import fastpath, importer, sqlimport, sqlimport_work
from motcua.exchange.importer import import_sync_file
from motcua.records.models import Record, RecordEvent

from .sync import as_array, as_lines, sync_record
from .test_sqlimport import assert_same, odd_records

# Committed work: other connections must see the agency and procedure the fixtures create.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def work_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname LIKE 'motcua\\_sync\\_%%' ORDER BY relname"
        )
        return [name for (name,) in cursor.fetchall()]


@pytest.fixture
def in_parts(monkeypatch):
    """Every SQL import in two parts, blocks of a few lines; records the parts' tags."""
    monkeypatch.setattr(importer, "PARTS_BYTES", 0)
    monkeypatch.setattr(importer, "_cpus", lambda: 2)
    monkeypatch.setattr(sqlimport_work, "BLOCK", 3000)
    tags: list[str] = []
    prepare = sqlimport.prepare

    def recording(stream, own_connections=0, tick=None):
        work = prepare(stream, own_connections, tick)
        tags.append(f"{len(work.parts)}:{'transaction' if work.in_transaction else 'own'}")
        return work

    monkeypatch.setattr(sqlimport, "prepare", recording)
    return tags


def many_lines() -> bytes:
    """Odd records (valid and not) between plain ones, a malformed line and blank lines: several
    blocks, so that each part stages and computes some of them."""
    plain = [sync_record(n) for n in range(100, 130)]
    data = as_lines(plain[:10] + odd_records() + plain[10:])
    lines = data.split(b"\n")
    lines.insert(20, b'{"MaHoSo": "H56.57.01-260302-0900", "ChuHoSo": ')  # cut short
    lines.insert(25, b"")
    lines.insert(40, b'{"MaHoSo": "a\\u0000b"}')  # a NUL escape: no jsonb, no text key
    return b"\n".join(lines)


def test_parts_give_the_python_paths_rows_and_rejects(procedure, van_hung, monkeypatch, in_parts):
    taken = assert_same(monkeypatch, [many_lines(), as_array(odd_records()[:8]), many_lines()])
    assert in_parts == ["2:own"] * 3  # the SQL runs went in two parts on their own connections
    assert taken[0] >= 40  # SQL took the plain new records of both parts
    assert taken[2] == 0  # the same file again: every record known, all through Python
    assert work_tables() == []


def test_a_failed_load_in_parts_leaves_nothing(procedure, van_hung, monkeypatch, in_parts):
    monkeypatch.setattr(fastpath, "enabled", lambda: True)

    def broken(self, position, obj):
        raise RuntimeError("killed")

    monkeypatch.setattr(importer._Importer, "feed", broken)
    with pytest.raises(RuntimeError):
        import_sync_file(stream=io.BytesIO(many_lines()), source_name="f", sql=True, bulk_load=True)
    assert in_parts == ["2:own"]
    assert Record.objects.count() == 0 and RecordEvent.objects.count() == 0
    assert work_tables() == []  # the parts' committed tables dropped after the rollback
    assert "record_search_scoped" in [name for name, _ in fastpath._secondary_indexes()]


def test_the_tables_of_a_killed_load_are_dropped_by_the_next(procedure, van_hung, in_parts):
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(pid) + 100000 FROM pg_stat_activity")
        gone = cursor.fetchone()[0]  # no backend has this pid
        cursor.execute(f"CREATE UNLOGGED TABLE motcua_sync_{gone}_0_stage (pos bigint)")
        cursor.execute(f"CREATE SEQUENCE motcua_sync_{gone}_0_pos")
    summary = import_sync_file(stream=io.BytesIO(many_lines()), source_name="f", sql=True)
    assert summary.added > 40
    assert work_tables() == []


def test_inside_a_callers_transaction_the_work_stays_in_it(procedure, van_hung, in_parts):
    from django.db import transaction

    with transaction.atomic():
        summary = import_sync_file(stream=io.BytesIO(many_lines()), source_name="f", sql=True)
    assert in_parts == ["1:transaction"]
    assert summary.added > 40 and work_tables() == []


def test_the_parts_keep_a_page_started_imports_heartbeat(procedure, van_hung, in_parts):
    """Staging and computing come before the import's transaction: the progress callback (a
    queued run's heartbeat) hears from them, or a long load would be taken for a dead worker."""
    calls: list[int] = []
    summary = import_sync_file(
        stream=io.BytesIO(many_lines()), source_name="f", sql=True, progress=calls.append
    )
    first_added = next(i for i, n in enumerate(calls) if n)
    assert first_added > 0 and set(calls[:first_added]) == {0}  # ticks before any record went in
    assert sum(calls) == summary.seen


def test_without_connections_for_the_parts_the_import_runs_in_one(procedure, van_hung, monkeypatch, in_parts):
    """A server at its `max_connections`: slower, not wrong."""
    import psycopg

    def refused():
        raise psycopg.OperationalError("sorry, too many clients already")

    monkeypatch.setattr(sqlimport_work, "_connect", refused)
    summary = import_sync_file(stream=io.BytesIO(many_lines()), source_name="f", sql=True)
    assert in_parts == ["1:transaction"]  # staged and computed in the import's transaction
    assert summary.added > 40 and summary.rejected > 0
    assert work_tables() == []
