"""The PostgreSQL export (exchange/sqlpath.py) writes the Python export's bytes."""

import io
from pathlib import Path

import pytest

from motcua.exchange.exporter import export_records
from motcua.exchange.importer import import_sync_file
from motcua.records.models import Record

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
