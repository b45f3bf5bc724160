"""The PostgreSQL export (exchange/sqlpath.py) writes the Python export's bytes."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from motcua.exchange import sqlexport
from motcua.exchange.exporter import export_records
from motcua.exchange.importer import import_sync_file
from motcua.records.models import Record
from tests.records.conftest import local

from .sync import as_array, as_lines, sync_record
from .test_round_trip import FROM, TO, make_records

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]
DATA = Path(__file__).parent / "data"


def both(agency, fmt):
    outs = []
    for python in (True, False):
        out = io.StringIO()
        count = export_records(agency=agency, date_from=FROM, date_to=TO, out=out, fmt=fmt, python=python)
        outs.append((count, out.getvalue()))
    return outs


def awkward_records() -> bytes:
    """Imported records whose lists, unknown fields and verbatim scalars come back from jsonb:
    keys in odd orders and lengths, nested objects, escapes, numbers, non-ASCII keys."""
    return as_lines(
        [
            sync_record(
                101,
                ChuHoSo='Ngô "Bảy" \\ \t\u0001 ',
                MaDoiTuong="X1",
                HinhThuc="1",
                TaiLieuNop=[
                    {
                        "IsDeleted": "0",
                        "TenTepDinhKem": "a.pdf",
                        "zz": {"b": 1, "a": [1, {"y": 2, "x": None}]},
                    }
                ],
                DinhDanhCHS=[{"SoDinhDanh": "1", "LoaiDinhDanh": "1", "Ä": True}],
                MaMoi={"longer_key": 1, "k": 2.5, "ê": "é"},
                AaMoi=[3, "x", False],
            ),
            sync_record(102, DanhSachLePhi=[], QuaTrinhXuLy=[]),
            sync_record(103, TrangThaiHoSo="5", NgayKetThucXuLy="", NgayTra=""),
        ]
    )


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_sql_export_equals_python_export(procedure, van_hung, staff, applicant, fmt):
    make_records(procedure, van_hung, staff, applicant)  # records motcua made: lists derived
    for data in ((DATA / "sample.json").read_bytes(), (DATA / "mixed.jsonl").read_bytes(), awkward_records()):
        import_sync_file(stream=io.BytesIO(data), source_name="f")
    assert Record.objects.filter(extra__unknown__MaMoi__k=2.5).exists()
    (python_count, python), (sql_count, sql) = both(van_hung, fmt)
    assert python_count == sql_count == Record.objects.filter(agency=van_hung).count() > 5
    assert sql == python


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_sql_export_of_nothing(van_hung, fmt):
    (_, python), (count, sql) = both(van_hung, fmt)
    assert count == 0 and sql == python


def test_sql_export_of_a_few_thousand_records_streams_them_all(procedure, van_hung):
    import_sync_file(stream=io.BytesIO(as_array(sync_record(n) for n in range(1, 3001))), source_name="f")
    (python_count, python), (sql_count, sql) = both(van_hung, "json")
    assert python_count == sql_count == 3000
    assert sql == python


# --- The parallel export (exchange/sqlexport.py): parts over ranges of codes, one snapshot. ---
# Other connections see only committed rows: these tests commit (transaction=True).

parallel = pytest.mark.django_db(transaction=True)


def export(agency, fmt, *, date_from=FROM, date_to=TO, **kwargs):
    out = io.StringIO()
    count = export_records(agency=agency, date_from=date_from, date_to=date_to, out=out, fmt=fmt, **kwargs)
    return count, out.getvalue()


def fill(procedure, van_hung, staff, applicant):
    make_records(procedure, van_hung, staff, applicant)
    for data in ((DATA / "sample.json").read_bytes(), (DATA / "mixed.jsonl").read_bytes(), awkward_records()):
        import_sync_file(stream=io.BytesIO(data), source_name="f")
    return list(Record.objects.filter(agency=van_hung).order_by("code").values_list("code", flat=True))


def cut_at(monkeypatch, codes):
    """Parts start at these codes, whatever the sizes (the real cuts are percentiles)."""
    monkeypatch.setattr(sqlexport, "_bounds", lambda raw, params, parts: list(codes))


@parallel
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_parallel_export_writes_the_single_and_python_exports_bytes_wherever_parts_meet(
    procedure, van_hung, staff, applicant, monkeypatch, fmt
):
    codes = fill(procedure, van_hung, staff, applicant)
    assert len(codes) > 5
    python = export(van_hung, fmt, python=True)
    single = export(van_hung, fmt, workers=1)
    assert single == python and python[0] == len(codes)
    # A seam before each record (the first part empty, the last one record), then every record a part.
    for bounds in [[code] for code in codes] + [codes[1:], codes]:
        cut_at(monkeypatch, bounds)
        assert export(van_hung, fmt, workers=2) == python, bounds


@parallel
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_parallel_export_of_no_record_and_of_one(procedure, van_hung, monkeypatch, fmt):
    monkeypatch.setattr(sqlexport, "PARALLEL_FROM", 0)
    assert (
        export(van_hung, fmt, workers=4)
        == export(van_hung, fmt, python=True)
        == (0, "[\n]\n" if fmt == "json" else "")
    )
    import_sync_file(stream=io.BytesIO(as_lines([sync_record(7)])), source_name="f")
    python = export(van_hung, fmt, python=True)
    assert python[0] == 1
    assert export(van_hung, fmt, workers=4) == python
    code = Record.objects.get().code
    cut_at(monkeypatch, [code])  # the record alone in the second part
    assert export(van_hung, fmt, workers=2) == python


@parallel
def test_parallel_export_cuts_by_percentiles_and_keeps_the_filters(
    procedure, van_hung, van_thang, monkeypatch
):
    monkeypatch.setattr(sqlexport, "PARALLEL_FROM", 0)
    monkeypatch.setattr(sqlexport, "CHUNK", 7)  # parts appended 7 bytes at a time: seams inside lines
    records = [sync_record(n) for n in range(1, 41)]
    late = sync_record(41, day=local(2026, 4, 20, 9, 0))
    other = sync_record(42, agency=van_thang.code)
    import_sync_file(stream=io.BytesIO(as_lines([*records, late, other])), source_name="f")
    assert Record.objects.count() == 42
    seen = []
    real_bounds = sqlexport._bounds
    monkeypatch.setattr(sqlexport, "_bounds", lambda *a: seen.append(real_bounds(*a)) or seen[-1])
    for fmt in ("json", "jsonl"):
        python = export(van_hung, fmt, python=True)
        assert python[0] == 40  # not April's, not the other agency's
        assert export(van_hung, fmt, workers=3) == python
        april = export(
            van_hung, fmt, date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30), python=True
        )
        assert april[0] == 1
        assert (
            export(van_hung, fmt, date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30), workers=3)
            == april
        )
        assert export(van_thang, fmt, workers=3) == export(van_thang, fmt, python=True)
    assert len(seen[0]) == 2  # three parts


@parallel
def test_a_record_changed_during_a_parallel_export_does_not_tear_the_file(procedure, van_hung, monkeypatch):
    import_sync_file(stream=io.BytesIO(as_lines(sync_record(n) for n in range(1, 31))), source_name="f")
    codes = list(Record.objects.order_by("code").values_list("code", flat=True))
    before = export(van_hung, "json", python=True)
    cut_at(monkeypatch, [codes[10], codes[20]])
    init = sqlexport._Part.__init__

    def change_then_connect(part, snapshot, params, low, high):
        # Committed by another session after the export took its snapshot, before the last part
        # connects: only a shared snapshot keeps the change out of that part.
        if low == codes[20]:
            other = connection.get_new_connection(connection.get_connection_params())
            with other.cursor() as cursor:
                cursor.execute(
                    "UPDATE records_record SET applicant_name = 'Đã đổi' WHERE code = %s", [codes[25]]
                )
                cursor.execute(
                    "DELETE FROM records_recordevent WHERE record_id = (SELECT id FROM records_record WHERE code = %s)",
                    [codes[22]],
                )
                cursor.execute("DELETE FROM records_record WHERE code = %s", [codes[22]])
            other.commit()
            other.close()
        init(part, snapshot, params, low, high)

    monkeypatch.setattr(sqlexport._Part, "__init__", change_then_connect)
    assert export(van_hung, "json", workers=3) == before
    after = export(van_hung, "json", python=True)
    assert after[0] == 29 and "Đã đổi" in after[1]


@parallel
def test_export_with_one_worker_and_through_the_command(procedure, van_hung, tmp_path):
    import_sync_file(stream=io.BytesIO(as_lines(sync_record(n) for n in range(1, 4))), source_name="f")
    python = export(van_hung, "jsonl", python=True)
    assert export(van_hung, "jsonl", workers=1) == python
    target = tmp_path / "out.jsonl"
    call_command(
        "export", "dvcqg", "--agency", van_hung.code, "--from", FROM.isoformat(), "--to", TO.isoformat(),
        "--output", str(target), "--format", "jsonl",
    )  # fmt: skip
    assert target.read_text(encoding="utf-8") == python[1]


def test_inside_a_transaction_the_export_reads_its_own_uncommitted_records(procedure, van_hung, monkeypatch):
    """Other connections could not see them: one connection, whatever `workers` says."""
    monkeypatch.setattr(sqlexport, "PARALLEL_FROM", 0)
    import_sync_file(stream=io.BytesIO(as_lines(sync_record(n) for n in range(1, 4))), source_name="f")
    assert export(van_hung, "json", workers=4) == export(van_hung, "json", python=True)
    assert export(van_hung, "json", workers=4)[0] == 3
