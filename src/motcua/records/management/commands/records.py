"""`motcua records <subcommand>`: tools around the record lifecycle."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.records import docs
from motcua.records.online_intake import online_intake_alert, online_intake_overdue
from motcua.records.public_lookup import forget_old_failures
from motcua.records.services import records_close_unsupplemented


class Command(BaseCommand):
    help = (
        "Công cụ hồ sơ: `docs` ghi docs/lifecycle.md từ bảng trạng thái; "
        "`close-unsupplemented` đóng hồ sơ quá hạn bổ sung (chạy hằng ngày); "
        "`prune-lookups` xóa lượt tra cứu sai cũ (hằng ngày); "
        "`online-intake-alerts` báo hồ sơ trực tuyến mới và liệt kê hồ sơ quá hạn xác nhận (chạy mỗi vài phút)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        doc = sub.add_parser("docs", help="Ghi docs/lifecycle.md từ bảng chuyển trạng thái.")
        doc.add_argument("--output", type=Path, default=Path(settings.BASE_DIR) / "docs" / "lifecycle.md")
        doc.add_argument("--check", action="store_true", help="Chỉ kiểm tra tệp đã cập nhật chưa.")
        sub.add_parser("close-unsupplemented", help="Đóng các hồ sơ hết thời hạn bổ sung (NĐ 118 Điều 19.5).")
        sub.add_parser(
            "prune-lookups", help="Xóa các lượt tra cứu hồ sơ sai đã quá một ngày (chạy hằng ngày)."
        )
        sub.add_parser(
            "online-intake-alerts",
            help="Báo cán bộ các hồ sơ trực tuyến chưa được báo; liệt kê hồ sơ quá hạn xác nhận (NĐ 118 Điều 17.2).",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["subcommand"] == "docs":
            self._docs(Path(str(options["output"])), check=bool(options["check"]))
        elif options["subcommand"] == "close-unsupplemented":
            closed = records_close_unsupplemented()
            for record in closed:
                self.stdout.write(f"Đã đóng {record.code}")
            self.stdout.write(f"{len(closed)} hồ sơ được đóng do không bổ sung.")
        elif options["subcommand"] == "online-intake-alerts":
            self._online_intake_alerts()
        elif options["subcommand"] == "prune-lookups":
            deleted = forget_old_failures(timezone.now())
            self.stdout.write(f"Đã xóa {deleted} lượt tra cứu sai cũ.")

    def _online_intake_alerts(self) -> None:
        alerted = online_intake_alert()
        for record in alerted:
            self.stdout.write(f"Đã báo cán bộ tiếp nhận: {record.code}")
        self.stdout.write(f"{len(alerted)} hồ sơ trực tuyến được báo cho cán bộ tiếp nhận.")
        overdue = online_intake_overdue()
        for record in overdue:
            due = timezone.localtime(record.intake_confirm_due_at)
            self.stdout.write(
                f"Quá hạn xác nhận: {record.code} — {record.receiving_agency} — hạn {due:%H:%M %d/%m/%Y}"
            )
        self.stdout.write(f"{len(overdue)} hồ sơ trực tuyến quá hạn xác nhận (8 giờ làm việc).")

    def _docs(self, output: Path, *, check: bool) -> None:
        text = docs.render()
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if check:
            if current != text:
                raise CommandError(f"{output} chưa cập nhật: chạy `motcua records docs`.")
            self.stdout.write(f"{output}: đã cập nhật.")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"Đã ghi {output}.")
