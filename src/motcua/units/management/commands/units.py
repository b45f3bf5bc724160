"""`motcua units load --province 56`: load a province's units before and after 01/07/2025."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import number_format

from motcua.units.services import units_load_province
from motcua.units.sources import UnknownProvince


class Command(BaseCommand):
    help = (
        "Quản lý đơn vị hành chính. `units load --province 56` nạp đơn vị của tỉnh trước và sau 01/07/2025."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, title="lệnh con")
        load = subcommands.add_parser(
            "load",
            help="Nạp đơn vị hành chính (cũ và mới) và quan hệ kế thừa của một tỉnh từ gói vietnam-provinces.",
        )
        load.add_argument(
            "--province", type=int, required=True, action="append", help="Mã tỉnh mới (GSO), ví dụ 56."
        )

    def handle(self, *args: object, subcommand: str, **options: object) -> None:
        if subcommand == "load":
            self._load(options["province"])  # type: ignore[arg-type]

    def _load(self, codes: list[int]) -> None:
        for code in codes:
            started = time.perf_counter()
            try:
                result = units_load_province(province_code=code)
            except UnknownProvince as error:
                raise CommandError(str(error)) from error
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"{result.province.name} ({result.province.code}): "
                f"đơn vị +{result.units_created} mới, {result.units_updated} cập nhật, "
                f"{result.units_unchanged} không đổi; kế thừa +{result.successions_created} mới, "
                f"{result.successions_updated} cập nhật, {result.successions_unchanged} không đổi "
                f"({number_format(elapsed, 2)} giây)."
            )
            if result.skipped:
                self.stdout.write(
                    f"Chưa nối {len(result.skipped)} quan hệ kế thừa vì đơn vị đầu kia chưa được nạp "
                    "(thuộc tỉnh khác) hoặc không có trong dữ liệu nguồn: " + ", ".join(result.skipped[:10])
                )
