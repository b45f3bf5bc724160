"""The admin applies the same rule as the import: steps must add up to the legal time."""

import pytest
from django.urls import reverse

from motcua.catalog.models import Field, Procedure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def form_data(field: Field, budgets: list[str]) -> dict:
    data = {
        "code": "1.001612",
        "name": "Đăng ký thành lập hộ kinh doanh",
        "field": field.pk,
        "levels": '["commune"]',
        "subjects": "[]",
        "time_by_channel": "{}",
        "source": "[]",
        "clock_value": "3",
        "clock_unit": "working_days",
        "online_level": "none",
        "confidence": "unchecked",
        "is_active": "on",
        "produces_document": "on",
    }
    for prefix in ("components", "fees"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {"process_steps-TOTAL_FORMS": str(len(budgets)), "process_steps-INITIAL_FORMS": "0"}
    for i, budget in enumerate(budgets):
        data |= {
            f"process_steps-{i}-position": str(i + 1),
            f"process_steps-{i}-name": f"Bước {i + 1}",
            f"process_steps-{i}-role": "specialist",
            f"process_steps-{i}-budget": budget,
        }
    return data


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_refuses_steps_that_do_not_add_up(admin_client):
    field = Field.objects.create(code="ho-kinh-doanh", name="Hộ kinh doanh")
    response = admin_client.post(reverse("admin:catalog_procedure_add"), form_data(field, ["1", "1"]))
    assert response.status_code == 200
    assert "phải bằng thời hạn giải quyết" in response.content.decode()
    assert not Procedure.objects.exists()


def test_admin_saves_a_consistent_procedure_with_its_search_text(admin_client):
    field = Field.objects.create(code="ho-kinh-doanh", name="Hộ kinh doanh")
    response = admin_client.post(
        reverse("admin:catalog_procedure_add"), form_data(field, ["1", "1.5", "0.5"])
    )
    assert response.status_code == 302
    assert Procedure.objects.get().search_text == " dang ky thanh lap ho kinh doanh 1.001612 "
