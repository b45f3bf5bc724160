"""Inbox per role with counts, sorting and paging; search by code, name or ID number."""

import re

import pytest
from django.urls import reverse

from motcua.accounts.models import Role
from motcua.records.lifecycle import Action
from motcua.records.selectors import Inbox, inbox
from motcua.records.services import Applicant, record_intake_at_counter, record_perform, record_submit
from motcua.workspace.records.views import PAGE_SIZE
from tests.factories import UserFactory, grant


def _codes(page: str) -> list[str]:
    return re.findall(r'href="/can-bo/ho-so/\d+/">([^<]+)</a>', page)


@pytest.fixture
def online(procedure, van_hung):
    def make(name: str, id_number: str = "") -> object:
        return record_submit(
            procedure=procedure,
            agency=van_hung,
            applicant=Applicant(name=name, id_number=id_number),
            action=Action.SUBMIT_ONLINE,
        )

    return make


def test_desk_inbox_opens_on_records_to_receive_with_counts(desk_client, online, staff):
    online("Trần Văn Bình")
    online("Lê Thị Cúc")
    page = desk_client.get(reverse("records_ui:inbox")).content.decode()
    assert "Chờ tiếp nhận" in page
    assert re.search(r'aria-current="page" class="current">Chờ tiếp nhận <span class="count">2</span>', page)
    assert "Trần Văn Bình" in page and "Lê Thị Cúc" in page


def test_specialist_inbox_shows_processing_boxes(client, staff, procedure, van_hung, applicant):
    record = record_intake_at_counter(
        procedure=procedure, agency=van_hung, applicant=applicant, actor=staff["desk"]
    )
    record_perform(record=record, action=Action.ASSIGN, actor=staff["desk"], to_user=staff["specialist"])
    client.force_login(staff["specialist"])
    page = client.get(reverse("records_ui:inbox")).content.decode()
    assert "Chờ tiếp nhận" not in page
    assert record.code in page


def test_sorting_by_a_whitelisted_column_and_ignoring_others(desk_client, online):
    for name in ("Bùi Văn B", "Âu Thị A", "Cao Văn C"):
        online(name)
    url = reverse("records_ui:box", kwargs={"box": Inbox.TO_RECEIVE.value})
    ascending = _codes(desk_client.get(url, {"sap-xep": "ma"}).content.decode())
    descending = _codes(desk_client.get(url, {"sap-xep": "-ma"}).content.decode())
    assert ascending == sorted(ascending) and descending == ascending[::-1]
    assert desk_client.get(url, {"sap-xep": "password"}).status_code == 200


def test_paging_25_a_page(desk_client, online, staff):
    for n in range(PAGE_SIZE + 1):
        online(f"Người nộp {n}")
    url = reverse("records_ui:box", kwargs={"box": Inbox.TO_RECEIVE.value})
    first = _codes(desk_client.get(url).content.decode())
    second = _codes(desk_client.get(url, {"trang": 2}).content.decode())
    assert len(first) == PAGE_SIZE and len(second) == 1
    assert inbox(staff["desk"], Inbox.TO_RECEIVE).count() == PAGE_SIZE + 1
    assert "Trang 1/2" in desk_client.get(url).content.decode()


def test_unknown_box_is_not_found(desk_client):
    assert desk_client.get("/can-bo/ho-so/hop/khong-co/").status_code == 404


def test_search_ignores_diacritics_and_finds_by_code_and_id_number(desk_client, online):
    record = online("Nguyễn Thị Ánh", "056190001234")
    other = online("Phạm Văn Đức")
    url = reverse("records_ui:search")
    by_name = desk_client.get(url, {"q": "nguyen thi anh"}).content.decode()
    assert _codes(by_name) == [record.code]
    assert _codes(desk_client.get(url, {"q": record.code}).content.decode()) == [record.code]
    assert _codes(desk_client.get(url, {"q": "056190001234"}).content.decode()) == [record.code]
    assert _codes(desk_client.get(url, {"q": "duc"}).content.decode()) == [other.code]


def test_search_does_not_find_another_communes_records(client, online, van_thang):
    online("Nguyễn Thị Ánh")
    outsider = UserFactory(username="vanthang.desk")
    grant(outsider, Role.DESK_OFFICER, van_thang.unit)
    client.force_login(outsider)
    page = client.get(reverse("records_ui:search"), {"q": "anh"}).content.decode()
    assert _codes(page) == []
    assert "Không tìm thấy hồ sơ nào" in page


def test_inbox_queries_do_not_grow_with_the_rows(desk_client, online):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("records_ui:box", kwargs={"box": Inbox.TO_RECEIVE.value})
    online("Người nộp đầu tiên")
    desk_client.get(url)  # warm the per-process caches (calendar) first
    with CaptureQueriesContext(connection) as one:
        desk_client.get(url)
    for n in range(PAGE_SIZE):
        online(f"Người nộp {n}")
    with CaptureQueriesContext(connection) as full:
        desk_client.get(url)
    assert len(full) == len(one), [q["sql"] for q in full.captured_queries]
