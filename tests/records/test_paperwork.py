"""The national forms filled from records that went through the real services."""

import datetime as dt
import io
import unicodedata

import pytest
from pypdf import PdfReader

from motcua.documents.forms import Handover, render_form
from motcua.records import paperwork
from motcua.records.lifecycle import Form
from motcua.records.models import RecordStep
from motcua.records.paperwork import (
    FormNotIssued,
    InvalidPeriod,
    form_content,
    issued_forms,
    issuer_of,
    register_content,
)
from motcua.records.timeliness import Timeliness, classify
from tests.factories import AgencyFactory
from tests.records.conftest import local

from . import walks


@pytest.fixture
def walked(procedure, van_hung, staff, applicant):
    return walks.full_walk(procedure, van_hung, staff, applicant)


def test_a_record_offers_only_the_forms_it_issued(procedure, van_hung, staff, applicant, walked):
    assert issued_forms(walked) == [Form.M01, Form.M02, Form.M04, Form.M06]
    refused = walks.refused_at_intake(procedure, van_hung, staff, applicant, "Không thuộc thẩm quyền")
    assert issued_forms(refused) == [Form.M03]
    stopped = walks.stopped(procedure, van_hung, staff, applicant, "Đề nghị của người nộp")
    assert issued_forms(stopped) == [Form.M01, Form.M05, Form.M06]
    for form in (Form.M03, Form.M05):
        with pytest.raises(FormNotIssued):
            form_content(walked, form)
    with pytest.raises(FormNotIssued):
        form_content(refused, Form.M06)  # never received: no control sheet


def test_receipt_keeps_the_first_appointment_and_the_procedure_facts(walked, procedure, staff):
    receipt = form_content(walked, Form.M01)
    assert receipt.record_code == walked.code
    assert receipt.received_at == local(2026, 3, 2, 9, 0)
    # The receipt states the appointment given that day (3 working days: Tue, Wed, Thu), not
    # the later dates of the supplement and the apology.
    assert receipt.due_at == local(2026, 3, 5, 17, 0) == walked.original_due_at != walked.due_at
    assert receipt.processing_time == procedure.time_by_channel["Trực tiếp"]
    assert [c.name for c in receipt.components] == [c.name for c in procedure.components.all()]
    assert receipt.total_fee == sum(f.amount_vnd for f in procedure.fees.all())
    assert "05/03/2026" in receipt.counting_note  # the derivation of the due date, as on the page
    assert receipt.signer_name == str(staff["desk"])
    assert receipt.issuer.name == walked.receiving_agency.name


def test_supplement_request_lists_every_missing_item_once(walked, staff):
    request = form_content(walked, Form.M02)
    assert [i.document for i in request.items] == walks.SUPPLEMENT_MISSING
    assert {i.reason for i in request.items} == {walks.SUPPLEMENT_REASON}
    assert request.issued_on == dt.date(2026, 3, 3)
    assert request.submitted_on == dt.date(2026, 3, 2)
    assert request.signer_name == str(staff["specialist"])


def test_apology_gives_the_due_date_it_replaces_and_the_new_one(walked, staff):
    apology = form_content(walked, Form.M04)
    # The supplement restarted the 3 working days on 10/03 (Wed, Thu, Fri 13/03).
    assert apology.due_at == local(2026, 3, 13, 17, 0)
    assert apology.new_due_at == walked.due_at
    assert apology.new_due_at.astimezone(local(2026, 1, 1).tzinfo).date() == walks.NEW_DUE_ON
    assert apology.reason == walks.EXTEND_REASON
    assert apology.signer_name == str(staff["leader"])


def test_refusal_and_stop_carry_their_reasons(procedure, van_hung, staff, applicant):
    refused = walks.refused_at_intake(
        procedure, van_hung, staff, applicant, "Ngành nghề thuộc danh mục cấm\nTên hộ kinh doanh bị trùng"
    )
    refusal = form_content(refused, Form.M03)
    assert refusal.reasons == ("Ngành nghề thuộc danh mục cấm", "Tên hộ kinh doanh bị trùng")
    assert refusal.submitted_on == dt.date(2026, 3, 4)
    notice = form_content(walks.stopped(procedure, van_hung, staff, applicant, "Hồ sơ giả mạo"), Form.M05)
    assert (notice.reason, notice.stopped_on, notice.requested_on) == (
        "Hồ sơ giả mạo",
        dt.date(2026, 3, 6),
        None,
    )
    withdrawal = form_content(walks.withdrawn(procedure, van_hung, staff, applicant), Form.M05)
    assert withdrawal.requested_on == withdrawal.stopped_on == dt.date(2026, 3, 6)  # the applicant asked


def _on_the_record_page(step: RecordStep) -> Timeliness:
    # What the record page shows for the step (workspace.records.presenting).
    return classify(due_at=step.due_at, ended_at=step.finished_at, now=step.finished_at)


def test_control_sheet_has_every_handover_judged_against_its_step_deadline(walked, staff):
    sheet = form_content(walked, Form.M06)
    lines: tuple[Handover, ...] = sheet.handovers
    desk, specialist, leader = (str(staff[r]) for r in ("desk", "specialist", "leader"))
    assert [(h.giver.split(" (")[0], h.receiver.split(" (")[0]) for h in lines] == [
        (desk, specialist),  # the one-stop desk passes the dossier on
        (specialist, desk),  # appraised, approved by the leader, back for return
        (desk, walked.applicant_name),  # result returned
    ]
    assert leader in lines[1].note
    steps = list(walked.steps.order_by("started_at", "pk"))
    assert [h.due_at for h in lines] == [s.due_at for s in steps]
    # Reception ends when Mẫu 01 is issued; appraisal at the approval; return when returned.
    assert [h.handed_at for h in lines] == [
        local(2026, 3, 2, 9, 0),
        local(2026, 3, 17, 10, 0),
        local(2026, 3, 17, 15, 0),
    ]
    # Reception handed on the same day, appraisal two weeks after its own deadline.
    assert [h.timeliness for h in lines] == [Timeliness.ON_TIME, Timeliness.LATE, Timeliness.ON_TIME]
    assert [h.timeliness for h in lines] == [_on_the_record_page(s) for s in steps]
    assert sheet.due_at == walked.due_at and sheet.handling_agency == walked.agency.name


def test_control_sheet_marks_steps_handed_on_before_their_deadline_day_as_early(
    procedure, van_hung, staff, applicant
):
    record = walks.quick_walk(procedure, van_hung, staff, applicant)
    lines = form_content(record, Form.M06).handovers
    assert len(lines) == 3
    assert Timeliness.EARLY in {h.timeliness for h in lines}
    for h in lines:
        assert h.handed_at <= h.due_at


def test_a_record_just_received_has_an_empty_control_sheet(procedure, van_hung, staff, applicant):
    from motcua.records.services import record_intake_at_counter

    record = record_intake_at_counter(
        procedure=procedure,
        agency=van_hung,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 9, 0),
    )
    assert form_content(record, Form.M06).handovers == ()


def test_register_lists_the_agency_records_received_in_the_period(
    procedure, van_hung, van_thang, staff, applicant
):
    walked = walks.full_walk(procedure, van_hung, staff, applicant)
    stopped = walks.stopped(procedure, van_hung, staff, applicant, "Hồ sơ giả mạo")
    refused = walks.refused_at_intake(procedure, van_hung, staff, applicant, "Không thuộc thẩm quyền")
    register = register_content(
        van_hung, dt.date(2026, 3, 1), dt.date(2026, 3, 5), today=dt.date(2026, 3, 31)
    )
    assert [r.record_code for r in register.rows] == [walked.code, stopped.code]  # refused: never received
    assert refused.code not in {r.record_code for r in register.rows}
    first, second = register.rows
    assert first.timeliness == classify(
        due_at=walked.due_at, ended_at=walked.finished_at, now=walked.finished_at
    )
    assert second.note == "Dừng xử lý: Hồ sơ giả mạo"
    assert register_content(van_hung, dt.date(2026, 3, 3), dt.date(2026, 3, 4)).rows == ()
    assert register_content(van_thang, dt.date(2026, 3, 1), dt.date(2026, 3, 31)).rows == ()
    assert register.issuer == issuer_of(van_hung)


def test_register_judges_a_record_like_its_page_does(procedure, van_hung, staff, applicant):
    # Finished well before its due date, but asked for supplements twice: the rules count it late.
    record = walks.twice_supplemented(procedure, van_hung, staff, applicant)
    assert record.finished_at < record.due_at and record.supplement_count == 2
    (row,) = register_content(van_hung, dt.date(2026, 3, 1), dt.date(2026, 3, 31)).rows
    assert row.timeliness == Timeliness.LATE == paperwork.record_timeliness(record)


def test_register_too_long_for_one_book_asks_for_a_shorter_period(
    procedure, van_hung, staff, applicant, monkeypatch
):
    walks.full_walk(procedure, van_hung, staff, applicant)
    walks.stopped(procedure, van_hung, staff, applicant, "Hồ sơ giả mạo")
    monkeypatch.setattr(paperwork, "MAX_REGISTER_ROWS", 1)
    with pytest.raises(InvalidPeriod, match="Kỳ này có 2 hồ sơ"):
        register_content(van_hung, dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_register_period_is_checked():
    agency = AgencyFactory.build()
    with pytest.raises(InvalidPeriod):
        register_content(agency, dt.date(2026, 3, 5), dt.date(2026, 3, 1))
    with pytest.raises(InvalidPeriod):
        register_content(agency, dt.date(2025, 1, 1), dt.date(2026, 3, 1))


def test_a_centre_prints_the_committee_it_answers_to(province):
    centre = AgencyFactory(
        code="H56.99", name="Trung tâm Phục vụ hành chính công tỉnh", kind="ttpvhcc", unit=province
    )
    issuer = issuer_of(centre)
    assert (issuer.parent_name, issuer.place) == ("UBND tỉnh Khánh Hòa", "Khánh Hòa")


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ({"Trực tiếp": "1"}, "3 ngày làm việc"),  # a bare number: the time the appointment was counted with
        ({"Trực tiếp": "Không có thông tin"}, "3 ngày làm việc"),
        ({"Trực tiếp": "Trong ngày làm việc"}, "Trong ngày làm việc"),  # published words are kept
    ],
)
def test_the_receipt_never_prints_a_time_without_its_unit(van_hung, staff, applicant, published, expected):
    from motcua.records.services import record_intake_at_counter
    from tests.catalog.factories import make_procedure
    from tests.factories import OfferingFactory

    procedure = make_procedure(
        code="1.001193",
        time={"value": None, "unit": None, "text": "", "by_channel": published},
        fees=[
            {
                "kind": "le_phi",
                "name": "Lệ phí đăng ký khai sinh",
                "amount_vnd": None,
                "rule": "HĐND tỉnh quy định",
            }
        ],
    )
    OfferingFactory(procedure=procedure, agency=van_hung, valid_from=None)
    record = record_intake_at_counter(
        procedure=procedure, agency=van_hung, applicant=applicant, actor=staff["desk"]
    )
    receipt = form_content(record, Form.M01)
    assert receipt.processing_time == expected
    # A fee set by a rule is named, not dropped (the receipt would say "Không thu"), and no total is made up.
    assert [(f.name, f.amount) for f in receipt.fees] == [("Lệ phí đăng ký khai sinh", None)]
    assert receipt.total_fee is None
    text = " ".join(PdfReader(io.BytesIO(render_form(receipt))).pages[0].extract_text().split())
    assert "Lệ phí đăng ký khai sinh: theo mức quy định" in unicodedata.normalize("NFC", text)
    assert "Không thu" not in text and f"{expected}." in unicodedata.normalize("NFC", text)
