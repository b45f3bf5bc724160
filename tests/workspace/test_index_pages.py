"""The index dashboard pages: who sees what (404 outside one's scope), the figures shown, what-if,
and the exports."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.accounts.models import Role
from tests.accounts.fixtures import REFORM
from tests.catalog.factories import make_procedure
from tests.factories import AgencyFactory, CommuneFactory, OfferingFactory, UserFactory, grant
from tests.metrics.index_records import Office

MARCH = "ky=2026-03"


@pytest.fixture
def records(province_world):
    """Xã Vạn Hưng in March 2026: one record on time, one late (DOSSIER_ON_TIME 1/2 = 10,00)."""
    w = province_world
    staff = {"desk": w.desk_a}
    for role in (Role.SPECIALIST, Role.LEADER):
        staff[role.value] = UserFactory(username=f"vanhung.{role}")
        grant(staff[role.value], role, w.van_hung)
    office = Office(agency=w.agency_a, staff=staff, procedure=make_procedure())
    on_time, late = office.records(on_time=1, late=1)
    return on_time[0], late[0]


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response


def test_province_page_for_the_province_roles(client, province_world):
    for user in (province_world.province_admin, province_world.inspector):
        html = page(client, user, f"/can-bo/chi-so/?{MARCH}").content.decode()
        assert "Tỉnh Khánh Hòa" in html
        assert "Xếp hạng xã, phường" in html
        assert "UBND xã Vạn Hưng" in html and "UBND xã Vạn Thắng" in html
        assert html.count("<svg") >= 2  # group bars and the trend
        assert f'href="/can-bo/chi-so/xa-22525/?{MARCH}"' in html  # a ranked unit's page, same period


def test_a_unit_without_records_is_listed_unranked_not_at_zero(client, province_world, records):
    html = page(client, province_world.inspector, f"/can-bo/chi-so/?{MARCH}").content.decode()
    rows = {
        name: row
        for row in html.split("<tr>")[1:]
        for name in ("UBND xã Vạn Hưng", "UBND xã Vạn Thắng")
        if name in row and "ix-ranking" not in row
    }
    assert "Không có hồ sơ tiếp nhận trong kỳ" not in rows["UBND xã Vạn Hưng"]  # it received records
    assert (
        "Không có hồ sơ tiếp nhận trong kỳ" in rows["UBND xã Vạn Thắng"]
        and "0,00" not in rows["UBND xã Vạn Thắng"]
    )
    assert html.index("UBND xã Vạn Hưng") < html.index("UBND xã Vạn Thắng")


def test_a_commune_officer_lands_on_their_commune_and_nowhere_else(client, province_world):
    w = province_world
    client.force_login(w.desk_a)
    response = client.get(f"/can-bo/chi-so/?{MARCH}")
    assert response.status_code == 302 and response["Location"].startswith("/can-bo/chi-so/xa-22525/")
    assert "UBND xã Vạn Hưng" in page(client, w.desk_a, f"/can-bo/chi-so/xa-22525/?{MARCH}").content.decode()
    page(client, w.desk_a, f"/can-bo/chi-so/xa-22516/?{MARCH}", status=404)
    page(client, w.desk_a, f"/can-bo/chi-so/tinh-56/?{MARCH}", status=404)
    page(client, w.desk_a, f"/can-bo/chi-so/xa-22516/chi-so/DOSSIER_ON_TIME/?{MARCH}", status=404)
    page(client, w.desk_a, f"/can-bo/chi-so/xa-22516/xuat.xlsx?{MARCH}", status=404)
    page(client, w.admin_b, f"/can-bo/chi-so/xa-22525/?{MARCH}", status=404)
    page(client, w.admin_b, f"/can-bo/chi-so/khong-co/?{MARCH}", status=404)


def test_the_merged_commune_with_its_predecessors_is_open_to_its_officer(client, province_world):
    html = page(client, province_world.desk_a, f"/can-bo/chi-so/xa-22525/?{MARCH}&cu=1").content.decode()
    assert "gồm đơn vị cũ" in html


def test_unit_and_metric_pages_show_the_loss_and_the_record_behind_it(client, province_world, records):
    on_time, late = records
    w = province_world
    html = page(client, w.desk_a, f"/can-bo/chi-so/xa-22525/?{MARCH}").content.decode()
    assert "/can-bo/chi-so/xa-22525/chi-so/DOSSIER_ON_TIME/?ky=2026-03" in html
    assert "1/2" in html and "10,00" in html  # 20 × 1/2, Vietnamese decimal comma

    html = page(client, w.desk_a, f"/can-bo/chi-so/xa-22525/chi-so/DOSSIER_ON_TIME/?{MARCH}").content.decode()
    assert f'href="/can-bo/ho-so/{late.pk}/"' in html and late.code in html
    assert on_time.code not in html
    assert "Trễ hạn" in html
    page(client, w.desk_a, f"/can-bo/chi-so/xa-22525/chi-so/KHONG_CO/?{MARCH}", status=404)
    for code in ("ONLINE_SERVICE_USED", "DOSSIER_SYNC", "ORIGINAL_RESULT_AVAILABLE"):  # procedures, no data
        page(client, w.desk_a, f"/can-bo/chi-so/xa-22525/chi-so/{code}/?{MARCH}&trang=2")


def test_what_if_a_late_record_were_fixed(client, province_world, records):
    _on_time, late = records
    url = f"/can-bo/chi-so/xa-22525/?{MARCH}&gia-dinh=1&khac-phuc={late.code}"
    response = page(client, province_world.desk_a, url)
    whatif = response.context["whatif"]
    # DOSSIER_ON_TIME 1/2 → 2/2: 10,00 → 20,00, and the total moves by exactly that
    assert whatif.metric("DOSSIER_ON_TIME").after.points == Decimal("20.00")
    assert whatif.metric("DOSSIER_ON_TIME").delta == Decimal("10.00")
    assert response.context["fixed"]["DOSSIER_ON_TIME"] == 1
    assert whatif.total_delta == sum(change.delta for change in whatif.metrics)  # total = Σ metric points
    assert "Kết quả giả định" in response.content.decode()


def test_what_if_with_impossible_counts_says_why(client, province_world, records):
    url = f"/can-bo/chi-so/xa-22525/?{MARCH}&gia-dinh=1&ts-DOSSIER_ON_TIME=5&ms-DOSSIER_ON_TIME=2&ts-ONLINE_DOSSIER_RATE=x"
    html = page(client, province_world.desk_a, url).content.decode()
    assert "không phải số nguyên không âm" in html


def test_a_bad_period_is_a_message_not_an_error(client, province_world):
    html = page(client, province_world.province_admin, "/can-bo/chi-so/?ky=2026-13").content.decode()
    assert "Tháng 13 không hợp lệ" in html
    html = page(
        client, province_world.province_admin, "/can-bo/chi-so/?tu=2026-03-10&den=2026-03-01"
    ).content.decode()
    assert "đứng trước ngày bắt đầu" in html
    assert 'value="2026-03-10"' in html and 'value="2026-03-01"' in html  # what was typed stays


def test_the_period_button_wins_over_a_range_left_in_the_form(client, province_world):
    url = "/can-bo/chi-so/?ky=2026-Q2&tu=2026-03-01&den=2026-03-31"
    by_period = page(client, province_world.province_admin, url + "&theo=ky").context["sel"]
    by_range = page(client, province_world.province_admin, url + "&theo=khoang").context["sel"]
    assert by_period.period.key == "2026-Q2" and not by_period.start
    assert (by_range.period.start, by_range.period.end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_exports_open_and_carry_the_total(client, province_world, records):
    w = province_world
    response = page(client, w.desk_a, f"/can-bo/chi-so/xa-22525/?{MARCH}")
    total = response.context["result"].total
    shown = f"{total:.2f}".replace(".", ",")

    response = page(client, w.desk_a, f"/can-bo/chi-so/xa-22525/xuat.xlsx?{MARCH}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B2"].value == "UBND xã Vạn Hưng"
    assert sheet["B5"].value == pytest.approx(float(total))
    codes = {row[1].value: row for row in sheet.iter_rows(min_row=9)}
    assert (codes["DOSSIER_ON_TIME"][2].value, codes["DOSSIER_ON_TIME"][3].value) == (1, 2)
    assert codes["DOSSIER_ON_TIME"][4].value == pytest.approx(10.0)

    response = page(client, w.desk_a, f"/can-bo/chi-so/xa-22525/xuat.pdf?{MARCH}")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert f"Tổng điểm: {shown}" in text
    assert "UBND xã Vạn Hưng" in text


@pytest.mark.parametrize("query", [MARCH, ""])  # a closed month (snapshots), the running one (live)
def test_the_province_page_asks_a_few_queries_however_many_communes(
    client, province_world, query, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    w = province_world
    url = f"/can-bo/chi-so/?{query}"

    def asked() -> tuple[int, str]:
        with django_capture_on_commit_callbacks(execute=True):
            page(client, w.inspector, url)  # the first view keeps the closed months
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()  # logged in by `page`
        return len(queries), html

    few, _html = asked()
    for n in range(10):
        unit = CommuneFactory(code=f"2260{n}", name=f"Xã Mới {n}", parent=w.province, valid_from=REFORM)
        OfferingFactory(agency=AgencyFactory(unit=unit, code=f"H56.91.{n}", name=f"UBND xã Mới {n}"))
    many, html = asked()
    assert "UBND xã Mới 9" in html  # ranked
    assert many == few
    with django_assert_max_num_queries(30):
        client.get(url)
