"""The search page counts at most `cap` matches: beyond it, "more than …" and a hint to narrow."""

import pytest
from django.urls import reverse

from motcua.records.services import Applicant, record_intake_at_counter
from motcua.workspace.records import views

URL = reverse("records_ui:search")


@pytest.fixture
def five_huongs(procedure, van_hung, staff):
    for i in range(5):
        record_intake_at_counter(
            procedure=procedure,
            agency=van_hung,
            applicant=Applicant(name=f"Nguyễn Thị Hương {i}"),
            actor=staff["desk"],
        )


def test_more_matches_than_the_cap_say_so_and_page_through_the_cap(desk_client, five_huongs, monkeypatch):
    monkeypatch.setattr(views.CappedPaginator, "cap", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    page = desk_client.get(URL, {"q": "thi huong"}).content.decode()
    assert "Hơn 3 hồ sơ — nhập thêm họ tên" in page
    assert "Trang 1/2" in page  # 3 of the 5 reachable, 2 a page
    last = desk_client.get(URL, {"q": "thi huong", "trang": 2}).content.decode()
    assert last.count("Nguyễn Thị Hương") == 1


def test_under_the_cap_the_exact_count_is_shown(desk_client, five_huongs, monkeypatch):
    monkeypatch.setattr(views.CappedPaginator, "cap", 5)
    page = desk_client.get(URL, {"q": "thi huong"}).content.decode()
    assert "5 hồ sơ" in page and "Hơn" not in page
