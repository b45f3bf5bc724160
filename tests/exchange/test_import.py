import json

import pytest

from motcua.catalog.models import Confidence, Procedure
from motcua.exchange.dvcqg.reader import UnreadableFile
from motcua.exchange.importer import import_sync_file
from motcua.exchange.models import CreatedByImport, ImportRun
from motcua.records.lifecycle import State
from motcua.records.models import Record, RecordEvent
from motcua.units.models import Agency

from .sync import as_array, as_lines, stream, sync_record

pytestmark = pytest.mark.django_db


def run(data: bytes, **kwargs):
    rejects = []
    summary = import_sync_file(
        stream=stream(data), source_name="test.json", on_reject=lambda r, o: rejects.append((r, o)), **kwargs
    )
    return summary, rejects


def test_a_record_keeps_its_own_code_dates_channel_and_flags(procedure, van_hung):
    summary, rejects = run(as_array([sync_record(7)]))
    assert (summary.added, summary.rejected, rejects) == (1, 0, [])
    record = Record.objects.get()
    assert record.code == "H56.57.01-260302-0007"
    assert record.agency == van_hung and record.procedure == procedure
    assert record.state == State.RETURNED
    assert record.channel == "2"
    assert record.due_at.isoformat() == "2026-03-05T01:00:00+00:00"  # 05/03 08:00 local, as given
    assert record.fees_total_vnd == 100000
    assert (record.paid_online, record.has_e_result, record.has_digitized_components) == ("1", True, True)
    assert record.vneid_verified and record.submitted_on_national_portal
    assert record.source_system == "dvcqg" and record.imported_at is not None
    event = record.events.get()
    assert event.actor is None and event.reason == "Tiếp nhận hồ sơ"
    assert event.detail["item"]["PhongBanXuLy"] == "Bộ phận Một cửa"


def test_the_same_file_twice_changes_nothing(procedure, van_hung):
    data = as_lines([sync_record(1), sync_record(2)])
    run(data)
    before = list(Record.objects.order_by("pk").values())
    events = RecordEvent.objects.count()
    summary, _ = run(data)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 2)
    assert list(Record.objects.order_by("pk").values()) == before
    assert RecordEvent.objects.count() == events


def test_a_changed_record_is_updated_in_place_and_the_change_recorded(procedure, van_hung):
    run(as_array([sync_record(1, TrangThaiHoSo="4", NgayKetThucXuLy="", NgayTra="")]))
    later = sync_record(1)
    later["QuaTrinhXuLy"].append(
        {
            "MaHoSo": later["MaHoSo"],
            "ThoiDiemXuLy": later["NgayTra"],
            "NoiDungXuLy": "Trả kết quả",
            "TrangThai": "10",
        }
    )
    summary, _ = run(as_array([later]))
    assert (summary.added, summary.updated) == (0, 1)
    record = Record.objects.get()
    assert record.state == State.RETURNED and record.finished_at is not None
    update = record.events.get(action="imported_update")
    assert {"state", "finished_at", "returned_at", "QuaTrinhXuLy"} <= set(update.detail["changed"])
    assert record.events.filter(action="sync_history").count() == 2


def test_status_codes_are_kept_as_they_are(procedure, van_hung):
    codes = {"5": State.SUPPLEMENT, "6": State.IN_PROGRESS, "8": State.STOPPED, "9": State.RESOLVED}
    run(as_array([sync_record(i, TrangThaiHoSo=code) for i, code in enumerate(codes, start=1)]))
    from motcua.exchange.dvcqg.mapping import record_to_sync

    for i, (code, state) in enumerate(codes.items(), start=1):
        record = Record.objects.select_related("procedure__field", "agency").get(code__endswith=f"-{i:04d}")
        assert record.state == state
        assert record_to_sync(record)["TrangThaiHoSo"] == code


def test_missing_channel_means_in_person(procedure, van_hung):
    item = sync_record(1)
    del item["KenhThucHien"]
    run(as_array([item]))
    assert Record.objects.get().channel == "1"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"NgayTiepNhan": "20260230120000"}, "NgayTiepNhan"),
        ({"TrangThaiHoSo": "11"}, "TrangThaiHoSo"),
        ({"TaiKhoanDuocXacThucVoiVNeID": "có"}, "TaiKhoanDuocXacThucVoiVNeID"),
        ({"KenhThucHien": "4"}, "KenhThucHien"),
        ({"DanhSachLePhi": [{"Gia": "100.000đ"}]}, "DanhSachLePhi[0].Gia"),
        ({"MaHoSo": "khong-co-ma"}, "MaHoSo"),
        ({"SoGiayToChuHoSo": "0" * 40}, "SoGiayToChuHoSo"),
        ({"DanhSachLePhi": [{"Gia": "9" * 30}]}, "DanhSachLePhi[0].Gia"),  # beyond the 64-bit column
        ({"DanhSachLePhi": [{"Gia": 10**20}]}, "DanhSachLePhi[0].Gia"),
        ({"DanhSachLePhi": [{"Gia": "999999999999999"}] * 10_000}, "DanhSachLePhi"),  # the total
        ({"NgayNopHoSo": "00010101000000"}, "NgayNopHoSo"),  # year 1: not even convertible to UTC
        ({"NgayHenTra": "29260305080000"}, "NgayHenTra"),  # 2926 for 2026
    ],
)
def test_a_malformed_record_is_rejected_with_its_position_and_field(procedure, van_hung, change, field):
    summary, rejects = run(as_lines([sync_record(1), sync_record(2, **change), sync_record(3)]))
    assert (summary.added, summary.rejected) == (2, 1)
    reject, original = rejects[0]
    assert (reject.position, reject.field) == (2, field)  # line 2
    assert reject.reason and original["TrichYeuHoSo"] == "Đăng ký hộ kinh doanh"
    assert not Record.objects.filter(code__endswith="-0002").exists()


def test_unknown_procedure_and_agency_are_reported_not_dropped(procedure, van_hung):
    items = [sync_record(1, MaTTHC="2.000815.000.00.00.H56"), sync_record(2, agency="H56.57.99")]
    summary, rejects = run(as_array(items))
    assert summary.rejected == 2 and summary.added == 0
    assert [(r.position, r.field) for r, _ in rejects] == [(0, "MaTTHC"), (1, "MaHoSo")]
    assert summary.missing == {"procedure:2.000815": 1, "agency:H56.57.99": 1}


def test_create_missing_makes_them_imported_unverified(procedure, van_hung):
    items = [
        sync_record(1, MaTTHC="2.000815.000.00.00.H56", TenTTHC="Cấp bản sao trích lục"),
        sync_record(2, agency="H56.57.99", DonViXuLy="UBND xã Mới"),
    ]
    summary, _ = run(as_array(items), create_missing=True)
    assert summary.added == 2
    new_procedure = Procedure.objects.get(code="2.000815")
    assert new_procedure.confidence == Confidence.UNCHECKED and "chưa xác minh" in new_procedure.notes
    agency = Agency.objects.get(code="H56.57.99")
    assert agency.name == "UBND xã Mới" and agency.unit == van_hung.unit.parent
    assert set(CreatedByImport.objects.values_list("kind", "code")) == {
        ("procedure", "2.000815"),
        ("agency", "H56.57.99"),
    }


def test_unknown_fields_are_kept_and_reported(procedure, van_hung):
    summary, _ = run(as_array([sync_record(1, MaHeThongNguon="HCC-KH", GhiChu="x")]))
    assert summary.unknown_fields == {"MaHeThongNguon": 1, "GhiChu": 1}
    assert Record.objects.get().extra["unknown"] == {"MaHeThongNguon": "HCC-KH", "GhiChu": "x"}
    assert ImportRun.objects.get().unknown_fields == {"MaHeThongNguon": 1, "GhiChu": 1}


def test_a_nul_in_a_code_or_a_key_is_a_reject_and_the_run_is_still_saved(procedure, van_hung):
    """JSON may escape a NUL (\\u0000); PostgreSQL's jsonb refuses it: the run's stored summary
    shows it as U+FFFD instead of failing the whole import."""
    data = as_lines([sync_record(1)]) + b'{"MaHoSo": "a\\u0000b"}\n'
    summary, rejects = run(data)
    assert (summary.added, summary.rejected) == (1, 1)
    assert "a\x00b" in rejects[0][0].reason  # the caller hears what the file said
    stored = ImportRun.objects.get().sample_rejects
    assert stored[0]["position"] == 2 and "a\ufffdb" in stored[0]["reason"]


def test_values_no_check_foresaw_cost_their_record_only(procedure, van_hung):
    """A lone surrogate, a line nested deeper than a parser recurses, an unknown field nested
    deeper than the stored copy may go: each record is rejected, the ones around it imported."""
    deep_line = b'{"MaHoSo": ' + b"[" * 5000 + b"]" * 5000 + b"}\n"
    deep_value = sync_record(4, GhiChu=json.loads("[" * 300 + "]" * 300))
    data = (
        as_lines([sync_record(1)])
        + b'{"MaHoSo": "H56.57.01-260302-0002", "ChuHoSo": "\\ud800"}\n'
        + deep_line
        + as_lines([deep_value, sync_record(5)])
    )
    summary, rejects = run(data, batch_size=2)
    assert (summary.added, summary.rejected) == (2, 3)
    assert [r.position for r, _ in rejects] == [2, 3, 4]
    assert "lồng nhau quá sâu" in rejects[1][0].reason
    assert set(Record.objects.values_list("code", flat=True)) == {
        "H56.57.01-260302-0001",
        "H56.57.01-260302-0005",
    }
    run_row = ImportRun.objects.get()
    assert (run_row.added, run_row.rejected) == (2, 3) and run_row.finished_at is not None


def test_truncated_array_imports_what_came_before_and_says_where_it_stopped(procedure, van_hung):
    data = as_array([sync_record(1), sync_record(2), sync_record(3)])
    summary, rejects = run(data[: len(data) - 200])
    assert summary.added == 2 and summary.rejected == 1
    assert rejects[0][0].position == 2 and "cắt cụt" in rejects[0][0].reason


def test_not_utf8_is_refused_line_by_line(procedure, van_hung):
    good = as_lines([sync_record(1)])
    bad = json.dumps(sync_record(2), ensure_ascii=False).encode("cp1258", errors="replace") + b"\n"
    summary, rejects = run(good + bad)
    assert (summary.added, summary.rejected) == (1, 1)
    assert "UTF-8" in rejects[0][0].reason


def test_utf16_file_is_unreadable_and_nothing_is_written(procedure, van_hung):
    with pytest.raises(UnreadableFile, match="UTF-8"):
        run(as_array([sync_record(1)]).decode().encode("utf-16"))
    assert not Record.objects.exists()


def test_an_object_instead_of_an_array_is_not_a_record(procedure, van_hung):
    summary, rejects = run(json.dumps({"HoSo": [sync_record(1)]}).encode())
    assert (summary.added, summary.rejected) == (0, 1)
    assert rejects[0][0].field == "MaHoSo" and "mảng JSON" in rejects[0][0].reason


def test_a_50_mb_line_is_skipped_and_the_rest_imported(procedure, van_hung):
    huge = b'{"MaHoSo": "' + b"x" * (50 * 1024 * 1024) + b'"}\n'
    summary, rejects = run(as_lines([sync_record(1)]) + huge + as_lines([sync_record(3)]))
    assert (summary.added, summary.rejected) == (2, 1)
    assert rejects[0][0].position == 2 and "MB" in rejects[0][0].reason


def test_small_batches_give_the_same_result(procedure, van_hung):
    summary, _ = run(as_array([sync_record(i) for i in range(1, 8)]), batch_size=3)
    assert summary.added == 7 and Record.objects.count() == 7


def test_the_same_code_twice_in_one_file_is_one_record_updated(procedure, van_hung):
    summary, _ = run(as_array([sync_record(1, TrangThaiHoSo="4"), sync_record(1)]))
    assert (summary.added, summary.updated) == (1, 1)
    assert Record.objects.get().state == State.RETURNED


def test_bad_bytes_inside_an_array_stop_the_file_there(procedure, van_hung):
    data = as_array([sync_record(1), sync_record(2, ChuHoSo="@@@"), sync_record(3)])
    summary, rejects = run(data.replace(b"@@@", b"\xe0\xff"))
    assert (summary.added, summary.rejected) == (1, 1)
    assert rejects[0][0].position == 1 and "UTF-8" in rejects[0][0].reason


def test_a_pretty_printed_object_is_one_clear_reject_not_one_per_line(procedure, van_hung):
    summary, rejects = run(json.dumps({"HoSo": [sync_record(1)]}, indent=2).encode())
    assert (summary.added, summary.rejected) == (0, 1)
    assert "mảng JSON" in rejects[0][0].reason and rejects[0][0].position == 1
