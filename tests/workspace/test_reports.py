"""The report pages: an inspector of the province sees every unit's reports and downloads them;
an officer sees only their own units; bad input is a Vietnamese message, never a 500."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from motcua.accounts.models import Role
from motcua.metrics.targets import Target
from tests.accounts.fixtures import _fast_password_hashing  # noqa: F401
from tests.factories import UserFactory, grant
from tests.metrics.report_records import march_world

INSPECTION = "/can-bo/bao-cao/kiem-tra/?co-quan=H56.57.01&tu=2026-03-01&den=2026-03-31"
PERIODIC = "/can-bo/bao-cao/dinh-ky/?don-vi=xa-22525&ky=2026-03"


@pytest.fixture
def world(db):
    w = march_world()
    Target.objects.create(unit=w.agency.unit.parent, year=2026, online_filing_percent=Decimal("45"))
    return w


@pytest.fixture
def inspector(world):
    user = UserFactory(username="kiemtra")
    grant(user, Role.INSPECTOR, world.agency.unit.parent)
    return user


@pytest.fixture
def officer_van_thang(world):
    user = UserFactory(username="vanthang.desk")
    grant(user, Role.DESK_OFFICER, world.other_agency.unit)
    return user


def test_inspector_sees_the_report_with_evidence_links(client, world, inspector):
    client.force_login(inspector)
    response = client.get(INSPECTION)
    assert response.status_code == 200
    html = response.content.decode()
    assert "UBND xã Vạn Hưng" in html
    for name in ("C", "D", "F"):  # the overdue list links every record to its page
        record = world.records[name]
        assert f'href="/can-bo/ho-so/{record.pk}/"' in html
    assert "66,67 %" in html  # online payments, Vietnamese format
    assert "dinh-dang=pdf" in html and "dinh-dang=xlsx" in html


def test_downloads(client, world, inspector):
    client.force_login(inspector)
    pdf = client.get(INSPECTION + "&dinh-dang=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(PERIODIC + "&dinh-dang=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "07a"
    data = client.get(INSPECTION + "&dinh-dang=json").json()
    assert data["figures"]["received"]["count"] == 6  # A B C D E I
    # Read away from the site: links carry its address; sheets are named in Vietnamese, as the figures.
    links = [e["url"] for f in data["figures"].values() for e in f.get("evidence") or []]
    assert links and all(link.startswith("http://testserver/can-bo/ho-so/") for link in links)
    book = load_workbook(io.BytesIO(client.get(INSPECTION + "&dinh-dang=xlsx").content))
    evidence_sheets = book.sheetnames[1:]
    assert evidence_sheets and all(not name.isascii() for name in evidence_sheets), evidence_sheets
    assert len(set(evidence_sheets)) == len(evidence_sheets) and max(map(len, evidence_sheets)) <= 31


def test_periodic_page(client, world, inspector):
    client.force_login(inspector)
    response = client.get(PERIODIC)
    assert response.status_code == 200
    assert "Biểu số 07a" in response.content.decode() and "Hộ kinh doanh" in response.content.decode()


def test_officer_sees_only_their_units(client, world, officer_van_thang):
    client.force_login(officer_van_thang)
    assert client.get(INSPECTION).status_code == 404
    assert client.get(PERIODIC).status_code == 404
    own = client.get("/can-bo/bao-cao/kiem-tra/?co-quan=H56.57.02&tu=2026-03-01&den=2026-03-31")
    assert own.status_code == 200
    home = client.get("/can-bo/bao-cao/").content.decode()
    assert "H56.57.02" in home and "H56.57.01" not in home


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/can-bo/bao-cao/kiem-tra/?co-quan=H56.57.01&tu=2026-02-30&den=2026-03-31", "Ngày không hợp lệ"),
        (
            "/can-bo/bao-cao/kiem-tra/?co-quan=H56.57.01&tu=2026-04-01&den=2026-03-31",
            "đứng trước ngày bắt đầu",
        ),
        ("/can-bo/bao-cao/dinh-ky/?don-vi=xa-22525&ky=2026-13", "Tháng 13"),
    ],
)
def test_bad_input_is_a_message(client, world, inspector, url, message):
    client.force_login(inspector)
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_period_is_chosen_from_a_list_and_choices_survive_an_error(client, world, inspector):
    client.force_login(inspector)
    home = client.get("/can-bo/bao-cao/").content.decode()
    assert '<select name="ky">' in home and ">Quý I/2026<" in home.replace(
        "Quý I/2026</option>", "Quý I/2026<"
    )
    back = client.get("/can-bo/bao-cao/dinh-ky/?don-vi=xa-22525&ky=2026-13").content.decode()
    assert 'value="xa-22525" selected' in back  # the unit stays the one picked


def test_dates_are_typed_dd_mm_yyyy_and_shown_so(client, world, inspector):
    client.force_login(inspector)
    home = client.get("/can-bo/bao-cao/").content.decode()
    assert 'type="date"' not in home and 'placeholder="dd/mm/yyyy"' in home  # a browser would show mm/dd/yyyy
    assert f'value="01/{timezone.localdate():%m/%Y}"' in home
    typed = client.get("/can-bo/bao-cao/kiem-tra/?co-quan=H56.57.01&tu=01/03/2026&den=31/03/2026")
    assert typed.status_code == 200
    ranged = client.get("/can-bo/bao-cao/dinh-ky/?don-vi=xa-22525&tu=01/03/2026&den=31/03/2026")
    assert ranged.context["report"]["period"]["end"] == "2026-03-31"


def test_a_date_range_makes_the_periodic_report_of_that_range(client, world, inspector):
    client.force_login(inspector)
    response = client.get("/can-bo/bao-cao/dinh-ky/?don-vi=xa-22525&ky=2026-05&tu=2026-03-01&den=2026-03-31")
    assert response.status_code == 200
    period = response.context["report"]["period"]
    assert (period["start"], period["end"]) == ("2026-03-01", "2026-03-31")


def test_unknown_agency_is_404(client, world, inspector):
    client.force_login(inspector)
    assert (
        client.get("/can-bo/bao-cao/kiem-tra/?co-quan=H56.99.99&tu=2026-03-01&den=2026-03-31").status_code
        == 404
    )


def test_the_period_button_wins_over_a_range_left_in_the_form(client, world, inspector):
    client.force_login(inspector)
    url = "/can-bo/bao-cao/dinh-ky/?don-vi=xa-22525&ky=2026-03&tu=01/01/2026&den=31/01/2026"
    by_period = client.get(url + "&theo=ky").context["report"]["period"]
    by_range = client.get(url + "&theo=khoang").context["report"]["period"]
    assert (by_period["start"], by_range["start"]) == ("2026-03-01", "2026-01-01")
    half = client.get("/can-bo/bao-cao/dinh-ky/?don-vi=xa-22525&ky=2026-03&tu=01/01/2026")
    assert half.status_code == 400 and "cần cả ngày bắt đầu và ngày kết thúc" in half.content.decode()
