"""After an import, motcua's figures are the ones the source file implies (spec/dvcqg-sync.md)."""

import datetime as dt
import io
from collections import Counter

import pytest

from motcua.exchange import figures
from motcua.exchange.importer import import_sync_file
from motcua.records.models import Record
from motcua.records.timeliness import Timeliness
from tests.records.conftest import local

from .sync import as_lines, sync_record

pytestmark = pytest.mark.django_db

NOW = local(2026, 4, 1, 12, 0)
# What the file is built to hold; the test also recounts it from the file's own strings.
PLAN = {"early": 12, "on_time": 8, "late": 6, "within": 5, "overdue": 4, "not_received": 5}
DAY = dt.timedelta(days=1)


def _fmt(at: dt.datetime | None) -> str:
    return "" if at is None else at.strftime("%Y%m%d%H%M%S")


def build_file() -> list[dict]:
    items = []
    kinds = [kind for kind, n in PLAN.items() for _ in range(n)]
    for i, kind in enumerate(kinds, start=1):
        received = local(2026, 3, 2, 8, 0) + dt.timedelta(hours=i)
        due = local(2026, 3, 9, 17, 0)
        end = {"early": due - 2 * DAY, "on_time": due.replace(hour=10), "late": due + DAY}.get(kind)
        status = {"early": "10", "on_time": "9", "late": "10", "within": "4", "overdue": "4"}.get(kind, "1")
        if kind == "within":
            due = NOW + 3 * DAY
        fees = [{"TenPhiLePhi": "Lệ phí", "Gia": "30000"}] if i % 3 else []
        items.append(
            sync_record(
                i,
                KenhThucHien=["1", "2", "2", "3", "2"][i % 5] if i % 7 else None,
                NgayTiepNhan="" if kind == "not_received" else _fmt(received),
                NgayNopHoSo=_fmt(received - dt.timedelta(minutes=30)),
                NgayHenTra="" if kind == "not_received" else _fmt(due),
                NgayKetThucXuLy=_fmt(end),
                NgayTra=_fmt(end + dt.timedelta(hours=1)) if status == "10" else "",
                TrangThaiHoSo=status,
                HoSoCoThanhPhanSoHoa="1" if i % 4 else "0",
                DuocThanhToanTrucTuyen=["0", "1", "2", "0"][i % 4] if fees else "0",
                DanhSachLePhi=fees,
                DanhSachGiayToKetQua=[{"DuongDanTepTinKetQua": f"https://kq/{i}.pdf"}]
                if kind in ("early", "late") and i % 2
                else [],
            )
        )
    for item in items:  # KenhThucHien missing means "1" (spec)
        if item["KenhThucHien"] is None:
            del item["KenhThucHien"]
    return items


def file_figures(items: list[dict]) -> dict:
    """The figures read straight off the file's strings (yyyyMMddHHmmss sorts as time does)."""
    now = _fmt(NOW)
    timely: Counter[str] = Counter()
    for r in items:
        due, end = r["NgayHenTra"], r["NgayKetThucXuLy"] or r["NgayTra"]
        if not due:
            timely["no_deadline"] += 1
        elif end:
            timely["late" if end > due else "early" if end[:8] < due[:8] else "on_time"] += 1
        else:
            timely["overdue" if now > due else "within"] += 1
    fee_bearing = [r for r in items if sum(int(f["Gia"]) for f in r["DanhSachLePhi"])]
    return {
        "timeliness": timely,
        "online": sum(r.get("KenhThucHien", "1") == "2" for r in items),
        "digitized": sum(r["HoSoCoThanhPhanSoHoa"] == "1" for r in items),
        "e_result": sum(any(g.get("DuongDanTepTinKetQua") for g in r["DanhSachGiayToKetQua"]) for r in items),
        "paid_online": (sum(r["DuocThanhToanTrucTuyen"] != "0" for r in fee_bearing), len(fee_bearing)),
    }


def test_imported_figures_equal_the_source_files(procedure, van_hung):
    items = build_file()
    expected = file_figures(items)
    # The file holds what it was built to hold.
    assert len(items) == 40
    assert expected["timeliness"] == Counter(
        {k: n for k, n in PLAN.items() if k != "not_received"} | {"no_deadline": PLAN["not_received"]}
    )
    summary = import_sync_file(stream=io.BytesIO(as_lines(items)), source_name="figures.jsonl")
    assert (summary.added, summary.rejected) == (40, 0)

    records = Record.objects.filter(agency=van_hung)
    counts = figures.timeliness_counts(records, now=NOW)
    assert {str(k): v for k, v in counts.items()} == dict(expected["timeliness"])
    assert counts[Timeliness.EARLY] + counts[Timeliness.ON_TIME] == PLAN["early"] + PLAN["on_time"]
    assert figures.online_share(records) == figures.Ratio(expected["online"], 40)
    assert figures.digitized_share(records) == figures.Ratio(expected["digitized"], 40)
    assert figures.e_result_share(records) == figures.Ratio(expected["e_result"], 40)
    assert figures.online_payment_share(records) == figures.Ratio(*expected["paid_online"])
    assert 0 < expected["online"] < 40 and 0 < expected["paid_online"][0] < expected["paid_online"][1]
