"""The applicant hears, after commit, that their record was received, needs a supplement, has its
result ready, was returned: an SMS (strictly checked test-double gateway) and an e-mail (locmem)."""

import datetime as dt
import unicodedata

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.records.lifecycle import Action
from motcua.records.notify import sms
from motcua.records.notify.gateways import gateway, recording
from motcua.records.services import Applicant, record_intake_at_counter, record_perform

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
NGUYEN = Applicant(name="Nguyễn Thị Ánh", phone="0905 123 456", email="anh.nguyen@example.vn")


@pytest.fixture(autouse=True)
def _gateway(settings):
    settings.TASKS = IMMEDIATE
    settings.MOTCUA_SMS_GATEWAY = "recording"
    recording.outbox.clear()
    yield
    recording.outbox.clear()


def _intake(procedure, van_hung, staff, applicant=NGUYEN):
    return record_intake_at_counter(
        procedure=procedure, agency=van_hung, applicant=applicant, actor=staff["desk"]
    )


def test_receipt_sends_sms_and_email_after_commit(
    procedure, van_hung, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record = _intake(procedure, van_hung, staff)
    assert recording.outbox == [] and mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    due = timezone.localtime(record.due_at).strftime("%H:%M %d/%m/%Y")
    [message] = recording.outbox
    assert message.phone == "+84905123456" and message.reference == record.code
    assert message.text == f"Hồ sơ {record.code} đã được tiếp nhận. Hẹn trả kết quả: {due}."
    [email] = mail.outbox
    assert email.to == ["anh.nguyen@example.vn"]
    assert email.subject == f"[Một cửa] Hồ sơ {record.code}: đã tiếp nhận"
    assert "Kính gửi ông/bà Nguyễn Thị Ánh" in email.body and f"Hẹn trả kết quả: {due}" in email.body
    assert procedure.name in email.body


def test_whole_walk_sends_one_message_per_step_the_applicant_cares_about(
    procedure, van_hung, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = _intake(procedure, van_hung, staff)
        record = record_perform(
            record=record, action=Action.ASSIGN, actor=staff["desk"], to_user=staff["specialist"]
        )
        record = record_perform(
            record=record,
            action=Action.REQUEST_SUPPLEMENT,
            actor=staff["specialist"],
            missing=["Bản sao giấy khai sinh", "Ảnh 4x6"],
        )
        record = record_perform(record=record, action=Action.SUPPLEMENT_RECEIVED, actor=staff["desk"])
        record = record_perform(record=record, action=Action.APPROVE, actor=staff["leader"])
        record = record_perform(record=record, action=Action.RETURN_RESULT, actor=staff["desk"])
    # receive, supplement, result ready, returned — not assign nor supplement received
    texts = [m.text for m in recording.outbox]
    assert len(texts) == 4 and all(record.code in t for t in texts)
    assert "cần bổ sung" in texts[1] and "đã có kết quả" in texts[2] and "đã được trả kết quả" in texts[3]
    subjects = [e.subject.split(": ", 1)[1] for e in mail.outbox]
    assert subjects == ["đã tiếp nhận", "cần bổ sung giấy tờ", "đã có kết quả", "đã trả kết quả"]
    assert "- Bản sao giấy khai sinh\n- Ảnh 4x6" in mail.outbox[1].body


def test_rolled_back_change_sends_nothing(procedure, van_hung, staff, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _intake(procedure, van_hung, staff)
        raise RuntimeError("the counter PC lost power")
    assert callbacks == []
    assert recording.outbox == [] and mail.outbox == []


def test_no_phone_and_no_email_queues_nothing(procedure, van_hung, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # (other packages' callbacks run too)
        _intake(procedure, van_hung, staff, Applicant(name="Trần Văn Bình"))
    assert recording.outbox == [] and mail.outbox == []


def test_landline_gets_no_sms_but_email_still_goes(
    procedure, van_hung, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _intake(
            procedure,
            van_hung,
            staff,
            Applicant(name="Lê Văn Cường", phone="02583822123", email="c@example.vn"),
        )
    assert recording.outbox == [] and [e.to for e in mail.outbox] == [["c@example.vn"]]


def test_back_dated_history_notifies_nobody(procedure, van_hung, staff, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        record_intake_at_counter(
            procedure=procedure, agency=van_hung, applicant=NGUYEN, actor=staff["desk"], at=long_ago
        )
    assert recording.outbox == [] and mail.outbox == []


def test_with_the_database_queue_the_message_waits_for_a_worker(
    settings, procedure, van_hung, staff, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        record = _intake(procedure, van_hung, staff)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "motcua.records.notify.dispatch.notify_applicant"
    assert queued.args_kwargs["kwargs"] == {"event_id": record.events.get(action=Action.RECEIVE).pk}
    assert recording.outbox == [] and mail.outbox == []


# --- the SMS rule (UCS-2, at most 3 segments of 67) and the strict test gateway ---


@pytest.mark.parametrize(
    ("length", "expected"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
def test_segments_of_a_vietnamese_sms(length, expected):
    assert sms.segments("ệ" * length) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0905123456", "+84905123456"),
        ("0905 123 456", "+84905123456"),
        ("+84 387 654 321", "+84387654321"),
        ("84987654321", "+84987654321"),
        ("02583822123", None),  # landline
        ("0105123456", None),  # no such mobile prefix
        ("090512345", None),  # a digit short
        ("", None),
    ],
)
def test_vietnamese_mobile_numbers(raw, expected):
    assert sms.mobile_number(raw) == expected


@pytest.mark.parametrize(
    ("phone", "text"),
    [
        ("0905123456", "Hồ sơ H56-260101-0001 đã được tiếp nhận."),  # not +84 form
        ("+84905123456", "Ho so H56-260101-0001 da duoc tiep nhan."),  # no diacritics
        ("+84905123456", "Hồ sơ đã được tiếp nhận."),  # no record code
        ("+84905123456", unicodedata.normalize("NFD", "Hồ sơ H56-260101-0001 đã được tiếp nhận.")),
        ("+84905123456", "Hồ sơ H56-260101-0001 " + "ệ" * 180),  # 4 segments
    ],
)
def test_strict_gateway_refuses_bad_messages(phone, text):
    with pytest.raises(sms.InvalidSms):
        gateway().send(phone=phone, text=text, reference="H56-260101-0001")
    assert recording.outbox == []
