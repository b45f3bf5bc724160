"""The admin pages for units, successions and agencies."""

import pytest
from django.urls import reverse

from motcua.accounts.models import User
from motcua.units.demo import build_demo

from .conftest import BEFORE, REFORM


@pytest.fixture
def admin_client(client, db):
    # No password: hashing one costs a second per test and force_login needs none.
    client.force_login(User.objects.create(username="quantri", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def demo(db):
    list(build_demo())


@pytest.mark.parametrize("term", ["Vạn Hưng", "van hung", "VAN HUNG"])
def test_unit_search_finds_both_van_hung_with_or_without_diacritics(admin_client, khanh_hoa, at, term):
    response = admin_client.get(reverse("admin:units_administrativeunit_changelist"), {"q": term})
    assert response.status_code == 200
    found = set(response.context["cl"].queryset)
    assert {at("22525", REFORM), at("22525", BEFORE)} <= found
    assert at("22522", BEFORE) not in found


def test_unit_filters_by_level_and_validity(admin_client, khanh_hoa):
    url = reverse("admin:units_administrativeunit_changelist")
    response = admin_client.get(url, {"level__exact": "district", "hieu_luc": "before"})
    districts = list(response.context["cl"].queryset)
    assert districts and {u.level for u in districts} == {"district"}
    response = admin_client.get(url, {"level__exact": "district", "hieu_luc": "now"})
    assert not response.context["cl"].queryset.exists()


def test_unit_page_shows_its_successions_inline(admin_client, khanh_hoa, at):
    new_van_hung = at("22525", REFORM)
    response = admin_client.get(reverse("admin:units_administrativeunit_change", args=[new_van_hung.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nghị quyết số 1667/NQ-UBTVQH15" in content
    predecessors = response.context["inline_admin_formsets"][0].formset.queryset
    assert {s.predecessor.code for s in predecessors} == {"22522", "22525"}


def test_agency_search_and_bad_code_message(admin_client, demo, at):
    url = reverse("admin:units_agency_changelist")
    response = admin_client.get(url, {"q": "uy ban nhan dan xa van hung"})
    assert {a.code for a in response.context["cl"].queryset} == {"H56.22525", "H56.571.22525"}
    response = admin_client.post(
        reverse("admin:units_agency_add"),
        {"code": "h56.01.x", "name": "Cơ quan thử", "kind": "other", "unit": at("22525", REFORM).pk},
    )
    assert response.status_code == 200
    assert "Mã định danh “h56.01.x” không hợp lệ" in response.content.decode()


def test_succession_list_opens(admin_client, khanh_hoa):
    response = admin_client.get(reverse("admin:units_succession_changelist"), {"q": "Xuân Sơn"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
