"""`motcua report <kind>`: the inspection report and the periodic report Biểu 07a/b/c.

    motcua report inspection --agency H56.57.01 --from 2026-01-01 --to 2026-03-31 --format pdf --output bc.pdf
    motcua report periodic --form 07a --unit xa-22525 --period 2026-Q1 --format xlsx --output 07a.xlsx

Bad input (unknown unit, bad dates, from after to, a form that does not fit the unit) exits with
code 2 and a Vietnamese message; nothing is written."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.metrics import periods
from motcua.metrics.reports.inspection import inspection_report
from motcua.metrics.reports.periodic import FormMismatch, check_form, periodic_report
from motcua.metrics.reports.render_pdf import inspection_pdf, periodic_pdf
from motcua.metrics.reports.render_xlsx import inspection_xlsx, periodic_xlsx
from motcua.metrics.scopes import parse_scope

BAD_INPUT = 2
FORMATS = ("json", "pdf", "xlsx")


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _day(text: str, what: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise _bad(f"Không đọc được {what} «{text}» (ví dụ: 2026-03-31 hoặc 31/03/2026).")


class Command(BaseCommand):
    help = "Báo cáo: kiểm tra cải cách hành chính (inspection) và báo cáo định kỳ Biểu 07a/b/c (periodic)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        ins = sub.add_parser("inspection", help="Báo cáo số liệu kiểm tra CCHC của một cơ quan.")
        ins.add_argument("--agency", required=True, help="Mã định danh cơ quan, ví dụ H56.57.01.")
        ins.add_argument("--from", dest="start", required=True, help="Từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy).")
        ins.add_argument("--to", dest="end", required=True, help="Đến hết ngày.")
        per = sub.add_parser("periodic", help="Báo cáo định kỳ Biểu 07a/07b/07c.")
        per.add_argument("--form", required=True, choices=["07a", "07b", "07c"])
        per.add_argument("--unit", required=True, help="Phạm vi: xa-<mã xã>, co-quan-<mã cơ quan>, tinh-56.")
        per.add_argument(
            "--period",
            required=True,
            help="Kỳ: 2026-03, 2026-Q1, 2026, bc-2026-03, bcn-2026, 2026-01-01..2026-06-30.",
        )
        for p in (ins, per):
            p.add_argument("--format", choices=FORMATS, default="json")
            p.add_argument(
                "--output", type=Path, help="Tệp ghi ra (mặc định: in ra màn hình; PDF/XLSX bắt buộc)."
            )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] == "inspection":
            start, end = _day(options["start"], "ngày bắt đầu"), _day(options["end"], "ngày kết thúc")
            if start > end:
                raise _bad(f"Ngày bắt đầu {start:%d/%m/%Y} đứng sau ngày kết thúc {end:%d/%m/%Y}.")
            try:
                scope = parse_scope(f"co-quan-{options['agency'].strip()}", on=end)
            except LookupError:
                raise _bad(f"Không tìm thấy cơ quan có mã «{options['agency']}».") from None
            try:
                period = periods.between(start, end)
            except ValueError as error:
                raise _bad(str(error)) from None
            report = inspection_report(scope=scope, period=period)
            renderers = {"pdf": inspection_pdf, "xlsx": inspection_xlsx}
        else:
            try:
                period = periods.parse(options["period"])
            except ValueError as error:
                raise _bad(str(error)) from None
            try:
                scope = parse_scope(options["unit"], on=period.end)
                check_form(options["form"], scope)
            except (LookupError, FormMismatch) as error:
                raise _bad(str(error.args[0])) from None
            report = periodic_report(form=options["form"], scope=scope, period=period)
            renderers = {"pdf": periodic_pdf, "xlsx": periodic_xlsx}
        self._write(report, options["format"], options["output"], renderers)

    def _write(
        self, report: dict[str, Any], fmt: str, output: Path | None, renderers: dict[str, Any]
    ) -> None:
        if fmt == "json":
            text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
            if output is None:
                self.stdout.write(text, ending="")
            else:
                output.write_text(text, encoding="utf-8")
            return
        data: bytes = renderers[fmt](report)
        if output is None:
            if sys.stdout.isatty():
                raise _bad(f"Định dạng {fmt.upper()} cần --output TỆP (hoặc chuyển hướng ra tệp).")
            sys.stdout.buffer.write(data)
        else:
            output.write_bytes(data)
        if output is not None:
            self.stderr.write(f"Đã ghi {output} ({len(data):,} byte).".replace(",", "."))
