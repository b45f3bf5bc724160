"""A record's whole life through the staff pages in a real browser: counter intake → assign →
supplement round → approve → return, with screenshots on desktop and phone widths."""

import re

import pytest

from motcua.accounts.models import Role
from motcua.records.lifecycle import State
from motcua.records.models import Record
from tests.accounts.fixtures import _fast_password_hashing  # noqa: F401
from tests.catalog.factories import make_procedure
from tests.factories import (
    AgencyFactory,
    CommuneFactory,
    OfferingFactory,
    ProvinceFactory,
    UserFactory,
    grant,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-demo-2025"
PDF = b"%PDF-1.4\n% ho so thu nghiem\n"
INSTANT = re.compile(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}")


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    agency = AgencyFactory(
        code="H56.57.01",
        name="UBND xã Vạn Hưng",
        unit=CommuneFactory(name="Xã Vạn Hưng", parent=ProvinceFactory()),
    )
    people = {}
    for role, username, name in (
        (Role.DESK_OFFICER, "motcua.vanhung", "Trần Thị Hương"),
        (Role.SPECIALIST, "chuyenvien.vanhung", "Lê Văn Đạt"),
        (Role.LEADER, "lanhdao.vanhung", "Phạm Quốc Việt"),
    ):
        people[role.value] = UserFactory(username=username, full_name=name)
        grant(people[role.value], role, agency.unit)
    procedure = make_procedure()
    OfferingFactory(procedure=procedure, agency=agency, valid_from=None)  # intake takes offered ones only
    return {"agency": agency, "procedure": procedure, "people": people}


def _as(page, login, user) -> None:
    page.context.clear_cookies()
    login(page, user.username, PASSWORD)


def _act(page, label: str, fill: dict[str, str] | None = None, select: dict[str, str] | None = None) -> None:
    details = page.locator("details.rec-action", has=page.locator("summary", has_text=label))
    details.locator("summary").click()
    for name, value in (fill or {}).items():
        details.locator(f"[name$='-{name}']").fill(value)
    for name, value in (select or {}).items():
        details.locator(f"[name$='-{name}']").select_option(label=value)
    details.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_counter_intake_to_returned_result(page, phone_page, login, screenshot, world, tmp_path):
    people = world["people"]
    scan = tmp_path / "don-de-nghi.pdf"
    scan.write_bytes(PDF)

    # Counter intake: find the procedure without diacritics, fill the applicant, tick and scan.
    _as(page, login, people["desk"])
    page.goto(f"{page.base_url}/can-bo/ho-so/tiep-nhan/")
    page.fill("#id_tim", "ho kinh doanh")
    page.get_by_role("button", name="Tìm thủ tục").click()
    page.get_by_role("button", name=re.compile("Đăng ký thành lập hộ kinh doanh")).click()
    page.fill("#id_name", "Nguyễn Thị Ánh")
    page.fill("#id_id_number", "056190001234")
    page.fill("#id_phone", "0905123456")
    page.locator(".rec-checklist input[type=checkbox]").first.check()
    page.locator(".rec-checklist input[type=file]").first.set_input_files(str(scan))
    screenshot(page, "01-intake-form")
    page.get_by_role("button", name="Tiếp nhận và lập Giấy tiếp nhận (Mẫu 01)").click()
    page.wait_for_load_state("networkidle")
    record = Record.objects.get()
    assert record.state == State.RECEIVED
    body = page.inner_text("main")
    assert f"Đã tiếp nhận hồ sơ {record.code}" in body
    assert "don-de-nghi.pdf" in body
    receipt = page.get_by_role("link", name=re.compile("^Mẫu 01"))
    assert receipt.get_attribute("href").endswith(f"/ho-so/{record.pk}/M01.pdf")
    assert INSTANT.search(body)  # instants print as H:i d/m/Y
    screenshot(page, "02-record-received")

    _act(page, "Phân công xử lý", select={"to_user": "Lê Văn Đạt — Chuyên viên"})
    assert "Đang xử lý" in page.inner_text(".rec-head")

    # The specialist asks for a missing document: Mẫu 02, the record waits for the applicant.
    _as(page, login, people["specialist"])
    page.goto(f"{page.base_url}/can-bo/ho-so/")
    screenshot(page, "03-specialist-inbox")
    page.get_by_role("link", name=record.code).click()
    _act(page, "Yêu cầu bổ sung, hoàn thiện hồ sơ", fill={"missing": "Bản sao hợp đồng thuê nhà"})
    assert "Yêu cầu bổ sung hồ sơ" in page.inner_text(".rec-head")
    assert "Bản sao hợp đồng thuê nhà" in page.inner_text(".rec-timeline")

    # The desk takes the supplement in; the leader approves; the desk returns the result.
    _as(page, login, people["desk"])
    page.goto(f"{page.base_url}/can-bo/ho-so/hop/cho-bo-sung/")
    screenshot(page, "04-desk-waiting-box")
    page.get_by_role("link", name=record.code).click()
    scan = tmp_path / "hop-dong-thue-nha.pdf"
    scan.write_bytes(PDF)
    details = page.locator("details.rec-action", has=page.locator("summary", has_text="Nhận hồ sơ bổ sung"))
    details.locator("summary").click()
    details.locator("[name$='-files']").set_input_files(str(scan))  # the scanned supplement
    details.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "Đang xử lý" in page.inner_text(".rec-head")
    assert "hop-dong-thue-nha.pdf" in page.inner_text(".rec-timeline")
    screenshot(page, "04b-supplement-with-files")

    _as(page, login, people["leader"])
    page.goto(f"{page.base_url}/can-bo/ho-so/{record.pk}/")
    screenshot(page, "05-leader-record")
    _act(page, "Xin lỗi và hẹn lại ngày trả", fill={"new_due_on": "32/13/2026", "reason": "Chờ xác minh"})
    assert "Ngày không hợp lệ" in page.inner_text(".rec-actions")
    assert page.input_value("[name='extend-new_due_on']") == "32/13/2026"
    screenshot(page, "05b-extend-malformed-date")
    _act(page, "Phê duyệt kết quả")
    assert "Đã xử lý xong" in page.inner_text(".rec-head")

    _as(page, login, people["desk"])
    page.goto(f"{page.base_url}/can-bo/ho-so/hop/tra-ket-qua/")
    page.get_by_role("link", name=record.code).click()
    _act(page, "Trả kết quả")
    record.refresh_from_db()
    assert record.state == State.RETURNED
    assert "Đã trả kết quả" in page.inner_text(".rec-head")
    assert "Bạn không có thao tác nào" in page.inner_text(".rec-actions")
    screenshot(page, "06-record-returned")

    # The same pages on a phone.
    _as(phone_page, login, people["desk"])
    for name, path in (
        ("07-phone-record", f"/can-bo/ho-so/{record.pk}/"),
        ("08-phone-inbox", "/can-bo/ho-so/hop/dang-xu-ly/?sap-xep=han"),
        ("09-phone-intake", f"/can-bo/ho-so/tiep-nhan/?ma={world['procedure'].code}"),
    ):
        phone_page.goto(f"{phone_page.base_url}{path}")
        assert (
            phone_page.evaluate("document.documentElement.scrollWidth") <= phone_page.viewport_size["width"]
        ), name
        screenshot(phone_page, name)
    phone_page.goto(f"{phone_page.base_url}/can-bo/ho-so/tim-kiem/?q=nguyen+thi+anh")
    assert record.code in phone_page.inner_text("main")
    screenshot(phone_page, "10-phone-search")


def test_wrong_file_type_in_the_browser_writes_nothing(page, login, screenshot, world, tmp_path):
    fake = tmp_path / "don.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 64)
    _as(page, login, world["people"]["desk"])
    page.goto(f"{page.base_url}/can-bo/ho-so/tiep-nhan/?ma={world['procedure'].code}")
    page.fill("#id_name", "Nguyễn Thị Ánh")
    page.locator(".rec-checklist input[type=checkbox]").first.check()
    page.locator(".rec-checklist input[type=file]").first.set_input_files(str(fake))
    page.get_by_role("button", name="Tiếp nhận và lập Giấy tiếp nhận (Mẫu 01)").click()
    page.wait_for_load_state("networkidle")
    assert "không phải PDF hoặc ảnh" in page.inner_text("main")
    assert page.input_value("#id_name") == "Nguyễn Thị Ánh"
    assert not Record.objects.exists()
    screenshot(page, "intake-wrong-file")
