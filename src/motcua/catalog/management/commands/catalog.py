"""`motcua catalog import FILE` / `motcua catalog export --format json|xlsx --output FILE`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.interchange import CatalogueError
from motcua.catalog.services import catalogue_export, catalogue_import
from motcua.catalog.xlsx import document_to_xlsx, xlsx_to_document


class Command(BaseCommand):
    help = "Nhập hoặc xuất danh mục thủ tục hành chính (JSON hoặc XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Nhập danh mục từ tệp .json hoặc .xlsx (theo mã TTHC).")
        imp.add_argument("file", type=Path)
        exp = sub.add_parser("export", help="Xuất toàn bộ danh mục.")
        exp.add_argument("--format", choices=["json", "xlsx"], default="json")
        exp.add_argument(
            "--output", type=Path, required=True, help="Tệp đích; '-' là đầu ra chuẩn (chỉ JSON)."
        )
        exp.add_argument("--without-offerings", action="store_true", help="Bỏ danh sách cơ quan thực hiện.")

    def handle(self, *args, **options):
        if options["action"] == "import":
            self._import(options["file"])
        else:
            self._export(options["format"], options["output"], not options["without_offerings"])

    def _import(self, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            if path.suffix.lower() == ".xlsx":
                with path.open("rb") as stream:
                    data = xlsx_to_document(stream)
            else:
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise CommandError(f"Tệp JSON không hợp lệ: {exc}") from exc
            report = catalogue_import(data=data)
        except CatalogueError as exc:
            for problem in exc.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"Không nhập gì cả: {len(exc.problems)} lỗi.") from exc
        self.stdout.write(self.style.SUCCESS(f"Đã nhập: {report}."))

    def _export(self, fmt: str, output: Path, with_offerings: bool) -> None:
        document = catalogue_export(with_offerings=with_offerings)
        if fmt == "json":
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
            if str(output) == "-":
                self.stdout.write(text, ending="")
                return
            output.write_text(text, encoding="utf-8")
        else:
            if str(output) == "-":
                raise CommandError("XLSX cần một tệp đích (--output FILE).")
            output.write_bytes(document_to_xlsx(document))
        self.stderr.write(f"Đã xuất {len(document['procedures'])} thủ tục ra {output}.")
