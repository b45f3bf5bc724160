"""The citizens' record lookup: the receipt's code plus the applicant's ID or phone number; nothing
on the code alone, the same answer for a wrong code and a wrong proof, misses limited per address."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.records.lifecycle import Action
from motcua.records.models import PublicLookupFailure, Record
from motcua.records.services import record_intake_at_counter, record_perform
from tests.records.conftest import applicant, local, procedure, province, staff, van_hung, van_thang  # noqa: F401
from tests.records.walks import EXTEND_REASON, SUPPLEMENT_MISSING, full_walk

pytestmark = pytest.mark.django_db
URL = "/tra-cuu-ho-so/"


@pytest.fixture(autouse=True)
def _offered(procedure, van_hung, van_thang):  # noqa: F811
    from tests.factories import OfferingFactory

    for agency in (van_hung, van_thang):
        OfferingFactory(procedure=procedure, agency=agency, valid_from=None)


@pytest.fixture
def received(procedure, van_hung, staff, applicant):  # noqa: F811
    """Received at the counter just now: within its deadline."""
    return record_intake_at_counter(
        procedure=procedure, agency=van_hung, applicant=applicant, actor=staff["desk"], at=timezone.now()
    )


def look(client, code, proof, **extra):
    return client.post(URL, {"code": code, "proof": proof}, **extra)


def test_the_form_is_on_the_home_page_and_in_the_menu(client):
    home = client.get(reverse("portal:home")).content.decode()
    assert home.count(f'href="{URL}"') == 2
    page = client.get(URL)
    assert page.status_code == 200 and 'name="code"' in page.content.decode()


@pytest.mark.parametrize(
    "proof", ["056190001234", "0561 9000 1234", "0905123456", "0905 123 456", "+84905123456"]
)
def test_the_applicant_sees_the_state_and_appointment_with_their_id_or_phone(client, received, proof):
    answer = look(client, f"  {received.code.lower()} ", proof)
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Hồ sơ đang được giải quyết." in page
    assert "Nguyễn Thị Ánh" in page and "UBND xã Vạn Hưng" in page
    due = timezone.localtime(received.due_at)
    assert f"Ngày hẹn trả kết quả</dt><dd><strong>{due:%d/%m/%Y %H:%M}</strong>" in page
    assert PublicLookupFailure.objects.count() == 0


def test_a_wrong_proof_and_an_unknown_code_answer_alike_and_show_nothing(client, received):
    wrong_proof = look(client, received.code, "056190009999")
    unknown = look(client, received.code[:-1] + "9", "056190001234")
    for answer in (wrong_proof, unknown):
        page = answer.content.decode()
        assert answer.status_code == 404
        assert "Không tìm thấy hồ sơ với mã và số đã nhập." in page
        assert "Nguyễn Thị Ánh" not in page and "Đăng ký thành lập hộ kinh doanh" not in page
    assert PublicLookupFailure.objects.count() == 2


def test_an_empty_proof_never_matches_a_record_without_id_or_phone(client, procedure, van_hung, staff):  # noqa: F811
    from motcua.records.services import Applicant

    bare = record_intake_at_counter(
        procedure=procedure,
        agency=van_hung,
        applicant=Applicant(name="Trần Văn Bình"),
        actor=staff["desk"],
        at=local(2026, 3, 2, 9, 0),
    )
    for proof in ("", "   ", "-", "."):
        answer = look(client, bare.code, proof)
        assert answer.status_code in (400, 404) and "Trần Văn Bình" not in answer.content.decode()


def test_too_many_misses_from_one_address_refuse_even_the_right_answer(client, received, settings):
    settings.MOTCUA_LOOKUP_FAILURE_LIMIT = 3
    for n in range(3):
        assert look(client, received.code, f"00000000000{n}").status_code == 404
    refused = look(client, received.code, "056190001234")
    assert refused.status_code == 429
    assert "quá nhiều lần" in refused.content.decode() and "Nguyễn Thị Ánh" not in refused.content.decode()
    other_address = look(client, received.code, "056190001234", REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 200


def test_behind_a_proxy_misses_count_per_citizen(client, received, settings):
    settings.MOTCUA_PROXY_COUNT = 1
    settings.MOTCUA_LOOKUP_FAILURE_LIMIT = 2
    for _ in range(2):
        look(client, received.code, "000", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert look(client, received.code, "0905123456", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert look(client, received.code, "0905123456", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


def test_misses_older_than_the_window_do_not_count(client, received, settings):
    settings.MOTCUA_LOOKUP_FAILURE_LIMIT = 2
    settings.MOTCUA_LOOKUP_WINDOW_MINUTES = 15
    old = timezone.now() - dt.timedelta(minutes=16)
    PublicLookupFailure.objects.bulk_create(
        [PublicLookupFailure(client="127.0.0.1", at=old) for _ in range(5)]
    )
    assert look(client, received.code, "0905123456").status_code == 200


def test_the_history_shows_what_the_applicant_was_told_not_the_internal_hand_overs(
    client,
    procedure,  # noqa: F811
    van_hung,  # noqa: F811
    staff,  # noqa: F811
    applicant,  # noqa: F811
):
    record = full_walk(procedure, van_hung, staff, applicant)
    page = look(client, record.code, applicant.id_number).content.decode()
    assert "Đã trả kết quả." in page
    for told in (*SUPPLEMENT_MISSING, EXTEND_REASON, "Ngày hẹn trả mới: 18/03/2026", "Trả kết quả"):
        assert told in page
    assert "Phân công xử lý" not in page  # the assignment is internal
    for officer in staff.values():  # no officer's name or login
        assert officer.full_name and officer.full_name not in page and officer.username not in page


def test_a_record_waiting_for_a_supplement_says_what_to_bring_and_where(
    client,
    received,
    staff,  # noqa: F811
):
    record_perform(
        record=received,
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["desk"],
        at=timezone.now(),
        missing=["Giấy ủy quyền"],
        reason="Thiếu giấy ủy quyền",
    )
    page = look(client, received.code, "0905123456").content.decode()
    assert "Hồ sơ cần bổ sung, hoàn thiện." in page
    assert "Giấy ủy quyền" in page and "tại UBND xã Vạn Hưng" in page
    assert "Ngày hẹn trả kết quả</dt>" not in page  # the old appointment no longer holds


def test_an_overdue_record_says_so(client, received):
    within = look(client, received.code, "0905123456").content.decode()
    Record.objects.filter(pk=received.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    overdue = look(client, received.code, "0905123456").content.decode()
    assert "đã quá ngày hẹn trả kết quả" in overdue and "đã quá ngày hẹn trả kết quả" not in within


def test_a_missing_csrf_token_is_refused(received):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(URL, {"code": received.code, "proof": "0905123456"}).status_code == 403


def test_odd_input_gets_a_message_never_an_error(client, received):
    for data in (
        {"code": "x" * 5000, "proof": "1"},
        {"code": "\x00", "proof": "\x00"},
        {},
        {"code": "'; --"},
    ):
        answer = client.post(URL, data)
        assert answer.status_code in (400, 404)
        assert "Nguyễn Thị Ánh" not in answer.content.decode()


@pytest.mark.parametrize("proof", ["số 0905", "０９０５１２３４５６", "Nguyễn"])
def test_a_proof_with_letters_or_wide_digits_is_a_counted_miss_like_any_other(client, received, proof):
    """Not an error that would tell an existing code from an unknown one, and not a free guess."""
    on_a_real_code = look(client, received.code, proof)
    on_an_unknown_code = look(client, received.code[:-1] + "9", proof)
    assert on_a_real_code.status_code == on_an_unknown_code.status_code == 404
    assert PublicLookupFailure.objects.count() == 2


def test_an_imported_record_with_a_noted_phone_is_still_looked_up(client, received):
    Record.objects.filter(pk=received.pk).update(
        applicant_phone="0905123456 nhà riêng"
    )  # 20 characters: the column's length
    assert look(client, received.code, "056190001234").status_code == 200


def test_old_misses_are_pruned_by_the_daily_command(received):
    from django.core.management import call_command

    PublicLookupFailure.objects.create(client="203.0.113.7", at=timezone.now() - dt.timedelta(days=2))
    PublicLookupFailure.objects.create(client="203.0.113.7", at=timezone.now())
    call_command("records", "prune-lookups")
    assert PublicLookupFailure.objects.count() == 1
