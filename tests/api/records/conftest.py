import pytest
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.records.models import (
    IdempotencyKey,
    Record,
    RecordAttachment,
    RecordCodeCounter,
    RecordEvent,
    RecordStep,
)
from motcua.records.services import record_intake_at_counter
from tests.factories import UserFactory, grant
from tests.records import conftest as records_conftest
from tests.records.conftest import local  # noqa: F401  (re-exported for the tests)

# The record fixtures (Vạn Hưng and Vạn Thắng, their staff, a 3-working-day procedure).
province = records_conftest.province
van_hung = records_conftest.van_hung
van_thang = records_conftest.van_thang
procedure = records_conftest.procedure
staff = records_conftest.staff
applicant = records_conftest.applicant
_fast_password_hashing = records_conftest._fast_password_hashing

PROBLEM = "application/problem+json"
TABLES = (Record, RecordEvent, RecordStep, RecordAttachment, IdempotencyKey, RecordCodeCounter)


def rows() -> dict[str, int]:
    """Row counts of everything a record write touches: equal before and after means nothing was written."""
    return {table.__name__: table.objects.count() for table in TABLES}


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] == f"urn:motcua:problem:{body['code']}"
    if code is not None:
        assert body["code"] == code, body
    return body


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def desk(staff):
    return client_for(staff["desk"])


@pytest.fixture
def inspector(van_hung):
    user = UserFactory(username="thanhtra")
    grant(user, Role.INSPECTOR, van_hung.unit)
    return user


@pytest.fixture
def van_thang_desk(van_thang):
    user = UserFactory(username="vanthang.desk")
    grant(user, Role.DESK_OFFICER, van_thang.unit)
    return user


@pytest.fixture
def received(procedure, van_hung, staff, applicant):
    """A record received at Vạn Hưng's counter just now (within its deadline)."""
    return record_intake_at_counter(
        procedure=procedure, agency=van_hung, applicant=applicant, actor=staff["desk"]
    )


def create_body(procedure, agency, /, **overrides) -> dict:
    body = {
        "procedure": procedure.code,
        "agency": agency.code,
        "channel": "counter",
        "receive": True,
        "applicant": {"name": "Trần Văn Bình", "id_number": "056190009999", "phone": "0905000111"},
        "summary": "Đăng ký hộ kinh doanh tạp hóa",
    }
    body.update(overrides)
    return body


@pytest.fixture(autouse=True)
def _procedure_offered(request):
    """Counter intake takes only a procedure the agency offers: the test procedure is offered
    (open-ended) by the test communes the test uses."""
    from tests.factories import OfferingFactory

    if "procedure" not in request.fixturenames:
        return
    offered = request.getfixturevalue("procedure")
    for name in ("van_hung", "van_thang"):
        if name in request.fixturenames:
            OfferingFactory(procedure=offered, agency=request.getfixturevalue(name), valid_from=None)
