"""`motcua import dvcqg FILE [--create-missing] [--rejects FILE] [--batch-size N]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from motcua.exchange.dvcqg.mapping import Reject
from motcua.exchange.dvcqg.reader import UnreadableFile
from motcua.exchange.dvcqg.writer import dumps
from motcua.exchange.importer import DEFAULT_BATCH, ImportSummary, import_sync_file


class Command(BaseCommand):
    help = "Nhập hồ sơ từ tệp theo định dạng đồng bộ (dvcqg: Cổng Dịch vụ công quốc gia)."

    def add_arguments(self, parser: CommandParser) -> None:
        formats = parser.add_subparsers(dest="format", required=True, title="định dạng")
        dvcqg = formats.add_parser("dvcqg", help="Hồ sơ đồng bộ Cổng DVCQG: mảng JSON hoặc JSON Lines.")
        dvcqg.add_argument("file", help="Tệp cần nhập (“-” để đọc từ đầu vào chuẩn).")
        dvcqg.add_argument(
            "--create-missing",
            action="store_true",
            help="Tạo thủ tục, cơ quan chưa có (đánh dấu “nhập, chưa xác minh”) thay vì từ chối hồ sơ.",
        )
        dvcqg.add_argument("--rejects", help="Ghi các hồ sơ bị từ chối vào tệp này (JSON Lines).")
        dvcqg.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help="Số hồ sơ mỗi giao dịch.")
        dvcqg.add_argument("--source", default="dvcqg", help="Tên hệ thống nguồn ghi vào hồ sơ.")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size phải là số nguyên dương.")
        rejects_file = open(options["rejects"], "w", encoding="utf-8") if options["rejects"] else None  # noqa: SIM115
        try:
            stream = sys.stdin.buffer if name == "-" else open(name, "rb")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Không mở được tệp {name}: {error.strerror}.") from None

        def on_reject(reject: Reject, obj: Any) -> None:
            if rejects_file is not None:
                row = {
                    "position": reject.position,
                    "field": reject.field,
                    "reason": reject.reason,
                    "object": obj,
                }
                rejects_file.write(dumps(row) + "\n")

        terminal = self.stdout.isatty() if hasattr(self.stdout, "isatty") else False
        bar = tqdm(unit=" hồ sơ", unit_scale=True, disable=not terminal, file=sys.stderr, desc="Nhập")
        try:
            summary = import_sync_file(
                stream=stream,
                source_name=Path(name).name if name != "-" else "stdin",
                source_system=options["source"],
                create_missing=options["create_missing"],
                batch_size=options["batch_size"],
                on_reject=on_reject,
                progress=bar.update,
            )
        except UnreadableFile as error:
            raise CommandError(str(error)) from None
        finally:
            bar.close()
            if stream is not sys.stdin.buffer:
                stream.close()
            if rejects_file is not None:
                rejects_file.close()
        self.stdout.write(_summary_text(summary))
        if summary.rejected and options["rejects"]:
            self.stdout.write(f"Hồ sơ bị từ chối đã ghi vào {options['rejects']}.")


def _summary_text(summary: ImportSummary) -> str:
    lines = [
        f"Thêm mới: {summary.added}",
        f"Cập nhật: {summary.updated}",
        f"Không đổi: {summary.unchanged}",
        f"Bị từ chối: {summary.rejected}",
    ]
    if summary.unknown_fields:
        kept = ", ".join(f"{k} ({v})" for k, v in summary.unknown_fields.most_common())
        lines.append(f"Trường ngoài đặc tả (đã giữ lại): {kept}")
    if summary.missing:
        lines.append(
            "Mã chưa có trong motcua: " + ", ".join(f"{k} ({v})" for k, v in summary.missing.most_common())
        )
    if summary.created:
        lines.append("Đã tạo (chưa xác minh): " + ", ".join(summary.created))
    for reject in summary.sample_rejects[:10]:
        where = f"{reject['position']}" + (f", {reject['field']}" if reject["field"] else "")
        lines.append(f"  – [{where}] {reject['reason']}")
    return "\n".join(lines)
