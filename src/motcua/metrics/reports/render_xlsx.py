"""The reports as workbooks: numbers stay numbers (an inspector sums and filters them), shown with
a thousands-separated format; rates are percent values with 2 decimals; dates are real dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .common import LOCAL_TZ
from .formatting import XLSX_INTEGER, XLSX_PERCENT, vn_day

BOLD = Font(bold=True)
DATE_FORMAT = "dd/mm/yyyy"
SHEET_NAME_MAX = 31  # Excel's limit


def _sheet_title(label: str, taken: list[str]) -> str:
    """The figure's own (Vietnamese) name as a sheet title: Excel allows 31 characters, none of []:*?/\\."""
    base = "".join(" " if ch in "[]:*?/\\" else ch for ch in label).strip()[:SHEET_NAME_MAX].rstrip(" ,;-")
    title, n = base, 2
    while title in taken:
        suffix = f" ({n})"
        title, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    return title


def _head(sheet: Worksheet, lines: list[str], header: list[str]) -> None:
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _local_day(value: str | None) -> dt.date | None:
    return None if value is None else dt.datetime.fromisoformat(value).astimezone(LOCAL_TZ).date()


def _save(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def inspection_xlsx(report: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Số liệu"
    period = report["period"]
    _head(
        sheet,
        [
            "Báo cáo số liệu kiểm tra công tác cải cách hành chính",
            report["unit"]["label"],
            f"{period['label']} — từ ngày {vn_day(period['start'])} đến ngày {vn_day(period['end'])}",
        ],
        [
            "Mã",
            "Chỉ tiêu",
            "Số lượng",
            "Trên tổng số",
            "Tỷ lệ (%)",
            "Số tiền (đồng)",
            "Chỉ tiêu giao (%)",
            "Định nghĩa",
            "Ghi chú",
        ],
    )
    for key, f in report["figures"].items():
        sheet.append(
            [
                key,
                f["label"],
                f["count"],
                f["base"],
                None if f["rate"] is None else float(Decimal(f["rate"])),
                f.get("amount_vnd"),
                None if f.get("target_rate") is None else float(Decimal(f["target_rate"])),
                f["definition"],
                f.get("note") or "",
            ]
        )
        row = sheet[sheet.max_row]
        for cell in (row[2], row[3], row[5]):
            cell.number_format = XLSX_INTEGER
        for cell in (row[4], row[6]):
            cell.number_format = XLSX_PERCENT
    index = report["index"]
    sheet.append([])
    sheet.append(
        [
            "Chỉ số QĐ 766",
            "Tổng điểm",
            None if index["total"] is None else float(Decimal(index["total"])),
            "Tối đa",
            float(Decimal(index["max"])),
        ]
    )
    sheet[sheet.max_row][0].font = BOLD
    for g in index["groups"]:
        sheet.append([g["id"], g["name"], float(Decimal(g["points"])), "Tối đa", float(Decimal(g["max"]))])
        sheet[sheet.max_row][2].number_format = XLSX_PERCENT
    _widths(sheet, [20, 42, 12, 12, 11, 16, 14, 80, 40])
    for f in report["figures"].values():
        if not f["evidence"]:
            continue
        ev = book.create_sheet(_sheet_title(f["label"], book.sheetnames))
        kind = "hồ sơ chưa đạt" if f["evidence_kind"] == "missing" else "hồ sơ được tính"
        _head(
            ev,
            [f["label"], f"{kind}: {f['evidence_total']}"],
            ["STT", "Mã hồ sơ", "Thủ tục", "Tiếp nhận", "Hẹn trả", "Kết thúc", "Lý do", "Đường dẫn"],
        )
        for n, e in enumerate(f["evidence"], start=1):
            ev.append(
                [
                    n,
                    e["code"],
                    e["procedure"],
                    _local_day(e["received_at"]),
                    _local_day(e["due_at"]),
                    _local_day(e["ended_at"]),
                    e["reason"],
                    e["url"],
                ]
            )
            for cell in ev[ev.max_row][3:6]:
                cell.number_format = DATE_FORMAT
        _widths(ev, [6, 28, 60, 12, 12, 12, 50, 22])
    return _save(book)


def periodic_xlsx(report: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = report["form"]
    period = report["period"]
    _head(
        sheet,
        [
            f"{report['form_name']}: {report['title']}",
            report["unit"]["label"],
            period["label"],
            "Đơn vị tính: hồ sơ",
        ],
        ["STT", "Mã lĩnh vực", "Lĩnh vực", *[c["label"] for c in report["columns"]]],
    )
    keys = [c["key"] for c in report["columns"]]
    for n, r in enumerate(report["rows"], start=1):
        sheet.append([n, r["field_code"], r["field"], *[r[k] for k in keys]])
    sheet.append([None, None, "Tổng cộng", *[report["totals"][k] for k in keys]])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    first_data = sheet.max_row - len(report["rows"])
    for row in sheet.iter_rows(min_row=first_data, min_col=4):
        for cell in row:
            cell.number_format = XLSX_INTEGER
    _widths(sheet, [6, 18, 36, *[12] * len(keys)])
    return _save(book)
