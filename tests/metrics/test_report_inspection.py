"""The inspection report gives exactly the figures of records whose outcomes the test fixed."""

import datetime as dt
import io
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.metrics import periods
from motcua.metrics.counting import unit_index
from motcua.metrics.reports.inspection import inspection_report
from motcua.metrics.reports.render_pdf import inspection_pdf
from motcua.metrics.reports.render_xlsx import inspection_xlsx
from motcua.metrics.scopes import parse_scope
from motcua.metrics.targets import Target

from .report_records import NOW, march_world

MARCH = periods.between(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def pct(part: int, whole: int) -> str:
    return str((Decimal(part) * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.fixture
def world(db):
    w = march_world()
    Target.objects.create(unit=w.agency.unit.parent, year=2026, online_filing_percent=Decimal("45"))
    return w


@pytest.fixture
def report(world):
    return inspection_report(scope=parse_scope("co-quan-H56.57.01"), period=MARCH, now=NOW)


def codes(world, *names):
    return sorted(world.records[n].code for n in names)


def evidence_codes(figure):
    return sorted(row["code"] for row in figure["evidence"])


def test_received_resolved_and_timeliness(report):
    f = report["figures"]
    # Received in March: A B C D E I (F, G in February; H in April; J another commune's).
    assert f["received"]["count"] == 6
    assert (f["received_post"]["count"], f["received_counter"]["count"]) == (1, 3)  # B; C D E
    # Ended in March: A B C I, and F carried over from February.
    assert f["resolved"]["count"] == 5
    assert (f["resolved_early"]["count"], f["resolved_early"]["rate"]) == (2, pct(2, 5))  # A, I
    assert (f["resolved_on_time"]["count"], f["resolved_on_time"]["rate"]) == (1, pct(1, 5))  # B
    assert (f["resolved_in_time"]["count"], f["resolved_in_time"]["rate"]) == (3, "60.00")
    assert (f["resolved_late"]["count"], f["resolved_late"]["rate"]) == (2, "40.00")  # C, F


def test_pending_and_the_overdue_list(report, world):
    f = report["figures"]
    assert f["pending"]["count"] == 2  # D, E
    assert (f["pending_within"]["count"], f["pending_overdue"]["count"]) == (1, 1)
    assert evidence_codes(f["pending_overdue"]) == codes(world, "D")
    assert evidence_codes(f["resolved_late"]) == codes(world, "C", "F")
    assert f["overdue"]["count"] == 3
    assert evidence_codes(f["overdue"]) == codes(world, "C", "D", "F")
    c = next(row for row in f["overdue"]["evidence"] if row["code"] == world.records["C"].code)
    assert c["url"] == f"/can-bo/ho-so/{world.records['C'].pk}/"
    assert "2 ngày" in c["reason"]


def test_digitization_online_filing_and_payments(report, world):
    f = report["figures"]
    assert (f["digitized_records"]["count"], f["digitized_records"]["rate"]) == (3, "50.00")  # A B C of 6
    assert evidence_codes(f["digitized_records"]) == codes(world, "D", "E", "I")
    # Finished in March: A B C F I; electronic results: A B.
    assert (f["digitized_results"]["count"], f["digitized_results"]["base"]) == (2, 5)
    assert f["digitized_results"]["rate"] == "40.00"
    online = f["online_filings"]
    assert (online["count"], online["base"], online["rate"]) == (2, 6, pct(2, 6))  # A, I
    assert online["target_rate"] == "45.00" and online["meets_target"] is False
    pay = f["online_payments"]
    assert (pay["count"], pay["base"], pay["rate"]) == (2, 3, "66.67")  # A, B of A B C
    assert pay["amount_vnd"] == 1_234_567 + 50_000
    assert evidence_codes(pay) == codes(world, "C")
    assert f["certified_e_copies"]["count"] is None and "Chưa có dữ liệu" in f["certified_e_copies"]["note"]
    assert (f["reused_data"]["count"], f["reused_data"]["base"]) == (1, 6)


def test_the_index_is_the_units_index(report):
    expected = unit_index(parse_scope("co-quan-H56.57.01"), MARCH, now=NOW)
    assert report["index"]["total"] == (None if expected.total is None else f"{expected.total:.2f}")
    assert [g["id"] for g in report["index"]["groups"]] == [g.group.id for g in expected.groups]


def test_an_agency_target_beats_the_provinces(world):
    Target.objects.create(
        unit=world.agency.unit, agency=world.agency, year=2026, online_filing_percent=Decimal("30")
    )
    report = inspection_report(scope=parse_scope("co-quan-H56.57.01"), period=MARCH, now=NOW)
    assert report["figures"]["online_filings"]["target_rate"] == "30.00"
    assert report["figures"]["online_filings"]["meets_target"] is True  # 33,33 % ≥ 30 %


def test_pdf_shows_vietnamese_numbers_and_dates(report):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(inspection_pdf(report))).pages)
    assert "BÁO CÁO SỐ LIỆU KIỂM TRA" in text.upper()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "01/03/2026" in text and "31/03/2026" in text
    assert "1.284.567" in text  # amount paid online
    assert "66,67 %" in text and "33,33 %" in text


def test_xlsx_keeps_numbers_as_numbers(report, world):
    book = load_workbook(io.BytesIO(inspection_xlsx(report)))
    sheet = book["Số liệu"]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["resolved_late"][2:5] == (2, 5, 40.0)
    assert rows["online_payments"][5] == 1_284_567
    assert rows["online_filings"][6] == 45.0
    late = book[
        next(name for name in book.sheetnames if name.startswith(report["figures"]["overdue"]["label"][:20]))
    ]
    listed = sorted(r[1] for r in late.iter_rows(min_row=5, values_only=True) if r[0])
    assert listed == codes(world, "C", "D", "F")


def test_command_writes_json(world, tmp_path):
    out = tmp_path / "bc.json"
    call_command(
        "report",
        "inspection",
        "--agency",
        "H56.57.01",
        "--from",
        "2026-03-01",
        "--to",
        "31/03/2026",
        "--output",
        str(out),
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["unit"]["agency_code"] == "H56.57.01"
    assert data["period"] == {
        "key": "2026-03-01..2026-03-31",
        "label": "01/03/2026 – 31/03/2026",
        "start": "2026-03-01",
        "end": "2026-03-31",
    }
    assert data["figures"]["received"]["count"] == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "H56.99.99", "--from", "2026-03-01", "--to", "2026-03-31"], "Không tìm thấy cơ quan"),
        (
            ["--agency", "H56.57.01", "--from", "2026-02-30", "--to", "2026-03-31"],
            "Không đọc được ngày bắt đầu",
        ),
        (["--agency", "H56.57.01", "--from", "2026-04-01", "--to", "2026-03-31"], "đứng sau ngày kết thúc"),
    ],
)
def test_command_refuses_bad_input_with_code_2(world, args, message):
    with pytest.raises(CommandError) as caught:
        call_command("report", "inspection", *args)
    assert caught.value.returncode == 2
    assert message in str(caught.value)
