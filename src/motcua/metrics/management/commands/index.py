"""`motcua index <subcommand>`: the service index (QĐ 766) from the command line.

- `score [--rules VERSION] [--batch] [FILE]` scores counts (file or stdin) with a rule set;
- `docs [--check]` writes docs/index.md from the rule sets;
- `import-rules FILE [--replace]` / `export-rules [--rules VERSION]` move a rule set in and out of
  the database as JSON, so a new version from a date needs no code.

Bad input exits with code 2 and a Vietnamese message naming the line and element."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.metrics import docs, live_cli, ruledata, rules, scoring, services
from motcua.metrics.counts_json import CountsError, dumps, parse_counts, result_dict

BAD_INPUT = 2


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _day(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise _bad(f"Không đọc được ngày «{text}» (ví dụ: 2026-11-25 hoặc 25/11/2026).")


class Command(BaseCommand):
    help = "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766): tính điểm, tài liệu, nhập/xuất bộ quy tắc."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        score = sub.add_parser("score", help="Tính điểm từ tử số, mẫu số (JSON).")
        score.add_argument("file", nargs="?", help="Tệp JSON; bỏ trống hoặc «-»: đọc từ stdin.")
        which = score.add_mutually_exclusive_group()
        which.add_argument("--rules", help="Phiên bản bộ quy tắc (mặc định: bộ có hiệu lực hôm nay).")
        which.add_argument("--at", help="Dùng bộ quy tắc có hiệu lực ngày này (YYYY-MM-DD hoặc dd/mm/yyyy).")
        score.add_argument(
            "--batch",
            action="store_true",
            help="JSON Lines: mỗi dòng một danh sách, in mỗi dòng một kết quả.",
        )
        doc = sub.add_parser("docs", help="Ghi docs/index.md từ bộ quy tắc.")
        doc.add_argument("--output", type=Path, default=Path(settings.BASE_DIR) / "docs" / "index.md")
        doc.add_argument("--check", action="store_true", help="Chỉ kiểm tra tệp đã cập nhật chưa.")
        imp = sub.add_parser("import-rules", help="Nhập một bộ quy tắc (JSON) vào cơ sở dữ liệu.")
        imp.add_argument("file", nargs="?", help="Tệp JSON; bỏ trống: bộ quy tắc đi kèm motcua hiện hành.")
        imp.add_argument("--replace", action="store_true", help="Thay phiên bản cùng tên nếu đã có.")
        exp = sub.add_parser("export-rules", help="In một bộ quy tắc dạng JSON.")
        exp.add_argument("--rules", help="Phiên bản (mặc định: bộ có hiệu lực hôm nay).")
        live_cli.add_parsers(sub)  # compute, rebuild: the index counted from records

    def handle(self, *args: object, **options: Any) -> None:
        command = options["subcommand"]
        if command == "score":
            self._score(options)
        elif command == "docs":
            self._docs(Path(options["output"]), check=bool(options["check"]))
        elif command == "import-rules":
            self._import(options.get("file"), replace=bool(options["replace"]))
        elif command == "compute":
            live_cli.compute(options, self.stdout.write)
        elif command == "rebuild":
            live_cli.rebuild(self.stdout.write)
        elif command == "snapshot":
            live_cli.snapshot(options, self.stdout.write)
        elif command == "export-rules":
            rule_set = self._rule_set(options.get("rules"))
            self.stdout.write(json.dumps(ruledata.rule_set_to_dict(rule_set), ensure_ascii=False, indent=2))

    def _rule_set(self, version: str | None, at: str | None = None) -> scoring.RuleSet:
        try:
            return (
                rules.rule_set(version)
                if version
                else rules.rule_set_at(_day(at) if at else timezone.localdate())
            )
        except (rules.RuleSetNotFound, ruledata.RuleDataError) as error:
            raise _bad(str(error)) from None

    @contextmanager
    def _input(self, options: dict[str, Any]) -> Iterator[IO[str]]:
        name = options.get("file")
        if name in (None, "-"):
            yield options.get("stdin") or sys.stdin
            return
        try:
            stream = open(name, encoding="utf-8")  # noqa: SIM115 — closed below
        except OSError as error:
            raise _bad(f"Không mở được tệp «{name}»: {error.strerror}.") from None
        with stream:
            yield stream

    def _score(self, options: dict[str, Any]) -> None:
        rule_set = self._rule_set(options.get("rules"), options.get("at"))
        try:
            with self._input(options) as stream:
                if options["batch"]:
                    # One line in, one line out, as it comes: a province's 65 communes or a year
                    # of months never sit in memory at once.
                    for number, line in enumerate(stream, 1):
                        if line.strip():
                            self._write(rule_set, parse_counts(line, rule_set, line=number))
                else:
                    self._write(rule_set, parse_counts(stream.read(), rule_set))
        except CountsError as error:
            raise _bad(str(error)) from None
        except UnicodeDecodeError:
            raise _bad("Dữ liệu vào không phải văn bản UTF-8.") from None

    def _write(self, rule_set: scoring.RuleSet, counts: list[tuple[str, scoring.Count]]) -> None:
        self.stdout.write(dumps(result_dict(scoring.score(rule_set, counts))))
        self.stdout.flush()

    def _docs(self, output: Path, *, check: bool) -> None:
        text = docs.render(ruledata.shipped())
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if check:
            if current != text:
                raise CommandError(f"{output} chưa cập nhật: chạy `motcua index docs`.")
            self.stdout.write(f"{output}: đã cập nhật.")
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"Đã ghi {output}.")

    def _import(self, name: str | None, *, replace: bool) -> None:
        try:
            if name:
                rule_set = ruledata.load(Path(name).read_text(encoding="utf-8"))
            else:
                rule_set = ruledata.shipped()[-1]
            version = services.rule_set_store(rule_set=rule_set, replace=replace)
        except OSError as error:
            raise _bad(f"Không mở được tệp «{name}»: {error.strerror}.") from None
        except (ruledata.RuleDataError, rules.RuleSetNotFound, ValueError) as error:
            raise _bad(str(error)) from None
        self.stdout.write(f"Đã nhập bộ quy tắc {version.version} ({len(rule_set.metrics)} chỉ số).")
