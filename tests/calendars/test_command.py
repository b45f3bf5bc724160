import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_due_prints_the_date_and_its_derivation():
    out = run("due", "--received", "2025-01-24 10:15", "--days", "5")
    assert out.splitlines()[0] == "Hạn trả: 17:00 07/02/2025"
    assert "(nghỉ Tết 25/01–02/02)" in out


def test_due_as_json():
    data = json.loads(run("due", "--received", "2025-01-24 10:15", "--days", "5", "--json"))
    assert data["due"] == "2025-02-07T17:00:00+07:00"
    assert data["explanation"].endswith("hẹn trả 17:00 thứ Sáu 07/02/2025")


def test_due_in_working_hours_for_an_agency():
    agency = AgencyFactory()
    data = json.loads(
        run("due", "--received", "24/01/2025 16:00", "--hours", "8", "--agency", agency.code, "--json")
    )
    assert data["due"] == "2025-02-03T16:30:00+07:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--received", "hôm qua", "--days", "5"], "Không đọc được thời điểm tiếp nhận"),
        (["--received", "2025-01-24 10:15", "--days", "5", "--agency", "H99.1"], "Không có cơ quan"),
        (["--received", "2060-01-01 10:00", "--days", "5"], "ngoài lịch làm việc"),
        (["--received", "2025-01-24 10:15", "--days", "-1"], "không âm"),
    ],
)
def test_bad_input_is_a_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        run("due", *args)
