"""Public catalogue pages: no login, search without diacritics, the seven published parts."""

import pytest
from django.urls import reverse

from motcua.catalog.models import OnlineLevel, Procedure
from tests.catalog.factories import make_procedure
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

SEVEN_PARTS = [
    "Trình tự thực hiện",
    "Cách thức thực hiện",
    "Thành phần, số lượng hồ sơ",
    "Thời hạn giải quyết",
    "Đối tượng thực hiện",
    "Cơ quan thực hiện",
]


def test_home_has_a_search_box_and_the_fields(client):
    make_procedure()
    page = client.get(reverse("portal:home")).content.decode()
    assert 'name="q"' in page and "Hộ kinh doanh" in page


def test_search_without_diacritics_lists_the_procedure(client):
    make_procedure()
    make_procedure(code="1.001193", name="Thủ tục đăng ký khai sinh", field="ho-tich")
    page = client.get(reverse("portal:procedure_list"), {"q": "dang ky ho kinh doanh"}).content.decode()
    assert "Đăng ký thành lập hộ kinh doanh" in page and "Thủ tục đăng ký khai sinh" not in page


def test_hostile_or_odd_input_never_breaks_the_list(client):
    make_procedure()
    for params in (
        {"q": "\x00%_'\"", "trang": "abc"},
        {"q": "x" * 5000, "trang": "999"},
        {"linh-vuc": "khong-co"},
    ):
        assert client.get(reverse("portal:procedure_list"), params).status_code == 200


def test_detail_shows_the_published_parts_fee_and_time(client):
    procedure = make_procedure()
    agency = AgencyFactory()
    procedure.offerings.create(agency=agency, online_level=OnlineLevel.PARTIAL)
    page = client.get(reverse("portal:procedure", args=[procedure.code])).content.decode()
    assert "Đăng ký thành lập hộ kinh doanh" in page
    for part in SEVEN_PARTS:
        assert part in page
    assert "1.234.567 đ" in page
    assert "3 ngày làm việc" in page
    assert agency.name in page and "Một phần" in page
    assert "Giấy đề nghị đăng ký hộ kinh doanh" in page


def test_unknown_unit_is_shown_as_such(client):
    procedure = make_procedure(
        time={"value": 5, "unit": "", "text": ""},
        clock={"value": 5, "unit": "working_days", "assumed": True},
        process=[],
    )
    page = client.get(reverse("portal:procedure", args=[procedure.code])).content.decode()
    assert "5 (nguồn công bố không ghi đơn vị)" in page


def test_unknown_or_inactive_code_is_404(client):
    make_procedure(code="1.000009", is_active=False)
    assert client.get(reverse("portal:procedure", args=["9.999999"])).status_code == 404
    assert client.get(reverse("portal:procedure", args=["1.000009"])).status_code == 404


def test_the_catalogue_editors_notes_stay_off_the_public_page(client):
    procedure = make_procedure()
    Procedure.objects.filter(pk=procedure.pk).update(notes="Ghi chú nội bộ: cần đồng bộ lại định kỳ")
    page = client.get(reverse("portal:procedure", args=[procedure.code])).content.decode()
    assert "cần đồng bộ lại định kỳ" not in page and "Độ tin cậy của dữ liệu" in page
