"""The set-based import (PostgreSQL, `exchange/sqlimport.py`) writes what the Python path writes:
the same rows, counts and rejects (position, field, reason), for plain and odd records alike."""

import io
import unicodedata

import pytest
from django.db import connection

from motcua.core.text import search_key
from motcua.exchange import fastpath, sqlimport
from motcua.exchange import sqlimport_sql as q
from motcua.exchange.dvcqg.values import BadValue, parse_datetime
from motcua.exchange.importer import import_sync_file
from motcua.records.models import Record, RecordEvent

from .sync import as_array, as_lines, sync_record
from .test_import_fastpath import NOW, contents, files

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


def sql_taken(monkeypatch) -> list[int]:
    """How many records each SQL load took itself (the others went to the Python path)."""
    taken: list[int] = []
    load = sqlimport.load

    def counting(*args, **kwargs):
        result = load(*args, **kwargs)
        taken.append(result.added)
        return result

    monkeypatch.setattr(sqlimport, "load", counting)
    return taken


def both(monkeypatch, datas: list[bytes], **kwargs):
    """[(summaries, rejects, contents)] of the Python path, then of the SQL path, each from no record."""
    monkeypatch.setattr(fastpath, "enabled", lambda: True)
    out = []
    for sql in (False, True):
        Record.objects.all().delete()
        summaries, rejects = [], []
        for data in datas:
            s = import_sync_file(
                stream=io.BytesIO(data),
                source_name="f",
                now=NOW,
                sql=sql,
                on_reject=lambda r, o, rejects=rejects: rejects.append((r, o)),
                **kwargs,
            )
            summaries.append(s.as_dict())
        out.append((summaries, rejects, contents()))
    return out


def assert_same(monkeypatch, datas: list[bytes], **kwargs) -> list[int]:
    taken = sql_taken(monkeypatch)
    python, sql = both(monkeypatch, datas, **kwargs)
    assert sql[0] == python[0]  # counts, rejects' position/field/reason in order, unknown fields
    assert sql[1] == python[1]  # what the rejects file gets
    assert sql[2] == python[2]  # every column of records and events
    return taken


def test_the_fastpath_files_give_the_same_rows(procedure, van_hung, monkeypatch):
    taken = assert_same(monkeypatch, files())
    assert sum(taken) >= 5  # SQL took the plain new records itself


def odd_records() -> list[dict]:
    """Valid and invalid records exercising each rule of the mapping (numbered 1…)."""
    r = sync_record
    history = r(1)["QuaTrinhXuLy"][0]
    return [
        r(1),  # plain
        r(2, TrangThaiHoSo="5", NgayTiepNhan="", NgayKetThucXuLy="", NgayTra=""),  # supplement before receipt
        r(3, TrangThaiHoSo="6"),  # no motcua state: kept verbatim
        r(4, TrangThaiHoSo="3", NgayTuChoi="20260302090000", NgayKetThucXuLy="", NgayTra=""),
        r(5, NgayTuChoi="20260303090000"),  # returned but refused: approved is False
        r(6, NgayNopHoSo="", KenhThucHien="", LoaiDoiTuong="", NoiNopHoSo=""),  # defaults
        r(7, ChuHoSo="  Đỗ Thị Ánh Tuyết  ", SoGiayToChuHoSo=" 056190009999 ", Email="a@b.vn "),
        r(8, ChuHoSo="Nguyễn  Văn\u00a0Ba"),  # a no-break space: Python's split, not SQL's
        r(9, ChuHoSo=unicodedata.normalize("NFD", "Lê Thị Hoà")),  # not NFC: stored NFC
        r(10, ChuHoSo="Ωμέγα Κώστας"),  # Greek: the Python path folds it
        r(11, Extra="giá trị", MaMoi={"a": ["b", None]}),  # unknown fields kept
        r(12, Diem=9.5),  # a number somewhere
        r(13, Email=None),  # null scalar
        r(
            14,
            TrangThaiHoSo="5",
            NgayKetThucXuLy="",
            NgayTra="",
            DanhSachHoSoBoSung=[
                {"NgayBoSung": "20260303080000", "NgayHenTraTruoc": "20260305080000", "NgayHenTraMoi": ""},
                {"NgayBoSung": "20260304080000", "NgayHenTraTruoc": "", "TrangThaiBoSung": "0"},
            ],
        ),
        r(
            15,
            HoSoCoThanhPhanSoHoa="",
            TaiLieuNop=[
                {"DuocSoHoa": "1", "IsDeleted": True},
                {"DuocSoHoa": "1", "DuocTaiSuDung": "1", "IsDeleted": "0"},
                {"DuocLayTuKhoDMQG": "1", "MaKetQuaThayThe": "KQ-1"},
            ],
            DSKetNoiCSDL=[{"MaCSDL": "csdlqgdc"}],
            DinhDanhCHS=[{"LoaiDinhDanh": "1", "SoDinhDanh": "056190001234"}],
        ),
        r(16, DanhSachLePhi=[{"Gia": "50000"}, {"Gia": ""}, {"Gia": None}, {"TenPhiLePhi": "x"}]),
        r(17, DanhSachGiayToKetQua=[{"DuongDanTepTinKetQua": "   "}], TaiLieuNop="", DSKetNoiCSDL=None),
        r(
            18,
            QuaTrinhXuLy=[
                history,
                {**history, "ThoiDiemXuLy": "", "NgayBatDau": "20260303080000", "TrangThai": ""},
            ],
        ),
        r(19, NgayTiepNhan="20260230080000"),  # 30 February: rejected
        r(20, NgayHenTra="2026-03-05"),  # rejected
        r(21, TrangThaiHoSo="11"),  # rejected
        r(22, KenhThucHien=2),  # a number the Python path accepts
        r(23, DanhSachLePhi=[{"Gia": "1.000"}]),  # rejected
        r(24, TaiLieuNop=[{"DuocSoHoa": "yes"}]),  # rejected
        r(25, QuaTrinhXuLy=[{**history, "ThoiDiemXuLy": ""}]),  # no time: rejected
        r(26, QuaTrinhXuLy=[{**history, "TrangThai": "12"}]),  # rejected
        r(27, DanhSachHoSoBoSung=[{"NgayBoSung": "2026"}]),  # rejected
        r(28, ChuHoSo="x" * 256),  # too long: rejected
        r(29, MaTTHC="2.000001"),  # unknown procedure: rejected
        r(30, agency="H56.99.99"),  # unknown agency: rejected
        r(31, NgayTiepNhan="20240229080000", NgayNopHoSo="20240229070000"),  # a leap day, rule set of 2024
        r(32, MaTTHC=" 1.001612 "),  # spaces the Python path strips
        r(33, TrichYeuHoSo="Hồ sơ\tcó tab", SoDienThoai=""),
        r(34, TaiKhoanDuocXacThucVoiVNeID="2"),  # rejected
        r(35, DanhSachGiayToKetQua="sai"),  # rejected: not a list
        r(36, TaiLieuNop=["sai"]),  # rejected: not objects
        # Other JSON types where the spec says strings: SQL reads fields as text, leaves them to Python.
        r(37, NgayTra=True),
        r(38, SoDienThoai={"so": "0912"}),
        r(39, MaDoiTuong="true"),  # the text "true" is a string: SQL may take it
        r(40, QuaTrinhXuLy=[{**history, "NgayKetThucTheoQuyDinh": None}]),  # null: no due date
        r(41, QuaTrinhXuLy=[{**history, "NgayKetThucTheoQuyDinh": True}]),  # rejected
        r(42, QuaTrinhXuLy=[{**history, "ThoiDiemXuLy": None, "NgayBatDau": "20260303080000"}]),
        r(43, NgayHenTra="29260305080000"),  # year 2926: rejected
        r(44, DanhSachLePhi=[{"Gia": "999999999999999"}] * 10_000),  # each fits, the total does not
        r(45, DanhSachLePhi=[{"Gia": "0000000000000001"}]),  # 16 characters, one đồng
        r(1, ChuHoSo="Trần Văn Bình Mới"),  # the same code again: the later one updates
        "không phải hồ sơ",
        [],
    ]


def test_odd_records_give_the_same_rows_and_rejects(procedure, van_hung, monkeypatch):
    data = as_lines(odd_records())
    taken = assert_same(monkeypatch, [data, as_array(odd_records()[:5])])
    assert taken[0] >= 12


def test_a_malformed_line_blank_lines_crlf_and_a_bom(procedure, van_hung, monkeypatch):
    lines = as_lines([sync_record(n) for n in range(1, 7)]).split(b"\n")
    lines.insert(3, b'{"MaHoSo": "H56.57.01-260302-0100", "ChuHoSo": ')  # cut short
    lines.insert(5, b"")
    lines.insert(6, b"   ")
    data = b"\xef\xbb\xbf" + b"\r\n".join(lines)
    assert_same(monkeypatch, [data])
    first_bad = b"{oops\n" + as_lines([sync_record(1)])  # the first line is not a record: reading stops
    assert_same(monkeypatch, [first_bad])


def test_bytes_not_utf8_and_nul(procedure, van_hung, monkeypatch):
    good = as_lines([sync_record(n) for n in range(1, 4)]).split(b"\n")
    data = b"\n".join([good[0], b'{"MaHoSo": "\xff\xfe"}', good[1], b'{"MaHoSo": "a\x00b"}', good[2]])
    # A NUL written as an escape: valid JSON, but neither jsonb nor a text column takes it.
    escaped = b"\n".join([good[0], b'{"MaHoSo": "a\\u0000b", "ChuHoSo": "x"}', good[1]])
    assert_same(monkeypatch, [data, escaped])


def test_an_array_file_and_a_truncated_one(procedure, van_hung, monkeypatch):
    records = [sync_record(n) for n in range(1, 6)]
    assert_same(monkeypatch, [as_array(records), as_array(records)[:-40]])


def test_re_import_updates_and_unchanged(procedure, van_hung, monkeypatch):
    first = as_lines([sync_record(n) for n in range(1, 5)])
    changed = as_lines(
        [sync_record(1), sync_record(2, TrangThaiHoSo="4", NgayKetThucXuLy="", NgayTra=""), sync_record(5)]
    )
    assert_same(monkeypatch, [first, first, changed])


def test_a_failed_load_leaves_nothing(procedure, van_hung, monkeypatch):
    monkeypatch.setattr(fastpath, "enabled", lambda: True)

    def broken(self, position, obj):
        raise RuntimeError("killed")

    from motcua.exchange import importer

    monkeypatch.setattr(importer._Importer, "feed", broken)
    data = as_lines([sync_record(1), sync_record(2), {"MaHoSo": 5}])  # the last one goes to Python
    with pytest.raises(RuntimeError):
        import_sync_file(stream=io.BytesIO(data), source_name="f", sql=True, bulk_load=True)
    assert Record.objects.count() == 0 and RecordEvent.objects.count() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'motcua_sync%%'")
        assert cursor.fetchone()[0] == 0  # no work table left behind
    # The indexes and keys dropped for the bulk load are back.
    assert "record_search_scoped" in [name for name, _ in fastpath._secondary_indexes()]


def sql_values(expression: str, values: list[str]) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {expression.replace('@V', 't.v')} FROM unnest(%s::text[]) WITH ORDINALITY t(v, i) ORDER BY i",
            [values],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_search_key_twin_folds_every_vietnamese_letter_as_python_does():
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    vietnamese = [
        unicodedata.normalize("NFC", ch + tone) for ch in letters + letters.upper() for tone in tones
    ]
    texts = [*vietnamese, *q.foldable(), "Đặng  Thị   Ngọc Ánh ", "H56.57.01-260302-0001 LÊ VĂN A 056"]
    assert sql_values(q.searchable_sql("@V"), texts) == [True] * len(texts)  # all go the SQL way
    assert sql_values(q.search_key_sql("@V"), texts) == [search_key(t) for t in texts]
    # What the twin does not know goes to Python.
    assert sql_values(q.searchable_sql("@V"), ["Ωμέγα", "a\u00a0b", "a\tb"]) == [False, False, False]


def test_the_date_twin_accepts_what_the_python_parser_accepts():
    values = [
        "20260302080000", "20240229235959", "20250229080000", "20260230080000", "20260431080000",
        "20261301080000", "20260302240000", "20260302086000", "20260302080060", "2026030208000",
        "202603020800000", "2026-03-02T08", "19760101000000", "20000229120000", "21000229120000",
        "２0260302080000", "00010101000000", "18991231235959", "21001231235959", "21010101000000",
        "29260305080000",
    ]  # fmt: skip

    def python(value):
        try:
            return parse_datetime(value)
        except BadValue:
            return None

    ok = sql_values(q.date_ok("@V"), values)
    times = sql_values(f"CASE WHEN {q.date_ok('@V')} THEN {q.to_time('@V')} END", values)
    assert ok == [python(v) is not None for v in values]
    assert times == [python(v) for v in values]
