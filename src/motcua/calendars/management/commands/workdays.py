"""motcua workdays due --received "2025-01-24 10:15" --days 5 [--agency CODE] [--json]

The officer's quick calculator on the command line, and the way other tools check the clock."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.calendars.selectors import calendar_for
from motcua.units.models import Agency
from motcua.workdays import OutOfCalendar, Term, Unit, explain

INPUT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d", "%d/%m/%Y")


def parse_received(text: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        for fmt in INPUT_FORMATS:
            try:
                when = dt.datetime.strptime(text.strip(), fmt)
                break
            except ValueError:
                continue
        else:
            raise CommandError(
                f"Không đọc được thời điểm tiếp nhận «{text}» (ví dụ: 2025-01-24 10:15 hoặc 24/01/2025 10:15)."
            ) from None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return timezone.localtime(when)


class Command(BaseCommand):
    help = "Tính hạn trả kết quả theo lịch làm việc (ngày nghỉ lễ, ngày làm bù, giờ làm việc)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{due}")
        due = actions.add_parser("due", help="Tính hạn trả kết quả và cách tính.")
        due.add_argument("--received", required=True, help='Thời điểm tiếp nhận, ví dụ "2025-01-24 10:15".')
        amount = due.add_mutually_exclusive_group(required=True)
        amount.add_argument("--days", type=int, help="Số ngày làm việc.")
        amount.add_argument("--hours", type=int, help="Số giờ làm việc.")
        amount.add_argument("--calendar-days", type=int, help="Số ngày (theo lịch).")
        amount.add_argument("--months", type=int, help="Số tháng.")
        due.add_argument("--cutoff", action="store_true", help="Áp dụng giờ chốt tiếp nhận (mặc định 15:00).")
        due.add_argument("--agency", help="Mã định danh của cơ quan, trung tâm tiếp nhận.")
        due.add_argument("--json", action="store_true", help='In {"due": ISO-8601, "explanation": …}.')

    def handle(self, *args: object, **options: object) -> None:
        received = parse_received(str(options["received"]))
        term = _term(options)
        agency = None
        if options["agency"]:
            agency = Agency.objects.select_related("unit").filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"Không có cơ quan mang mã định danh «{options['agency']}».")
        calendar = calendar_for(agency=agency)
        try:
            due = calendar.due(received, term)
            text = explain(received, term, calendar)
        except OutOfCalendar as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps({"due": due.isoformat(), "explanation": text}, ensure_ascii=False))
        else:
            self.stdout.write(f"Hạn trả: {due:%H:%M %d/%m/%Y}")
            self.stdout.write(text)


def _term(options: dict[str, object]) -> Term:
    for option, unit in (
        ("days", Unit.WORKING_DAYS),
        ("hours", Unit.WORKING_HOURS),
        ("calendar_days", Unit.CALENDAR_DAYS),
        ("months", Unit.MONTHS),
    ):
        value = options.get(option)
        if value is not None:
            if not isinstance(value, int) or value < 0:
                raise CommandError("Thời hạn phải là số nguyên không âm.")
            return Term(value, unit, cutoff=bool(options["cutoff"]))
    raise CommandError("Cần một trong --days, --hours, --calendar-days, --months.")
