"""The record page's 'supplement received' action takes the scanned papers; they are listed
under that supplement round; a wrong or oversized file is refused in Vietnamese, nothing written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.records import attachments
from motcua.records.lifecycle import Action, State
from motcua.records.models import RecordAttachment
from motcua.records.services import Applicant, record_intake_at_counter, record_perform

PDF = b"%PDF-1.4\n% giay to bo sung\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
PREFIX = Action.SUPPLEMENT_RECEIVED.value


@pytest.fixture
def waiting(procedure, van_hung, staff, applicant):
    record = record_intake_at_counter(
        procedure=procedure, agency=van_hung, applicant=applicant, actor=staff["desk"]
    )
    return record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["desk"],
        missing=["Bản sao giấy khai sinh"],
    )


def _post(client, record, *files):
    url = reverse("records_ui:action", kwargs={"pk": record.pk, "action": PREFIX})
    return client.post(url, {f"{PREFIX}-version": record.version, f"{PREFIX}-files": list(files)})


def _snapshot(record):
    record.refresh_from_db()
    return (record.state, record.version, record.events.count(), RecordAttachment.objects.count())


def test_page_offers_a_multipart_file_input_for_the_supplement(desk_client, waiting):
    page = desk_client.get(reverse("records_ui:record", kwargs={"pk": waiting.pk})).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert f'name="{PREFIX}-files"' in page and "multiple" in page


def test_files_are_saved_and_listed_under_the_supplement_round(desk_client, waiting):
    response = _post(
        desk_client,
        waiting,
        SimpleUploadedFile("giay-khai-sinh.pdf", PDF),
        SimpleUploadedFile("so-ho-khau.jpg", JPEG),
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == State.IN_PROGRESS
    assert sorted(RecordAttachment.objects.values_list("name", "content_type")) == [
        ("giay-khai-sinh.pdf", "application/pdf"),
        ("so-ho-khau.jpg", "image/jpeg"),
    ]
    page = desk_client.get(response.url).content.decode()
    # In the timeline, after "Nhận hồ sơ bổ sung" and before the end of that event's entry.
    timeline = page.split('class="rec-timeline"', 1)[1]
    entry = timeline.split("Nhận hồ sơ bổ sung", 1)[1].split("</li>\n", 1)[0]
    assert "Tệp bổ sung:" in entry and "giay-khai-sinh.pdf" in entry and "so-ho-khau.jpg" in entry


def test_a_file_opens_in_the_browser_for_its_unit_only(desk_client, waiting, client, staff, van_thang):
    from motcua.accounts.models import Role
    from tests.factories import UserFactory, grant

    _post(desk_client, waiting, SimpleUploadedFile("giay-khai-sinh.pdf", PDF))
    attachment = RecordAttachment.objects.get()
    page = desk_client.get(reverse("records_ui:record", kwargs={"pk": waiting.pk})).content.decode()
    url = reverse("records_ui:attachment", kwargs={"pk": waiting.pk, "file_pk": attachment.pk})
    assert (
        f'href="{url}"' in page and 'giay-khai-sinh.pdf</a> <span class="muted">· 27\xa0byte · PDF ·' in page
    )
    opened = desk_client.get(url)
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == PDF
    assert opened["Content-Type"] == "application/pdf" and opened["Content-Disposition"].startswith("inline")
    assert opened["X-Content-Type-Options"] == "nosniff"
    other = UserFactory(username="motcua.vanthang")
    grant(other, Role.DESK_OFFICER, van_thang.unit)
    client.force_login(other)
    assert client.get(url).status_code == 404  # another commune's file
    assert "Content-Security-Policy" not in opened  # a sandboxed PDF shows blank in the browsers' viewers
    # Another record's file through this record's address: not found, though both are visible.
    desk_client.force_login(staff["desk"])  # the same client as `client`, logged in as Vạn Thắng above
    other_record = record_intake_at_counter(
        procedure=waiting.procedure,
        agency=waiting.agency,
        applicant=Applicant(name="Trần Văn Bình"),
        actor=staff["desk"],
    )
    other_file = attachments.attach_files(
        record=other_record, uploads=[(None, SimpleUploadedFile("anh.jpg", JPEG))], actor=staff["desk"]
    )[0]
    assert desk_client.get(reverse("records_ui:record", kwargs={"pk": other_record.pk})).status_code == 200
    crossed = reverse("records_ui:attachment", kwargs={"pk": waiting.pk, "file_pk": other_file.pk})
    assert desk_client.get(crossed).status_code == 404
    image = desk_client.get(
        reverse("records_ui:attachment", kwargs={"pk": other_record.pk, "file_pk": other_file.pk})
    )
    assert image["Content-Security-Policy"] == "sandbox"


def test_wrong_type_is_refused_with_a_message_and_nothing_written(desk_client, waiting):
    before = _snapshot(waiting)
    response = _post(
        desk_client,
        waiting,
        SimpleUploadedFile("giay-khai-sinh.pdf", PDF),
        SimpleUploadedFile("ghi-chu.docx", b"PK\x03\x04 word"),
    )
    assert response.status_code == 400
    assert "Tệp “ghi-chu.docx” không phải PDF hoặc ảnh (PNG, JPEG, TIFF)." in response.content.decode()
    assert _snapshot(waiting) == before


def test_too_big_is_refused_with_a_message_and_nothing_written(desk_client, waiting, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_BYTES", 1024 * 1024)
    before = _snapshot(waiting)
    big = SimpleUploadedFile("ban-scan.pdf", PDF + b"0" * (1024 * 1024))
    response = _post(desk_client, waiting, big)
    assert response.status_code == 400
    assert "Tệp “ban-scan.pdf” lớn hơn 1 MB." in response.content.decode()
    assert _snapshot(waiting) == before
