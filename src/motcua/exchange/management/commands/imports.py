"""`motcua imports <subcommand>`: housekeeping of the imports queued from pages and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.exchange.imports import imports_prune, imports_restart_stalled


class Command(BaseCommand):
    help = (
        "Lượt nhập hồ sơ đồng bộ: `prune` xoá tệp tải lên đã lưu của các lượt nhập kết thúc từ lâu "
        "(giữ kết quả và danh sách hồ sơ bị từ chối; chạy hằng ngày); `restart-stalled` chạy lại các "
        "lượt nhập mất tiến trình (việc `motcua worker` vẫn tự làm)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        prune = sub.add_parser(
            "prune", help="Xoá tệp đã lưu của các lượt nhập kết thúc trước số ngày cho trước."
        )
        prune.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="DAYS",
            help=(
                "Số ngày kể từ khi lượt nhập kết thúc (mặc định MOTCUA_IMPORT_RETENTION_DAYS = "
                f"{settings.MOTCUA_IMPORT_RETENTION_DAYS})."
            ),
        )
        prune.add_argument("--dry-run", action="store_true", help="Chỉ cho biết sẽ xoá gì, không xoá.")
        sub.add_parser(
            "restart-stalled", help="Chạy lại các lượt nhập đang chạy mà mất tín hiệu quá 10 phút."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "prune":
            days = options["older_than"]
            if days is not None and days < 0:
                raise CommandError("--older-than phải là số ngày không âm.")
            older_than = dt.timedelta(days=days) if days is not None else None
            result = imports_prune(older_than=older_than, dry_run=options["dry_run"])
            verb = "Sẽ xoá" if options["dry_run"] else "Đã xoá"
            self.stdout.write(
                f"{verb} {result.files} tệp ({_size(result.bytes)}) của {result.runs} lượt nhập; "
                "kết quả và hồ sơ bị từ chối của các lượt nhập được giữ."
            )
        else:
            restarted = imports_restart_stalled()
            for run in restarted:
                self.stdout.write(f"Chạy lại lượt nhập #{run.pk} ({run.source_name})")
            self.stdout.write(f"{len(restarted)} lượt nhập được chạy lại.")


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB".replace(".", ",") if n >= 1_048_576 else f"{n} byte"
