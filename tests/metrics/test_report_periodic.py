"""Biểu 07a/b/c: per field, received by channel + carried over = resolved + pending, with the
numbers of records built with known outcomes."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.metrics import periods
from motcua.metrics.reports.periodic import FormMismatch, periodic_report
from motcua.metrics.reports.render_pdf import periodic_pdf
from motcua.metrics.reports.render_xlsx import periodic_xlsx
from motcua.metrics.scopes import parse_scope

from .report_records import NOW, march_world

ZERO = dict.fromkeys(
    [
        "carried_over",
        "received_full_online",
        "received_partial_online",
        "received_post",
        "received_counter",
        "resolved_early",
        "resolved_on_time",
        "resolved_late",
        "pending_within",
        "pending_overdue",
    ],
    0,
)


@pytest.fixture
def world(db):
    return march_world()


@pytest.fixture
def report(world):
    return periodic_report(
        form="07a", scope=parse_scope("xa-22525"), period=periods.parse("2026-03"), now=NOW
    )


def expected(**counts):
    row = {**ZERO, **counts}
    row["received_total"] = sum(row[k] for k in ZERO if k.startswith("received_"))
    row["total"] = row["carried_over"] + row["received_total"]
    row["resolved_total"] = row["resolved_early"] + row["resolved_on_time"] + row["resolved_late"]
    row["pending_total"] = row["pending_within"] + row["pending_overdue"]
    return row


# Hộ kinh doanh: A online (offered toàn trình), B post, C D E counter; F carried over from February.
# A early, B on time, C and F late; D overdue and E within deadline at 31/03.
BUSINESS = expected(
    carried_over=1,
    received_full_online=1,
    received_post=1,
    received_counter=3,
    resolved_early=1,
    resolved_on_time=1,
    resolved_late=2,
    pending_within=1,
    pending_overdue=1,
)
# Hộ tịch: I online (offered một phần), finished early.
BIRTH = expected(received_partial_online=1, resolved_early=1)


def test_rows_per_field(report):
    rows = {
        r["field"]: {k: v for k, v in r.items() if k not in ("field", "field_code")} for r in report["rows"]
    }
    assert rows == {"Hộ kinh doanh": BUSINESS, "Hộ tịch": BIRTH}
    assert report["totals"] == {k: BUSINESS[k] + BIRTH[k] for k in BUSINESS}


def test_each_row_balances_and_carries_over_the_previous_pending(world, report):
    for row in [*report["rows"], report["totals"]]:
        assert row["carried_over"] + row["received_total"] == row["resolved_total"] + row["pending_total"]
    february = periodic_report(
        form="07a", scope=parse_scope("xa-22525"), period=periods.parse("2026-02"), now=NOW
    )
    assert february["totals"]["pending_total"] == report["totals"]["carried_over"] == 1


def test_province_form_adds_up_every_commune(world):
    province = periodic_report(
        form="07c", scope=parse_scope("tinh-56"), period=periods.parse("2026-03"), now=NOW
    )
    # Xã Vạn Thắng's J (Hộ kinh doanh, counter, open and overdue at 31/03) joins the province total.
    assert province["totals"]["received_counter"] == BUSINESS["received_counter"] + 1
    assert province["totals"]["pending_overdue"] == BUSINESS["pending_overdue"] + 1


def test_form_must_fit_the_unit(world):
    with pytest.raises(FormMismatch, match="07b"):
        periodic_report(form="07b", scope=parse_scope("xa-22525"), period=periods.parse("2026-03"), now=NOW)


def test_pdf_and_xlsx(report):
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(periodic_pdf(report))).pages)
    assert "Biểu số 07a" in text and "Tháng 03/2026" in text and "Hộ kinh doanh" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    sheet = load_workbook(io.BytesIO(periodic_xlsx(report))).active
    rows = {r[2]: r for r in sheet.iter_rows(values_only=True) if r and len(r) > 3 and r[2]}
    keys = [c["key"] for c in report["columns"]]
    assert dict(zip(keys, rows["Hộ kinh doanh"][3:], strict=True)) == BUSINESS
    assert rows["Tổng cộng"][3] == BUSINESS["total"] + BIRTH["total"]


def test_command(world, tmp_path):
    out = tmp_path / "07a.json"
    call_command(
        "report",
        "periodic",
        "--form",
        "07a",
        "--unit",
        "xa-22525",
        "--period",
        "2026-03",
        "--output",
        str(out),
    )
    assert (
        json.loads(out.read_text(encoding="utf-8"))["totals"]["total"] == BUSINESS["total"] + BIRTH["total"]
    )
    with pytest.raises(CommandError) as caught:
        call_command("report", "periodic", "--form", "07c", "--unit", "xa-22525", "--period", "2026-03")
    assert caught.value.returncode == 2
    with pytest.raises(CommandError) as caught:
        call_command("report", "periodic", "--form", "07a", "--unit", "xa-22525", "--period", "2026-13")
    assert caught.value.returncode == 2
