"""Officers download the national forms of a real record as PDFs, and the register of their agency.

Each PDF is written to test-artifacts/forms/record-*.pdf so a person can look at what was read."""

import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from motcua.documents.forms.formatting import vn_datetime, vn_short_datetime
from motcua.records.lifecycle import Form
from tests.factories import UserFactory, grant
from tests.records import conftest as records_fixtures
from tests.records.walks import (
    EXTEND_REASON,
    SUPPLEMENT_MISSING,
    SUPPLEMENT_REASON,
    full_walk,
    refused_at_intake,
    stopped,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "forms"
# The records tests' world: xã Vạn Hưng and xã Vạn Thắng, their staff, one procedure.
province = records_fixtures.province
van_hung = records_fixtures.van_hung
van_thang = records_fixtures.van_thang
procedure = records_fixtures.procedure
staff = records_fixtures.staff
applicant = records_fixtures.applicant
REFUSAL = "Ngành nghề đăng ký thuộc danh mục cấm kinh doanh"
STOP = "Phát hiện giấy tờ giả mạo trong hồ sơ"


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages)).split())


def _download(client, record, form: Form, *, keep: str = ""):
    response = client.get(
        reverse("workspace_forms:record-form", kwargs={"pk": record.pk, "form": form.value})
    )
    if response.status_code == 200 and keep:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"record-{keep}.pdf").write_bytes(response.content)
    return response


@pytest.fixture
def records(procedure, van_hung, staff, applicant):
    return {
        "walked": full_walk(procedure, van_hung, staff, applicant),
        "refused": refused_at_intake(procedure, van_hung, staff, applicant, REFUSAL),
        "stopped": stopped(procedure, van_hung, staff, applicant, STOP),
    }


@pytest.fixture
def desk_client(client, staff):
    client.force_login(staff["desk"])
    return client


def test_every_issued_form_downloads_as_a_pdf_with_the_record_fields(desk_client, records, staff):
    walked = records["walked"]
    texts = {}
    for name, record, form in [
        ("mau01", walked, Form.M01),
        ("mau02", walked, Form.M02),
        ("mau03", records["refused"], Form.M03),
        ("mau04", walked, Form.M04),
        ("mau05", records["stopped"], Form.M05),
        ("mau06", walked, Form.M06),
    ]:
        response = _download(desk_client, record, form, keep=name)
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'inline; filename="{record.code}-{form.value}.pdf"'
        texts[name] = text = _text(response.content)
        assert record.code in text, name
        assert "Nguyễn Thị Ánh" in text, name
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text, name

    # Mẫu 01: received, and the appointment given that day.
    assert f"Thời gian nhận hồ sơ: {vn_datetime(walked.received_at)}" in texts["mau01"]
    assert "09 giờ 00 phút, ngày 02/03/2026" in texts["mau01"]
    assert f"Thời gian trả kết quả giải quyết hồ sơ: {vn_datetime(walked.original_due_at)}" in texts["mau01"]
    assert "1.234.567 đ" in texts["mau01"]  # the procedure's fee
    # Mẫu 02: every missing item and the reason.
    for item in SUPPLEMENT_MISSING:
        assert item in texts["mau02"]
    assert SUPPLEMENT_REASON in texts["mau02"]
    # Mẫu 03, 05: the reasons.
    assert REFUSAL in texts["mau03"]
    assert STOP in texts["mau05"] and "kể từ ngày 06/03/2026" in texts["mau05"]
    # Mẫu 04: the date replaced (after the supplement restart) and the new one.
    assert "17 giờ 00 phút, ngày 13/03/2026" in texts["mau04"]
    assert f"hẹn trả kết quả vào: {vn_datetime(walked.due_at)}" in texts["mau04"]
    assert "18/03/2026" in texts["mau04"]
    assert EXTEND_REASON in texts["mau04"]
    # Mẫu 06: every hand-over with its step deadline and its verdict.
    sheet = texts["mau06"]
    steps = list(walked.steps.order_by("started_at", "pk"))
    for step in steps:
        assert vn_short_datetime(step.due_at) in sheet
    assert str(staff["specialist"]) in sheet
    assert sheet.count("Đúng hạn") >= 2 + 1  # two lines, plus the legend
    assert sheet.count("Quá hạn") >= 1 + 1


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="cần pdftoppm (poppler-utils) và zbarimg (zbar-tools): scripts/test.sh cài đặt",
)
def test_the_qr_code_of_a_real_receipt_carries_the_record_code(desk_client, records, tmp_path):
    walked = records["walked"]
    (tmp_path / "m01.pdf").write_bytes(_download(desk_client, walked, Form.M01).content)
    corner = [
        "-png",
        "-r",
        "150",
        "-f",
        "1",
        "-l",
        "1",
        "-x",
        "0",
        "-y",
        "0",
        "-W",
        "400",
        "-H",
        "400",
        "-singlefile",
    ]  # QR: top left
    subprocess.run(
        ["pdftoppm", *corner, str(tmp_path / "m01.pdf"), str(tmp_path / "corner")],
        check=True,
    )
    decoded = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sbinary", str(tmp_path / "corner.png")], check=True, capture_output=True
    ).stdout.decode("utf-8")
    assert f"MaHoSo: {walked.code}" in decoded
    assert f"SoGiayToChuHoSo: {walked.applicant_id_number}" in decoded


def test_a_form_the_record_never_issued_is_a_vietnamese_404(desk_client, records):
    response = _download(desk_client, records["walked"], Form.M03)
    assert response.status_code == 404
    assert "chưa được lập Mẫu 03" in response.content.decode()
    assert _download(desk_client, records["refused"], Form.M01).status_code == 404
    assert _download(desk_client, records["refused"], Form.M06).status_code == 404
    url = reverse("workspace_forms:record-form", kwargs={"pk": records["walked"].pk, "form": "M07"})
    assert desk_client.get(url).status_code == 404


def test_another_communes_officer_gets_404(client, records, van_thang):
    outsider = UserFactory(username="vanthang.desk")
    grant(outsider, "desk", van_thang.unit)
    client.force_login(outsider)
    response = _download(client, records["walked"], Form.M01)
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, records):
    response = _download(client, records["walked"], Form.M01)
    assert response.status_code == 302


def _register(client, agency_code: str, **params):
    return client.get(reverse("workspace_forms:register", kwargs={"agency_code": agency_code}), params)


def test_register_of_the_agency_for_a_period(desk_client, records, van_hung):
    response = _register(desk_client, van_hung.code, tu="01/03/2026", den="31/03/2026")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "record-mau07.pdf").write_bytes(response.content)
    text = _text(response.content)
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert records["walked"].code in text and records["stopped"].code in text
    assert records["refused"].code not in text  # refused at intake: never received
    assert STOP in text
    narrow = _text(_register(desk_client, van_hung.code, tu="03/03/2026", den="04/03/2026").content)
    assert records["walked"].code not in narrow


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tu": "31/02/2026", "den": "31/03/2026"}, "không phải ngày hợp lệ"),
        ({"tu": "2026-03-01", "den": "31/03/2026"}, "dd/mm/yyyy"),
        ({"tu": "<script>", "den": "31/03/2026"}, "không phải ngày hợp lệ"),
        ({"tu": "31/03/2026", "den": "01/03/2026"}, "Ngày bắt đầu phải trước"),
        ({"tu": "01/01/2024", "den": "31/03/2026"}, "tối đa"),
    ],
)
def test_register_bad_dates_get_a_vietnamese_400(desk_client, van_hung, params, message):
    response = _register(desk_client, van_hung.code, **params)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "<script>" not in body


def test_register_of_an_agency_outside_the_scope_is_404(desk_client, van_thang):
    assert _register(desk_client, van_thang.code, tu="01/03/2026", den="31/03/2026").status_code == 404
    assert _register(desk_client, "H99.99.99", tu="01/03/2026", den="31/03/2026").status_code == 404
