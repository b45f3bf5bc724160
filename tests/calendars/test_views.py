import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/can-bo/lich/"


def test_the_calculator_needs_a_login(client):
    assert reverse("calendars:due_calculator") == URL
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_calculator_shows_the_due_date_and_its_derivation(client):
    client.force_login(UserFactory())
    response = client.get(URL, {"received": "24/01/2025 10:15", "amount": 5, "unit": "working_days"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tính hạn trả kết quả" in page
    assert '<span id="due">17:00 07/02/2025</span>' in page
    assert "ngày làm việc thứ nhất: thứ Hai 03/02/2025 (nghỉ Tết 25/01–02/02)" in page


def test_the_calculator_uses_the_chosen_agency_and_the_cutoff(client):
    client.force_login(UserFactory())
    agency = AgencyFactory()
    response = client.get(
        URL,
        {
            "received": "25/04/2025 15:30",
            "amount": 0,
            "unit": "working_days",
            "cutoff": "on",
            "agency": agency.code,
        },
    )
    assert '<span id="due">17:00 26/04/2025</span>' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"received": "24-01-2025 10h", "amount": 5, "unit": "working_days"}, "dd/mm/yyyy HH:MM"),
        ({"received": "24/01/2060 10:15", "amount": 5, "unit": "working_days"}, "ngoài lịch làm việc"),
        ({"received": "31/12/9999 23:59", "amount": 1, "unit": "days"}, "ngoài lịch làm việc"),
        ({"received": "31/12/9999 23:59", "amount": 1, "unit": "months"}, "ngoài lịch làm việc"),
        ({"received": "01/01/0001 00:00", "amount": 1, "unit": "working_days"}, "ngoài lịch làm việc"),
        ({"received": "24/01/2025 10:15", "amount": -2, "unit": "working_days"}, "lớn hơn hoặc bằng"),
    ],
)
def test_bad_input_gets_a_vietnamese_message_not_a_500(client, params, message):
    client.force_login(UserFactory())
    response = client.get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'id="due"' not in response.content.decode()
