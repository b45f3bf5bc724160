"""The record page: what it shows, exactly the allowed actions, and every refusal writing nothing."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.records.actors import actors_for
from motcua.records.clock import calendar_of, term_for
from motcua.records.lifecycle import Action, State
from motcua.records.models import Record, RecordEvent
from motcua.records.services import record_intake_at_counter, record_perform
from motcua.records.timeliness import classify
from motcua.workdays import explain
from tests.factories import UserFactory, grant


@pytest.fixture
def record(procedure, van_hung, staff, applicant):
    return record_intake_at_counter(
        procedure=procedure, agency=van_hung, applicant=applicant, actor=staff["desk"]
    )


def _url(record):
    return reverse("records_ui:record", kwargs={"pk": record.pk})


def _act(record, action):
    return reverse("records_ui:action", kwargs={"pk": record.pk, "action": action.value})


def _snapshot(record):
    record.refresh_from_db()
    return (record.state, record.version, record.holder_id, record.due_at, record.events.count())


def test_page_shows_due_date_with_its_explanation_and_timeline(desk_client, record):
    page = desk_client.get(_url(record)).content.decode()
    expected = explain(record.received_at, term_for(record.procedure), calendar_of(record.agency))
    assert expected.splitlines()[0] in page
    assert record.due_at.astimezone(calendar_of(record.agency).tz).strftime("%H:%M %d/%m/%Y") in page
    assert str(Action.RECEIVE.label) in page
    assert "Tiếp nhận hồ sơ" in page  # the first process step and who held it


def test_buttons_are_exactly_the_allowed_actions(client, record, staff):
    client.force_login(staff["desk"])
    page = client.get(_url(record)).content.decode()
    for action in (Action.ASSIGN, Action.TRANSFER, Action.REQUEST_SUPPLEMENT, Action.WITHDRAW):
        assert f'action="{_act(record, action)}"' in page
    assert f'action="{_act(record, Action.APPROVE)}"' not in page
    client.force_login(staff["specialist"])
    page = client.get(_url(record)).content.decode()
    assert f'action="{_act(record, Action.ASSIGN)}"' not in page
    assert f'action="{_act(record, Action.REQUEST_SUPPLEMENT)}"' in page


def test_assignee_choice_is_limited_to_the_agencys_specialists_and_leaders(
    desk_client, record, staff, van_thang
):
    stranger = UserFactory(username="vanthang.specialist", full_name="Người Xã Khác")
    grant(stranger, Role.SPECIALIST, van_thang.unit)
    page = desk_client.get(_url(record)).content.decode()
    assert f'value="{staff["specialist"].pk}"' in page
    assert "Người Xã Khác" not in page


def test_assign_moves_the_record_on(desk_client, record, staff):
    response = desk_client.post(
        _act(record, Action.ASSIGN),
        {"assign-version": record.version, "assign-to_user": staff["specialist"].pk},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.state, record.holder) == (State.IN_PROGRESS, staff["specialist"])
    assert "Đã thực hiện: Phân công xử lý." in desk_client.get(response.url).content.decode()


def test_stale_form_gets_the_conflict_message_and_writes_nothing(desk_client, record, staff):
    stale = record.version
    record_perform(record=record, action=Action.ASSIGN, actor=staff["leader"], to_user=staff["specialist"])
    before = _snapshot(record)
    response = desk_client.post(
        _act(record, Action.REQUEST_SUPPLEMENT),
        {"request_supplement-version": stale, "request_supplement-missing": "Bản sao CCCD"},
        follow=True,
    )
    assert "Hồ sơ vừa được người khác cập nhật" in response.content.decode()
    assert "Đang xử lý" in response.content.decode()  # the reloaded page shows the current state
    assert _snapshot(record) == before


def test_action_not_allowed_now_is_refused(desk_client, record):
    before = _snapshot(record)
    response = desk_client.post(_act(record, Action.APPROVE), {"approve-version": record.version})
    assert response.status_code == 409
    assert "Không thể thực hiện “Phê duyệt kết quả”" in response.content.decode()
    assert _snapshot(record) == before


def test_supplement_needs_the_missing_items(desk_client, record):
    before = _snapshot(record)
    response = desk_client.post(
        _act(record, Action.REQUEST_SUPPLEMENT),
        {"request_supplement-version": record.version, "request_supplement-missing": "  "},
    )
    assert response.status_code == 400
    assert "Cần liệt kê đầy đủ các giấy tờ phải bổ sung." in response.content.decode()
    assert _snapshot(record) == before


def test_malformed_date_is_refused_with_what_was_typed(client, record, staff):
    record_perform(record=record, action=Action.ASSIGN, actor=staff["leader"], to_user=staff["specialist"])
    record.refresh_from_db()
    client.force_login(staff["leader"])
    before = _snapshot(record)
    response = client.post(
        _act(record, Action.EXTEND),
        {
            "extend-version": record.version,
            "extend-new_due_on": "31/02/2026",
            "extend-reason": "Chờ xác minh",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm" in page
    assert 'value="31/02/2026"' in page and "Chờ xác minh" in page
    assert _snapshot(record) == before


@pytest.mark.parametrize("typed", ["31/12/2040", "31/12/9999"])
def test_a_date_beyond_the_calendar_is_a_message_on_the_field(client, record, staff, typed):
    record_perform(record=record, action=Action.ASSIGN, actor=staff["leader"], to_user=staff["specialist"])
    record.refresh_from_db()
    client.force_login(staff["leader"])
    before = _snapshot(record)
    data = {"extend-version": record.version, "extend-new_due_on": typed, "extend-reason": "Chờ xác minh"}
    response = client.post(_act(record, Action.EXTEND), data)
    assert response.status_code == 400
    assert "nằm ngoài lịch làm việc đã nạp" in response.content.decode()
    assert _snapshot(record) == before


def test_unknown_action_is_not_found(desk_client, record):
    assert desk_client.post(_act(record, Action.ASSIGN).replace("assign", "xoa-het"), {}).status_code == 404


def test_another_communes_record_is_a_vietnamese_404(client, record, van_thang):
    outsider = UserFactory(username="vanthang.desk")
    grant(outsider, Role.DESK_OFFICER, van_thang.unit)
    client.force_login(outsider)
    response = client.get(_url(record))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    response = client.post(_act(record, Action.WITHDRAW), {"withdraw-version": record.version})
    assert response.status_code == 404
    assert Record.objects.get(pk=record.pk).state == State.RECEIVED
    assert RecordEvent.objects.filter(record=record).count() == 2


def test_steps_show_holder_deadline_and_timeliness(desk_client, record, staff):
    staff["specialist"].full_name = "Lê Văn Đạt"
    staff["specialist"].save()
    record_perform(record=record, action=Action.ASSIGN, actor=staff["desk"], to_user=staff["specialist"])
    page = desk_client.get(_url(record)).content.decode()
    for step in record.steps.all():
        row = re.search(rf"<tr><td>{step.name}</td>(.*?)</tr>", page, re.S)
        assert row, step.name
        expected = classify(due_at=step.due_at, ended_at=step.finished_at, now=timezone.now())
        assert expected.label in row.group(1)
        assert timezone.localtime(step.due_at).strftime("%H:%M %d/%m/%Y") in row.group(1)
    review = re.search(r"<tr><td>Thẩm định hồ sơ</td>(.*?)</tr>", page, re.S)
    assert "Lê Văn Đạt" in review.group(1)


def test_extend_takes_a_dd_mm_yyyy_date_and_only_once(client, record, staff):
    record_perform(record=record, action=Action.ASSIGN, actor=staff["leader"], to_user=staff["specialist"])
    record.refresh_from_db()
    client.force_login(staff["leader"])
    calendar = calendar_of(record.agency)
    new_day = timezone.localtime(record.due_at).date() + dt.timedelta(days=7)
    data = {"extend-new_due_on": new_day.strftime("%d/%m/%Y"), "extend-reason": "Chờ xác minh thực địa"}
    response = client.post(_act(record, Action.EXTEND), {"extend-version": record.version, **data})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.due_at == calendar.close_of(calendar.working_day_on_or_after(new_day))
    assert record.events.filter(action=Action.EXTEND, form="M04").exists()

    before = _snapshot(record)
    again = client.post(_act(record, Action.EXTEND), {"extend-version": record.version, **data})
    assert again.status_code == 422
    assert "chỉ được gia hạn 1 lần" in again.content.decode()
    assert _snapshot(record) == before


def test_an_action_that_can_only_fail_says_why_instead_of_offering_a_form(client, record, staff):
    record_perform(record=record, action=Action.ASSIGN, actor=staff["leader"], to_user=staff["specialist"])
    client.force_login(staff["specialist"])
    page = client.get(_url(record)).content.decode()
    assert "Ghi nhận ý kiến được hỏi" not in page  # nothing was asked: nothing to reply to
    assert 'name="consult_reply-reply"' not in page
    record.refresh_from_db()
    response = client.post(
        _act(record, Action.CONSULT_REPLY),
        {"consult_reply-version": record.version, "consult_reply-reply": "Đồng ý"},
    )
    assert response.status_code == 409 and not record.events.filter(action=Action.CONSULT_REPLY).exists()

    record_perform(
        record=record, action=Action.REQUEST_SUPPLEMENT, actor=staff["specialist"], missing=["Giấy ủy quyền"]
    )
    client.force_login(staff["desk"])
    page = client.get(_url(record)).content.decode()
    assert "Chưa thực hiện được: Chưa hết" in page  # closing needs the supplement period to run out
    assert 'name="close_unsupplemented-version"' not in page


def test_transfer_offers_other_agencies_and_moves_the_record(client, record, staff, van_thang):
    client.force_login(staff["desk"])
    page = client.get(_url(record)).content.decode()
    assert "UBND xã Vạn Thắng (H56.57.02)" in page
    response = client.post(
        _act(record, Action.TRANSFER),
        {
            "transfer-version": record.version,
            "transfer-to_agency": van_thang.pk,
            "transfer-reason": "Đúng thẩm quyền",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.agency == van_thang
    # The processing is Vạn Thắng's now: Vạn Hưng's specialist and leader see it, act on nothing;
    # Vạn Hưng's desk still returns the result (phi địa giới).
    for role in ("specialist", "leader"):
        client.force_login(staff[role])
        page = client.get(_url(record))
        assert page.status_code == 200 and 'class="rec-action"' not in page.content.decode()
    assert actors_for(staff["desk"], record) == {"desk"}


def test_agencies_are_offered_in_vietnamese_order_and_officers_with_their_role(
    client, record, staff, province
):
    from tests.factories import AgencyFactory, CommuneFactory

    for code, name in (("H56.57.08", "UBND xã Xuân Sơn"), ("H56.57.09", "UBND xã Đại Lãnh")):
        AgencyFactory(
            code=code, name=name, unit=CommuneFactory(name=name.removeprefix("UBND "), parent=province)
        )
    client.force_login(staff["desk"])
    page = client.get(_url(record)).content.decode()
    assert page.index("UBND xã Đại Lãnh (H56.57.09)") < page.index("UBND xã Xuân Sơn (H56.57.08)")
    assert f"{staff['specialist'].full_name} — Chuyên viên" in page


def test_junk_in_the_url_or_form_is_never_a_500(desk_client, record):
    assert desk_client.get("/can-bo/ho-so/99999999999999999999999/").status_code == 404
    assert (
        desk_client.get(reverse("records_ui:inbox"), {"trang": "abc", "sap-xep": "-;drop"}).status_code == 200
    )
    before = _snapshot(record)
    response = desk_client.post(_act(record, Action.ASSIGN), {"assign-version": "abc", "assign-to_user": "x"})
    assert response.status_code == 400
    assert "Cần chọn cán bộ được phân công." not in response.content.decode()  # typed, not empty
    assert "Cán bộ này không thuộc cơ quan giải quyết hồ sơ." in response.content.decode()
    assert _snapshot(record) == before


def test_the_explanation_follows_the_restart_and_the_extension(client, procedure, van_hung, staff, applicant):
    from tests.records.walks import full_walk

    record = full_walk(procedure, van_hung, staff, applicant)  # supplement completed 10/03, apology 11/03
    client.force_login(staff["desk"])
    page = client.get(_url(record)).content.decode()
    explanation = page.split('class="explain"', 1)[1].split("</", 1)[0]
    assert "Tính lại từ đầu khi nhận đủ hồ sơ bổ sung" in explanation
    assert "10/03/2026" in explanation  # counted from the complete supplement, not the receipt of 02/03
    assert "11/03/2026: xin lỗi và hẹn lại ngày trả (Mẫu 04) → 17:00 18/03/2026" in explanation


def test_the_specialist_forwards_to_a_leader_from_the_page(client, record, staff):
    record_perform(record=record, action=Action.ASSIGN, actor=staff["desk"], to_user=staff["specialist"])
    record.refresh_from_db()
    client.force_login(staff["specialist"])
    page = client.get(_url(record)).content.decode()
    panel = page.split("Trình lãnh đạo phê duyệt", 1)[1].split("</details>", 1)[0]
    assert f"{staff['leader'].full_name} — Lãnh đạo" in panel and staff["desk"].full_name not in panel
    response = client.post(
        _act(record, Action.FORWARD),
        {
            "forward-version": record.version,
            "forward-to_user": staff["leader"].pk,
            "forward-reason": "Đủ điều kiện",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.holder == staff["leader"]
