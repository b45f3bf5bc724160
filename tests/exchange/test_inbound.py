"""Online dossiers routed from the national portal become records in intake, once per MaHoSo."""

import datetime as dt
import io
import json
from typing import Any

import pytest

from motcua.calendars.models import WorkingHoursSetting
from motcua.exchange.dvcqg.mapping import record_to_sync
from motcua.exchange.dvcqg.values import format_datetime
from motcua.exchange.importer import import_sync_file
from motcua.exchange.inbound import InboundRejected, inbound_receive
from motcua.records import online_intake
from motcua.records.lifecycle import Action, State
from motcua.records.models import Channel, Record, RecordEvent
from motcua.records.services import record_intake_at_counter
from tests.records.conftest import local

from .sync import AGENCY, sync_record

pytestmark = pytest.mark.django_db

ARRIVAL = local(2026, 3, 6, 16, 30)  # a Friday


def dossier(n: int = 1, *, day: dt.datetime = ARRIVAL, **fields: Any) -> dict[str, Any]:
    """A dossier as the portal routes it: filed online, not yet received (status 1)."""
    item = sync_record(n, day=day)
    item.update(
        TrangThaiHoSo="1",
        NgayNopHoSo=format_datetime(day - dt.timedelta(minutes=5)),
        NgayTiepNhan="",
        NgayHenTra="",
        NgayKetThucXuLy="",
        NgayTra="",
        DanhSachGiayToKetQua=[],
        QuaTrinhXuLy=[],
        MaDoiTuong="vneid-0001",
        TaiLieuNop=[{"TenTepDinhKem": "to-khai.pdf", "DuongDanTaiTepTin": "https://dvcqg/x.pdf"}],
    )
    item.update(fields)
    return item


@pytest.fixture
def centre(van_hung):
    WorkingHoursSetting.objects.create(
        agency=van_hung,
        morning_start=dt.time(7, 30),
        morning_end=dt.time(11, 30),
        afternoon_start=dt.time(13, 30),
        afternoon_end=dt.time(17, 0),
        valid_from=dt.date(2025, 1, 1),
    )
    return van_hung


def test_dossier_is_taken_into_intake_with_its_clock(procedure, centre):
    payload = dossier(7)
    result = inbound_receive(payload=payload, at=ARRIVAL)
    record = Record.objects.get()
    assert result.created and result.record == record
    assert record.code == payload["MaHoSo"] == f"{AGENCY}-260306-0007"
    assert (record.state, record.channel) == (State.SUBMITTED, Channel.ONLINE)
    assert record.submitted_on_national_portal and record.vneid_verified and not record.source_system
    assert record.submitted_at == ARRIVAL - dt.timedelta(minutes=5)
    assert record.applicant_name == "Trần Văn Bình" and record.fees_total_vnd == 100000
    # Friday 16:30 → 30 min on Friday + Monday 07:30–11:30, 13:30–17:00 (7 h 30) = 8 working hours.
    assert record.intake_confirm_due_at == local(2026, 3, 9, 17, 0)
    assert record.intake_alert_due_at == local(2026, 3, 6, 18, 30)
    event = record.events.get()
    assert (event.action, event.actor) == (Action.SUBMIT_ONLINE, None)
    # The export says what the portal said about the applicant's account and files.
    sync = record_to_sync(record)
    assert sync["MaDoiTuong"] == "vneid-0001" and sync["NoiNopHoSo"] == "2"
    assert sync["TaiLieuNop"][0]["DuongDanTaiTepTin"] == "https://dvcqg/x.pdf"


def test_the_intake_officers_are_alerted_once_the_record_is_committed(
    procedure, centre, monkeypatch, django_capture_on_commit_callbacks
):
    alerted = []
    monkeypatch.setattr(online_intake, "alert_receivers", [alerted.append])
    with django_capture_on_commit_callbacks(execute=True):
        result = inbound_receive(payload=dossier(1), at=ARRIVAL)
    assert [r.pk for r in alerted] == [result.record.pk]
    assert Record.objects.get().intake_alerted_at is not None


def test_a_retried_delivery_creates_nothing(procedure, centre):
    first = inbound_receive(payload=dossier(1), at=ARRIVAL)
    again = inbound_receive(payload=dossier(1), at=ARRIVAL + dt.timedelta(minutes=3))
    assert again.created is False and again.record.pk == first.record.pk
    assert Record.objects.count() == 1 and RecordEvent.objects.count() == 1
    # The clock still runs from the first arrival.
    assert Record.objects.get().intake_alert_due_at == local(2026, 3, 6, 18, 30)


def test_a_later_import_of_the_same_dossier_adds_no_record(procedure, centre):
    inbound_receive(payload=dossier(1), at=ARRIVAL)
    data = (json.dumps(dossier(1), ensure_ascii=False) + "\n").encode()
    summary = import_sync_file(stream=io.BytesIO(data), source_name="dvcqg.jsonl")
    assert summary.added == 0
    assert Record.objects.count() == 1
    assert Record.objects.get().source_system == ""  # motcua's record: never overwritten by an import


def test_an_imported_dossier_delivered_afterwards_is_the_same_record(procedure, centre):
    data = (json.dumps(dossier(2), ensure_ascii=False) + "\n").encode()
    assert import_sync_file(stream=io.BytesIO(data), source_name="dvcqg.jsonl").added == 1
    result = inbound_receive(payload=dossier(2), at=ARRIVAL)
    assert result.created is False and Record.objects.count() == 1


def test_counter_numbering_skips_the_portal_codes(procedure, centre, applicant, staff):
    inbound_receive(payload=dossier(3, day=local(2026, 3, 6, 9, 0)), at=local(2026, 3, 6, 9, 0))
    counter = record_intake_at_counter(
        procedure=procedure,
        agency=centre,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 6, 10, 0),
    )
    assert counter.code == f"{AGENCY}-260306-0004"


@pytest.mark.parametrize(
    ("fields", "status", "code", "field"),
    [
        ({"KenhThucHien": "1"}, 422, "not-online", "KenhThucHien"),
        ({"NoiNopHoSo": "1"}, 422, "not-from-national-portal", "NoiNopHoSo"),
        ({"TrangThaiHoSo": "4"}, 422, "not-new", "TrangThaiHoSo"),
        ({"NgayTiepNhan": "20260306163000"}, 422, "not-new", "NgayTiepNhan"),
        ({"MaTTHC": "1.999999"}, 422, "unknown-procedure", "MaTTHC"),
        ({"MaHoSo": "H56.99.99-260306-0001"}, 422, "unknown-agency", "MaHoSo"),
        ({"MaHoSo": "H56.57.01-261399-0001"}, 400, "invalid-field", "MaHoSo"),
        ({"NgayNopHoSo": "06/03/2026"}, 400, "invalid-field", "NgayNopHoSo"),
        ({"ChuHoSo": "  "}, 400, "applicant-name-required", "ChuHoSo"),
    ],
)
def test_a_dossier_motcua_cannot_take_writes_nothing(procedure, centre, fields, status, code, field):
    with pytest.raises(InboundRejected) as caught:
        inbound_receive(payload=dossier(1, **fields), at=ARRIVAL)
    assert (caught.value.status, caught.value.code, caught.value.field) == (status, code, field)
    assert not Record.objects.exists() and not RecordEvent.objects.exists()


def test_a_counter_record_code_is_not_taken_over(procedure, centre, applicant, staff):
    counter = record_intake_at_counter(
        procedure=procedure,
        agency=centre,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 6, 8, 0),
    )
    with pytest.raises(InboundRejected) as caught:
        inbound_receive(payload=dossier(1, MaHoSo=counter.code), at=ARRIVAL)
    assert (caught.value.status, caught.value.code) == (409, "record-code-taken")
    assert Record.objects.count() == 1
