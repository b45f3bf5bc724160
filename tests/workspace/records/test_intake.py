"""Counter intake: one step from the dossier on the counter to a received record with Mẫu 01."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.records.attachments import MAX_BYTES
from motcua.records.lifecycle import Action, Form, State
from motcua.records.models import Channel, Record, RecordAttachment, RecordEvent

URL = reverse("records_ui:intake")
PDF = b"%PDF-1.4\n% thu nghiem\n"


def _post(client, procedure, van_hung, /, **overrides):
    component = procedure.components.get()
    data = {
        "procedure": procedure.code,
        "agency": van_hung.pk,
        "channel": Action.SUBMIT_COUNTER.value,
        "name": "Nguyễn Thị Ánh",
        "id_number": "056190001234",
        "phone": "0905 123 456",
        "kind": "1",
        f"component_{component.pk}": "on",
        f"file_{component.pk}": SimpleUploadedFile("don-de-nghi.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return client.post(URL, {k: v for k, v in data.items() if v is not None})


def test_procedure_search_is_diacritics_insensitive(desk_client, procedure, van_hung):
    response = desk_client.get(URL, {"tim": "ho kinh doanh"})
    assert procedure.name in response.content.decode()


def test_procedure_search_lists_only_what_this_counter_offers(desk_client, procedure, van_hung):
    from tests.catalog.factories import make_procedure

    elsewhere = make_procedure(
        code="2.000815", name="Đăng ký hộ kinh doanh tại nơi khác"
    )  # offered by no one
    page = desk_client.get(URL, {"tim": "ho kinh doanh"}).content.decode()
    assert procedure.name in page and elsewhere.name not in page


def test_intake_receives_issues_mau_01_and_opens_the_record(desk_client, procedure, van_hung, staff):
    response = _post(desk_client, procedure, van_hung)
    record = Record.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("records_ui:record", kwargs={"pk": record.pk})
    assert record.state == State.RECEIVED
    assert record.channel == Channel.COUNTER
    assert record.due_at is not None
    assert RecordEvent.objects.filter(record=record, form=Form.M01).exists()
    attachment = RecordAttachment.objects.get(record=record)
    assert attachment.content_type == "application/pdf"
    page = desk_client.get(response.url).content.decode()
    assert record.code in page
    assert "Đã tiếp nhận hồ sơ" in page
    assert reverse("workspace_forms:record-form", kwargs={"pk": record.pk, "form": "M01"}) in page


def test_assisted_online_filing_is_channel_online(desk_client, procedure, van_hung):
    _post(desk_client, procedure, van_hung, channel=Action.SUBMIT_ASSISTED.value)
    record = Record.objects.get()
    assert (record.channel, record.assisted) == (Channel.ONLINE, True)


def test_missing_applicant_name_redisplays_what_was_typed(desk_client, procedure, van_hung):
    response = _post(desk_client, procedure, van_hung, name="  ", phone="0905123456")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Cần nhập họ tên người nộp hồ sơ." in page
    assert 'value="056190001234"' in page
    assert not Record.objects.exists()


def test_unknown_procedure_is_refused(desk_client, procedure, van_hung):
    response = _post(desk_client, procedure, van_hung, **{"procedure": "9.999999"})
    assert response.status_code == 400
    assert "Không tìm thấy thủ tục mã “9.999999”" in response.content.decode()
    assert not Record.objects.exists()


def test_exe_renamed_pdf_is_refused_and_nothing_written(desk_client, procedure, van_hung):
    component = procedure.components.get()
    fake = SimpleUploadedFile("don.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, content_type="application/pdf")
    response = _post(desk_client, procedure, van_hung, **{f"file_{component.pk}": fake})
    assert response.status_code == 400
    assert "không phải PDF hoặc ảnh" in response.content.decode()
    assert not Record.objects.exists()
    assert not RecordAttachment.objects.exists()


def test_oversized_file_is_refused(desk_client, procedure, van_hung):
    component = procedure.components.get()
    big = SimpleUploadedFile(
        "to.pdf", PDF + b"0" * (MAX_BYTES - len(PDF) + 1), content_type="application/pdf"
    )
    response = _post(desk_client, procedure, van_hung, **{f"file_{component.pk}": big})
    assert response.status_code == 400
    assert "lớn hơn 20 MB" in response.content.decode()
    assert not Record.objects.exists()


def test_required_component_not_received_is_refused(desk_client, procedure, van_hung):
    component = procedure.components.get()
    response = _post(
        desk_client, procedure, van_hung, **{f"component_{component.pk}": None, f"file_{component.pk}": None}
    )
    assert response.status_code == 400
    assert "Chưa nhận đủ giấy tờ bắt buộc" in response.content.decode()
    assert not Record.objects.exists()


def test_bad_id_number_gets_a_clear_message(desk_client, procedure, van_hung):
    response = _post(desk_client, procedure, van_hung, id_number="12ab")
    assert "Số định danh gồm 12 chữ số" in response.content.decode()
    assert not Record.objects.exists()


def test_agency_outside_scope_is_refused(desk_client, procedure, van_hung, van_thang):
    response = _post(desk_client, procedure, van_hung, agency=van_thang.pk)
    assert response.status_code == 400
    assert "không thuộc phạm vi của bạn" in response.content.decode()
    assert not Record.objects.exists()


def test_specialist_may_not_open_intake(client, staff):
    client.force_login(staff["specialist"])
    assert client.get(URL).status_code == 403


def test_papers_outside_the_catalogue_list_are_kept_too(desk_client, procedure, van_hung):
    """A procedure's list may be incomplete (or empty): the counter still keeps every scan it took."""
    response = _post(
        desk_client,
        procedure,
        van_hung,
        file_other=[
            SimpleUploadedFile("giay-uy-quyen.pdf", PDF, content_type="application/pdf"),
            SimpleUploadedFile("cccd.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40, content_type="image/jpeg"),
        ],
    )
    assert response.status_code == 302
    kept = dict(RecordAttachment.objects.values_list("name", "component"))
    assert kept["giay-uy-quyen.pdf"] is None and kept["cccd.jpg"] is None and len(kept) == 3
    page = desk_client.get(response.url).content.decode()
    assert "nộp bổ sung" not in page  # taken at the counter, not a supplement


def test_a_bad_file_among_the_other_papers_writes_nothing(desk_client, procedure, van_hung):
    response = _post(
        desk_client, procedure, van_hung, file_other=[SimpleUploadedFile("ghi-chu.docx", b"PK\x03\x04 word")]
    )
    assert response.status_code == 400
    assert not Record.objects.exists() and not RecordAttachment.objects.exists()


def test_an_incomplete_dossier_is_guided_with_mau_02_not_received(desk_client, procedure, van_hung):
    component = procedure.components.get()
    response = _post(
        desk_client,
        procedure,
        van_hung,
        **{f"component_{component.pk}": None, f"file_{component.pk}": None},
        **{"quyet-dinh": "bo-sung", "reason": "Thiếu giấy đề nghị"},
    )
    record = Record.objects.get()
    assert response.status_code == 302 and record.state == State.INTAKE_SUPPLEMENT
    event = RecordEvent.objects.get(record=record, action=Action.REQUEST_SUPPLEMENT)
    assert event.form == Form.M02 and event.detail["missing"] == [component.name]
    assert not RecordEvent.objects.filter(record=record, form=Form.M01).exists() and record.due_at is None
    page = desk_client.get(response.url).content.decode()
    assert "Mẫu 02" in page and "chưa được tiếp nhận" in page


def test_typed_missing_papers_are_the_ones_asked_for(desk_client, procedure, van_hung):
    _post(
        desk_client,
        procedure,
        van_hung,
        **{"quyet-dinh": "bo-sung", "missing": "Giấy ủy quyền\n\n Bản sao CCCD "},
    )
    event = RecordEvent.objects.get(action=Action.REQUEST_SUPPLEMENT)
    assert event.detail["missing"] == ["Giấy ủy quyền", "Bản sao CCCD"]


def test_a_refusal_needs_its_reason_and_issues_mau_03(desk_client, procedure, van_hung):
    refused = _post(desk_client, procedure, van_hung, **{"quyet-dinh": "tu-choi"})
    assert refused.status_code == 400 and "Cần nêu rõ lý do từ chối tiếp nhận." in refused.content.decode()
    assert not Record.objects.exists() and not RecordAttachment.objects.exists()
    response = _post(
        desk_client,
        procedure,
        van_hung,
        **{"quyet-dinh": "tu-choi", "reason": "Không thuộc thẩm quyền của xã"},
    )
    record = Record.objects.get()
    assert response.status_code == 302 and record.state == State.REFUSED
    assert RecordEvent.objects.filter(record=record, form=Form.M03).exists()
    assert not RecordAttachment.objects.exists()  # a refused dossier's papers go back with the citizen


def test_searching_and_choosing_a_procedure_keep_what_was_typed(desk_client, procedure, van_hung):
    typed = {"name": "Nguyễn Thị Ánh", "id_number": "056190001234", "phone": "0905 123 456", "kind": "1"}
    searched = desk_client.post(URL, {**typed, "tim": "ho kinh doanh", "buoc": "tim"})
    page = searched.content.decode()
    assert (
        searched.status_code == 200
        and 'value="Nguyễn Thị Ánh"' in page
        and f'value="{procedure.code}"' in page
    )
    assert "Cần nhập" not in page  # navigating is not submitting: no errors
    chosen = desk_client.post(URL, {**typed, "tim": "ho kinh doanh", "chon": procedure.code}).content.decode()
    assert (
        'value="Nguyễn Thị Ánh"' in chosen
        and 'value="056190001234"' in chosen
        and "Thủ tục đã chọn:" in chosen
    )
    assert not Record.objects.exists()


def test_the_same_form_sent_twice_makes_one_record(desk_client, procedure, van_hung):
    page = desk_client.get(URL, {"ma": procedure.code}).content.decode()
    token = page.split('name="lan-nop" value="')[1].split('"')[0]
    first = _post(desk_client, procedure, van_hung, **{"lan-nop": token})
    again = _post(desk_client, procedure, van_hung, **{"lan-nop": token})
    record = Record.objects.get()
    assert first.url == again.url == reverse("records_ui:record", kwargs={"pk": record.pk})
    assert RecordAttachment.objects.count() == 1
    another_page = desk_client.get(URL, {"ma": procedure.code}).content.decode()
    assert token not in another_page  # a new page, a new dossier
