"""The national forms as PDFs: fields, Vietnamese text, fonts, page size, QR code, offline rendering.

Every form is written to test-artifacts/forms/ so a person can look at what the tests read."""

import datetime as dt
import io
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from motcua.documents.forms import Paper, render_form
from motcua.documents.forms.content import timeliness
from motcua.documents.forms.formatting import money, place_date_line, vn_datetime
from motcua.documents.forms.render import FONT_DIR, OfflineFetcher
from motcua.records.lifecycle import Form
from motcua.records.timeliness import Timeliness

from . import samples

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "forms"
A4 = (595.28, 841.89)  # points


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[Paper, bytes, str]]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, make in samples.ALL.items():
        paper = make()
        pdf = render_form(paper)
        (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
        reader = PdfReader(io.BytesIO(pdf))
        text = _nfc("\n".join(page.extract_text() for page in reader.pages))
        out[name] = (paper, pdf, " ".join(text.split()))
    return out


def test_one_sample_per_form():
    assert sorted(make().form for make in samples.ALL.values()) == list(Form)


@pytest.mark.parametrize("name", list(samples.ALL))
def test_every_form_has_the_national_header_title_and_date_line(rendered, name):
    paper, _pdf, text = rendered[name]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert paper.issuer.name.upper() in text
    assert paper.title.upper() in text
    assert place_date_line(paper.issuer.place, paper.issued_on) in text
    if paper.number:
        assert f"Số: {paper.number}" in text


@pytest.mark.parametrize("name", [n for n in samples.ALL if n != "mau07"])
def test_record_forms_name_the_record_and_the_applicant_with_diacritics(rendered, name):
    paper, _pdf, text = rendered[name]
    assert paper.record_code in text
    assert "Nguyễn Thị Ánh Tuyết" in text  # ễ, ị, Á, ế survive the round trip, NFC
    assert "Đăng ký thành lập hộ kinh doanh" in text


def test_receipt_fields(rendered):
    paper, _pdf, text = rendered["mau01"]
    assert "Mã hồ sơ: H15.50.05.13-261008-0975" in text
    assert f"Thời gian nhận hồ sơ: {vn_datetime(paper.received_at)}" in text
    assert "09 giờ 15 phút, ngày 08/10/2026" in text
    assert "16 giờ 30 phút, ngày 13/10/2026" in text
    for component in paper.components:
        assert component.name in text
    assert "1.234.567 đ" in text
    assert f"Tổng cộng: {money(paper.total_fee)}" in text
    assert paper.counting_note in text


def test_supplement_and_refusal_list_every_item(rendered):
    paper, _pdf, text = rendered["mau02"]
    for item in paper.items:
        assert item.document in text
        assert item.reason in text
    paper, _pdf, text = rendered["mau03"]
    for reason in paper.reasons:
        assert reason in text


def test_apology_gives_old_and_new_dates_and_stop_notice_the_reason(rendered):
    paper, _pdf, text = rendered["mau04"]
    assert vn_datetime(paper.due_at) in text
    assert vn_datetime(paper.new_due_at) in text
    assert paper.reason in text
    paper, _pdf, text = rendered["mau05"]
    assert "kể từ ngày 10/10/2026" in text
    assert paper.reason in text


def test_control_sheet_classifies_each_handover(rendered):
    paper, _pdf, text = rendered["mau06"]
    assert [h.timeliness for h in paper.handovers] == [Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE]
    for label in ("Trước hạn", "Đúng hạn", "Quá hạn"):
        assert label in text
    assert "Phạm Quốc Việt" in text


def test_register_lists_the_period_and_its_records(rendered):
    paper, _pdf, text = rendered["mau07"]
    assert "Từ ngày 01/10/2026 đến ngày 31/10/2026" in text
    for row in paper.rows:
        assert row.record_code in text
    assert "Đặng Thùy Dương" in text


@pytest.mark.parametrize("name", list(samples.ALL))
def test_pages_are_a4_and_use_the_embedded_times_metric_serif(rendered, name):
    _paper, pdf, _text = rendered[name]
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
    assert size == pytest.approx(sorted(A4), abs=1)
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        embedded = descriptor["/FontFile2"].get_object().get_data()
        # The subset keeps the font's name table (UTF-16BE): it is the Liberation file, not a fallback.
        assert "Liberation Serif".encode("utf-16-be") in embedded, font["/BaseFont"]


def test_register_is_landscape_and_the_others_portrait(rendered):
    for name, (_paper, pdf, _text) in rendered.items():
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        assert (box.width > box.height) == (name == "mau07"), name


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="cần pdftoppm (poppler-utils) và zbarimg (zbar-tools): scripts/test.sh cài đặt",
)
@pytest.mark.parametrize("name", list(samples.ALL))
def test_qr_code_on_the_printed_page_carries_the_record_code(rendered, name, tmp_path):
    paper, pdf, _text = rendered[name]
    source = tmp_path / "form.pdf"
    source.write_bytes(pdf)
    # Only the top-left corner, where the QR code must be.
    subprocess.run(
        [
            "pdftoppm",
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
            str(source),
            str(tmp_path / "corner"),
        ],
        check=True,
    )
    decoded = (
        subprocess.run(
            ["zbarimg", "--raw", "-q", "-Sbinary", str(tmp_path / "corner.png")],
            check=True,
            capture_output=True,
        )
        .stdout.decode("utf-8")
        .strip()
    )
    assert _nfc(decoded) == paper.qr_payload()
    if name != "mau07":
        assert f"MaHoSo: {paper.record_code}" in decoded
        assert f"SoGiayToChuHoSo: {paper.applicant.id_number}" in decoded
        assert f"MaTTHC: {paper.procedure_code}" in decoded


def test_rendering_fetches_nothing_from_the_network_or_outside_the_fonts():
    fetcher = OfflineFetcher()
    for url in ("https://cdn.example.com/font.ttf", "http://10.0.0.1/logo.png", "ftp://x/y"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher.fetch((FONT_DIR / ".." / ".." / ".." / ".." / "etc" / "hostname").as_uri())


def test_a_render_takes_seconds_at_most(rendered):
    paper = samples.control_sheet()
    start = time.perf_counter()
    render_form(paper)
    # ≈0.3 s on an idle 2-core machine; the bound leaves room for a loaded CI runner.
    assert time.perf_counter() - start < 4.0


@pytest.mark.parametrize(
    ("done", "due", "expected"),
    [
        (samples.at(12, 17), samples.at(13, 8), Timeliness.EARLY),
        (samples.at(13, 16, 30), samples.at(13, 16, 30), Timeliness.ON_TIME),
        (samples.at(13, 16, 31), samples.at(13, 16, 30), Timeliness.LATE),
    ],
)
def test_early_on_time_late(done, due, expected):
    assert timeliness(done, due) == expected


def test_money_and_date_line_formats():
    assert money(1_234_567) == "1.234.567 đ"
    assert money(0) == "0 đ"
    assert place_date_line("Vạn Hưng", dt.date(2026, 2, 5)) == "Vạn Hưng, ngày 05 tháng 02 năm 2026"
    assert place_date_line("Nha Trang", dt.date(2026, 10, 18)) == "Nha Trang, ngày 18 tháng 10 năm 2026"
    assert place_date_line("Nha Trang", dt.date(2026, 3, 1)) == "Nha Trang, ngày 01 tháng 3 năm 2026"


def test_user_text_is_escaped_not_interpreted(rendered):
    from dataclasses import replace

    paper = replace(samples.intake_refusal(), reasons=('<img src="https://evil.example/x.png"> & <b>',))
    reader = PdfReader(io.BytesIO(render_form(paper)))
    text = _nfc(reader.pages[0].extract_text())
    assert '<img src="https://evil.example/x.png"> & <b>' in " ".join(text.split())
