"""Files brought with a supplement: checked like counter intake (first bytes, size), stored with
the record, listed on the 'supplement received' event; a bad file writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.records import attachments
from motcua.records.errors import InvalidRecordInput
from motcua.records.lifecycle import Action, State
from motcua.records.models import RecordAttachment, RecordEvent
from motcua.records.services import record_intake_at_counter, record_perform

from .conftest import local

PDF = b"%PDF-1.4\n% giay to bo sung\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def waiting(procedure, van_hung, staff, applicant):
    record = record_intake_at_counter(
        procedure=procedure,
        agency=van_hung,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 9, 0),
    )
    return record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["desk"],
        missing=["Bản sao giấy khai sinh"],
        at=local(2026, 3, 3, 9, 0),
    )


def _snapshot(record):
    record.refresh_from_db()
    return (
        record.state,
        record.version,
        record.due_at,
        record.events.count(),
        RecordAttachment.objects.count(),
    )


def test_supplement_files_are_stored_and_listed_on_the_event(waiting, staff):
    uploads = [
        SimpleUploadedFile("giay-khai-sinh.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("anh-chup.png", PNG, content_type="image/png"),
    ]
    at = local(2026, 3, 5, 8, 0)
    record = record_perform(
        record=waiting, action=Action.SUPPLEMENT_RECEIVED, actor=staff["desk"], at=at, files=uploads
    )
    assert record.state == State.IN_PROGRESS
    saved = list(RecordAttachment.objects.filter(record=record).order_by("pk"))
    assert [(a.name, a.content_type, a.size) for a in saved] == [
        ("giay-khai-sinh.pdf", "application/pdf", len(PDF)),
        ("anh-chup.png", "image/png", len(PNG)),
    ]
    assert all(a.uploaded_by == staff["desk"] and a.uploaded_at == at for a in saved)
    event = RecordEvent.objects.get(record=record, action=Action.SUPPLEMENT_RECEIVED)
    assert event.detail["files"] == [a.pk for a in saved]


def test_supplement_without_files_still_completes(waiting, staff):
    record = record_perform(record=waiting, action=Action.SUPPLEMENT_RECEIVED, actor=staff["desk"])
    assert record.state == State.IN_PROGRESS
    assert "files" not in record.events.get(action=Action.SUPPLEMENT_RECEIVED).detail
    assert not RecordAttachment.objects.exists()


def test_wrong_type_among_good_files_writes_nothing(waiting, staff):
    before = _snapshot(waiting)
    uploads = [
        SimpleUploadedFile("giay-khai-sinh.pdf", PDF),
        SimpleUploadedFile("ghi-chu.docx", b"PK\x03\x04 word document"),  # named like a doc, is a zip
    ]
    with pytest.raises(InvalidRecordInput) as raised:
        record_perform(record=waiting, action=Action.SUPPLEMENT_RECEIVED, actor=staff["desk"], files=uploads)
    assert raised.value.code == "file-type" and "ghi-chu.docx" in raised.value.message
    assert _snapshot(waiting) == before  # still waiting, same version, no event, no file


def test_a_pdf_name_does_not_make_a_pdf(waiting, staff):
    with pytest.raises(InvalidRecordInput) as raised:
        record_perform(
            record=waiting,
            action=Action.SUPPLEMENT_RECEIVED,
            actor=staff["desk"],
            files=[SimpleUploadedFile("scan.pdf", b"<html>not a scan</html>")],
        )
    assert raised.value.code == "file-type"


def test_too_big_writes_nothing(waiting, staff, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_BYTES", len(PDF) - 1)
    before = _snapshot(waiting)
    with pytest.raises(InvalidRecordInput) as raised:
        record_perform(
            record=waiting,
            action=Action.SUPPLEMENT_RECEIVED,
            actor=staff["desk"],
            files=[SimpleUploadedFile("giay-khai-sinh.pdf", PDF)],
        )
    assert raised.value.code == "file-too-large"
    assert _snapshot(waiting) == before
