"""The page "Thủ tục cung cấp tại đơn vị": my units' offerings, and nobody else's."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from motcua.catalog.models import OnlineLevel
from motcua.catalog.offerings import offering_version


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change(client: Client, offering, level: str, version: str | None = None):
    version = version if version is not None else offering_version(offering)
    url = reverse("workspace:offering", args=[offering.pk])
    return client.post(url, {"online_level": level, "version": version})


def test_list_shows_my_commune_only(province_world):
    w = province_world
    page = logged_in(w.admin_a).get(reverse("workspace:offerings")).content.decode()
    assert w.offering_a.procedure.name in page
    assert w.offering_b.procedure.name not in page


def test_another_communes_offering_is_a_vietnamese_404_to_read_and_to_change(province_world):
    w = province_world
    client = logged_in(w.admin_a)
    response = client.get(reverse("workspace:offering", args=[w.offering_b.pk]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()

    response = change(client, w.offering_b, OnlineLevel.FULL)
    assert response.status_code == 404
    w.offering_b.refresh_from_db()
    assert w.offering_b.online_level == OnlineLevel.PARTIAL


def test_unit_admin_changes_own_offering(province_world):
    w = province_world
    client = logged_in(w.admin_a)
    response = change(client, w.offering_a, OnlineLevel.FULL)
    assert response.status_code == 302
    w.offering_a.refresh_from_db()
    assert w.offering_a.online_level == OnlineLevel.FULL
    page = client.get(response["Location"]).content.decode()
    assert "Đã cập nhật mức dịch vụ trực tuyến" in page


def test_stale_form_does_not_overwrite_a_newer_change(province_world):
    w = province_world
    client = logged_in(w.admin_a)
    seen = offering_version(w.offering_a)
    assert change(client, w.offering_a, OnlineLevel.NONE).status_code == 302
    response = change(client, w.offering_a, OnlineLevel.FULL, version=seen)
    assert response.status_code == 302
    w.offering_a.refresh_from_db()
    assert w.offering_a.online_level == OnlineLevel.NONE
    assert "vừa được người khác thay đổi" in client.get(response["Location"]).content.decode()


def test_ineligible_full_online_shows_a_vietnamese_error(province_world):
    w = province_world
    w.offering_a.procedure.full_online_eligible = False
    w.offering_a.procedure.save()
    response = change(logged_in(w.admin_a), w.offering_a, OnlineLevel.FULL)
    assert response.status_code == 400
    assert "chưa đủ điều kiện cung cấp trực tuyến toàn trình" in response.content.decode()
    w.offering_a.refresh_from_db()
    assert w.offering_a.online_level == OnlineLevel.PARTIAL


@pytest.mark.parametrize("level", ["toan-trinh", ""])
def test_invalid_level_is_a_form_error(province_world, level):
    w = province_world
    response = change(logged_in(w.admin_a), w.offering_a, level)
    assert response.status_code == 400
    w.offering_a.refresh_from_db()
    assert w.offering_a.online_level == OnlineLevel.PARTIAL


def test_inspector_sees_every_commune_without_forms_and_is_refused_a_change(province_world):
    w = province_world
    client = logged_in(w.inspector)
    page = client.get(reverse("workspace:offerings")).content.decode()
    assert w.offering_a.procedure.name in page and w.offering_b.procedure.name in page
    assert 'name="online_level"' not in page
    response = change(client, w.offering_b, OnlineLevel.NONE)
    assert response.status_code == 403
    assert "Không có quyền" in response.content.decode()
    w.offering_b.refresh_from_db()
    assert w.offering_b.online_level == OnlineLevel.PARTIAL


def test_province_admin_sees_all_communes(province_world):
    w = province_world
    page = logged_in(w.province_admin).get(reverse("workspace:offerings")).content.decode()
    assert page.count('name="online_level"') == 2


def test_post_without_csrf_token_is_refused(province_world):
    w = province_world
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.admin_a)
    response = change(client, w.offering_a, OnlineLevel.NONE)
    assert response.status_code == 403
    w.offering_a.refresh_from_db()
    assert w.offering_a.online_level == OnlineLevel.PARTIAL


def test_anonymous_is_sent_to_login(db):
    response = Client().get(reverse("workspace:offerings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_lists_my_grants_and_what_they_allow(province_world):
    page = logged_in(province_world.desk_a).get(reverse("workspace:home")).content.decode()
    assert "Cán bộ một cửa" in page
    assert "Xã Vạn Hưng" in page
    assert "Tiếp nhận, trả kết quả hồ sơ" in page


def test_home_leads_to_every_page_of_the_role_and_each_opens(province_world):
    """A desk officer gets the counter; an inspector the index and reports, not the counter."""
    for user, counter in ((province_world.desk_a, True), (province_world.inspector, False)):
        client = logged_in(user)
        page = client.get(reverse("workspace:home")).content.decode()
        links = re.findall(r'href="([^"]+)"', page.split('class="work-links"')[1].split("</ul>")[0])
        assert (reverse("records_ui:intake") in links) is counter
        for expected in (
            "records_ui:inbox",
            "workspace:index:province",
            "workspace:reports_ui:home",
            "calendars:due_calculator",
        ):
            assert reverse(expected) in links, (user, expected)
        for link in links:
            assert client.get(link, follow=True).status_code == 200, (user.username, link)


def test_login_leads_to_the_workspace(province_world):
    from tests.accounts.fixtures import PASSWORD

    response = Client().post(reverse("login"), {"username": "motcua.vanhung", "password": PASSWORD})
    assert response["Location"] == reverse("workspace:home")


def test_province_admin_narrows_the_list_to_one_commune(province_world):
    w = province_world
    url = reverse("workspace:offerings")
    page = logged_in(w.province_admin).get(url, {"don-vi": w.van_thang.pk}).content.decode()
    assert w.offering_b.procedure.name in page
    assert w.offering_a.procedure.name not in page


def test_choosing_another_communes_unit_shows_nothing_of_it(province_world):
    w = province_world
    page = (
        logged_in(w.admin_a).get(reverse("workspace:offerings"), {"don-vi": w.van_thang.pk}).content.decode()
    )
    assert w.offering_b.procedure.name not in page
