"""`motcua records <subcommand>`: tools around the record lifecycle."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.records import docs
from motcua.records.services import records_close_unsupplemented


class Command(BaseCommand):
    help = (
        "Công cụ hồ sơ: `docs` ghi docs/lifecycle.md từ bảng trạng thái; "
        "`close-unsupplemented` đóng hồ sơ quá hạn bổ sung (chạy hằng ngày)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        doc = sub.add_parser("docs", help="Ghi docs/lifecycle.md từ bảng chuyển trạng thái.")
        doc.add_argument("--output", type=Path, default=Path(settings.BASE_DIR) / "docs" / "lifecycle.md")
        doc.add_argument("--check", action="store_true", help="Chỉ kiểm tra tệp đã cập nhật chưa.")
        sub.add_parser("close-unsupplemented", help="Đóng các hồ sơ hết thời hạn bổ sung (NĐ 118 Điều 19.5).")

    def handle(self, *args: object, **options: object) -> None:
        if options["subcommand"] == "docs":
            self._docs(Path(str(options["output"])), check=bool(options["check"]))
        elif options["subcommand"] == "close-unsupplemented":
            closed = records_close_unsupplemented()
            for record in closed:
                self.stdout.write(f"Đã đóng {record.code}")
            self.stdout.write(f"{len(closed)} hồ sơ được đóng do không bổ sung.")

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
