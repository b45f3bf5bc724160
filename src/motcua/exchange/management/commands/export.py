"""`motcua export dvcqg --agency CODE --from DATE --to DATE [--output FILE] [--format json|jsonl]
[--workers N]`."""

from __future__ import annotations

import datetime as dt
import sys
from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.exchange.dvcqg.writer import FORMATS
from motcua.exchange.exporter import export_records
from motcua.units.models import Agency


def _date(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày “{value}” không hợp lệ; dùng yyyy-mm-dd hoặc dd/mm/yyyy.")


def _workers(value: str) -> int:
    try:
        workers = int(value)
    except ValueError:
        workers = 0
    if workers < 1:
        raise ArgumentTypeError(f"“{value}” không hợp lệ; số kết nối phải là số nguyên từ 1 trở lên.")
    return workers


class Command(BaseCommand):
    help = "Xuất hồ sơ của một cơ quan theo định dạng đồng bộ (dvcqg)."

    def add_arguments(self, parser: CommandParser) -> None:
        formats = parser.add_subparsers(dest="kind", required=True, title="định dạng")
        dvcqg = formats.add_parser("dvcqg", help="Hồ sơ đồng bộ Cổng DVCQG, kèm quá trình xử lý.")
        dvcqg.add_argument("--agency", required=True, help="Mã định danh của cơ quan giải quyết.")
        dvcqg.add_argument("--from", dest="date_from", required=True, help="Tiếp nhận từ ngày (yyyy-mm-dd).")
        dvcqg.add_argument("--to", dest="date_to", required=True, help="Đến hết ngày (yyyy-mm-dd).")
        dvcqg.add_argument("--output", help="Tệp ghi ra (mặc định: đầu ra chuẩn).")
        dvcqg.add_argument("--format", dest="fmt", choices=FORMATS, default="json")
        dvcqg.add_argument(
            "--workers",
            type=_workers,
            metavar="N",
            help="Số kết nối PostgreSQL dựng tệp song song (mặc định: một kết nối mỗi CPU; 1: một kết nối). "
            "SQLite: không dùng.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"Không có cơ quan mã định danh “{options['agency']}”.")
        date_from, date_to = _date(options["date_from"]), _date(options["date_to"])
        if date_to < date_from:
            raise CommandError("Ngày kết thúc phải sau ngày bắt đầu.")
        kwargs = {"agency": agency, "date_from": date_from, "date_to": date_to, "fmt": options["fmt"]}
        kwargs["workers"] = options["workers"]  # None: one per CPU
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="\n") as out:
                count = export_records(out=out, **kwargs)
            self.stderr.write(f"Đã xuất {count} hồ sơ vào {options['output']}.")
        else:
            count = export_records(out=sys.stdout, **kwargs)
            self.stderr.write(f"Đã xuất {count} hồ sơ.")
