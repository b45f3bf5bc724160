"""`motcua connector_inbound PLUGIN FILE`: take in records sent by a connected system (sync shape)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.exchange.connectors.inbound import connector_inbound
from motcua.exchange.dvcqg.reader import UnreadableFile
from motcua.exchange.models import ConnectorConfig


class Command(BaseCommand):
    help = "Nhập hồ sơ do một hệ thống kết nối gửi về (định dạng hồ sơ đồng bộ), đối chiếu theo mã hồ sơ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plugin", help="Mã plugin kết nối, ví dụ household_business.")
        parser.add_argument("file", help="Tệp JSON hoặc JSON Lines; “-” đọc từ đầu vào chuẩn.")

    def handle(self, *args: Any, plugin: str, file: str, **options: Any) -> None:
        config = ConnectorConfig.objects.filter(plugin=plugin).order_by("-enabled", "pk").first()
        if config is None:
            raise CommandError(f"Chưa cấu hình kết nối nào dùng plugin “{plugin}” (trang quản trị).")
        try:
            if file == "-":
                import sys

                summary = connector_inbound(config=config, stream=sys.stdin.buffer, source_name="stdin")
            else:
                with open(file, "rb") as stream:
                    summary = connector_inbound(config=config, stream=stream, source_name=file)
        except (OSError, UnreadableFile) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Thêm mới {summary.added}, cập nhật {summary.updated}, "
            f"không đổi {summary.unchanged}, bị từ chối {summary.rejected}."
        )
        for reject in summary.sample_rejects:
            self.stdout.write(f"  #{reject['position']} {reject['field']}: {reject['reason']}")
