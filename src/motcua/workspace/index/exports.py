"""The unit page as a spreadsheet (openpyxl) and as a PDF (WeasyPrint, offline like the forms)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from motcua.documents.forms.render import FONT_DIR, OfflineFetcher
from motcua.metrics import scoring
from motcua.metrics.periods import Period
from motcua.metrics.scopes import Scope

POINTS = "0.00"
COUNT = "#,##0"


def filename(context: dict, extension: str) -> str:
    return f"chi-so-{slugify(context['scope'].key)}-{slugify(context['sel'].period.key)}.{extension}"


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def unit_xlsx(scope: Scope, period: Period, result: scoring.Result) -> bytes:
    """One sheet: heading, then one row per metric under its group, then the total."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Chỉ số"
    bold = Font(bold=True)
    sheet.append(["Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(["Đơn vị", scope.label])
    sheet.append(["Kỳ", period.label])
    sheet.append(["Bộ quy tắc", result.rule_set.version])
    sheet.append(["Tổng điểm", _number(result.total), "/", _number(result.rule_set.max_points)])
    sheet["B5"].number_format = POINTS
    sheet.append(["Lập lúc", timezone.localtime().strftime("%H:%M %d/%m/%Y")])
    sheet.append([])
    header = ["Nhóm / chỉ số", "Mã", "Tử số", "Mẫu số", "Điểm", "Tối đa", "Mất", "Cách tính"]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    group_points = {g.group.id: g.points for g in result.groups}
    for group in result.rule_set.groups:
        lost = group.max_points - group_points.get(group.id, Decimal(0))
        sheet.append(
            [group.name_vi, group.id, None, None, _number(group_points.get(group.id)), _number(group.max_points),
             _number(lost), None]
        )  # fmt: skip
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for s in result.metrics:
            if s.metric.group != group.id:
                continue
            sheet.append(
                [f"  {s.metric.name_vi}", s.metric.code, s.numerator, s.denominator, _number(s.points),
                 _number(s.metric.max_points), _number(s.lost), s.formula]
            )  # fmt: skip
    for row in sheet.iter_rows(min_row=9):
        row[2].number_format = row[3].number_format = COUNT
        for cell in row[4:7]:
            cell.number_format = POINTS
        row[7].alignment = Alignment(wrap_text=False)
    for column, width in zip("ABCDEFGH", (58, 34, 10, 10, 9, 8, 8, 60), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def unit_pdf(context: dict) -> bytes:
    """A4 of the unit page: total, six groups (chart and table), every metric with its formula."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy: only when a PDF is asked

    with translation.override("vi"):
        html = render_to_string(
            "workspace/index/unit_pdf.html",
            {**context, "font_dir": FONT_DIR.as_uri(), "made_at": timezone.localtime()},
        )
    pdf: bytes = HTML(string=html, base_url=FONT_DIR.as_uri(), url_fetcher=OfflineFetcher()).write_pdf()
    return pdf
