"""Online dossiers routed from the national portal (NĐ 118 Điều 15: since 01/07/2025 citizens file
online on the portal, which routes each dossier to the province) taken into intake.

One dossier in the sync shape (spec/dvcqg-sync.md), validated by the same mapping as an import,
becomes a motcua record through `records.services.record_submit` (channel online, not yet
received), which starts the online-intake clock of Điều 17.2 (records/online_intake.py).

The portal's MaHoSo is the record code: one code per dossier, so a retried delivery, a second
delivery, or a later `motcua import dvcqg` of the same dossier finds the record and creates
nothing. The record is motcua's own from here on (`source_system` empty): motcua processes it
and pushes its state changes; an import never overwrites it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.records.errors import InvalidRecordInput
from motcua.records.lifecycle import Action, State
from motcua.records.models import Channel, Record
from motcua.records.numbering import reserve_sequence
from motcua.records.services import Applicant, record_submit
from motcua.units.models import Agency

from .dvcqg.mapping import NATIONAL_PORTAL, ParsedRecord, Reject, parse_sync_record

# Django permission of the system account the national portal delivers with.
DELIVER_PERMISSION = "records.deliver_online_dossiers"
# The lists of the sync record motcua cannot rebuild from its own rows: kept as the portal sent
# them, so that an export carries them back. Supplements and results are motcua's from now on.
KEPT_LISTS = ("DinhDanhCHS", "DSKetNoiCSDL", "TaiLieuNop", "DanhSachLePhi")
# The code's daily sequence motcua reserves in its own counter: a longer one (a portal never
# numbers a million dossiers a day at one agency) would push the commune's next codes out of range.
MAX_SEQUENCE_DIGITS = 6
MAX_SUMMARY = 4000  # as the records API takes
# Scalars with no column in motcua, kept verbatim for the export.
KEPT_SCALARS = ("MaDoiTuong",)


class InboundRejected(Exception):
    """A dossier motcua will not take. `status` 400: not a valid sync record; 409: its code is
    taken by another record; 422: valid, but not an online dossier motcua can take in."""

    def __init__(self, message: str, *, code: str, status: int, field: str = "") -> None:
        super().__init__(message)
        self.message, self.code, self.status, self.field = message, code, status, field


@dataclass(frozen=True)
class InboundResult:
    record: Record
    created: bool


def inbound_receive(*, payload: Any, at: dt.datetime | None = None) -> InboundResult:
    """Take one routed dossier into intake at `at` (its arrival, when the online-intake clock
    starts); the same MaHoSo again returns the record it made and writes nothing."""
    at = at or timezone.now()
    parsed = parse_sync_record(payload, 0)
    if isinstance(parsed, Reject):
        code = "not-a-record" if not parsed.field else "invalid-field"
        raise InboundRejected(parsed.reason, code=code, status=400, field=parsed.field)
    existing = _existing(parsed.code)
    if existing is not None:
        return InboundResult(existing, created=False)
    day, sequence = _code_day_and_sequence(parsed.code)
    _check_online_and_new(parsed)
    _check_applicant(parsed)
    agency = Agency.objects.select_related("unit").filter(code=parsed.agency_code).first()
    if agency is None:
        raise InboundRejected(
            f"motcua chưa có cơ quan mã định danh “{parsed.agency_code}” (tiền tố của mã hồ sơ).",
            code="unknown-agency",
            status=422,
            field="MaHoSo",
        )
    procedure = Procedure.objects.filter(code=parsed.procedure_code).first()
    if procedure is None:
        raise InboundRejected(
            f"motcua chưa có thủ tục mã “{parsed.procedure_code}” trong danh mục.",
            code="unknown-procedure",
            status=422,
            field="MaTTHC",
        )
    try:
        with transaction.atomic():
            record = _create(parsed, agency, procedure, at)
            reserve_sequence(agency_code=parsed.agency_code, day=day, sequence=sequence)
    except IntegrityError:
        # The same dossier delivered twice at once: the other delivery made the record.
        existing = _existing(parsed.code)
        if existing is None:
            raise
        return InboundResult(existing, created=False)
    except InvalidRecordInput as error:
        field = "ChuHoSo" if error.field == "name" else (error.field or "")
        raise InboundRejected(error.message, code=error.code, status=400, field=field) from None
    return InboundResult(record, created=True)  # record_submit alerts the officers after commit


def _existing(code: str) -> Record | None:
    record = Record.objects.filter(code=code).first()
    if record is not None and not (record.submitted_on_national_portal or record.channel == Channel.ONLINE):
        raise InboundRejected(
            f"Mã hồ sơ {code} đã được dùng cho một hồ sơ không nộp trực tuyến.",
            code="record-code-taken",
            status=409,
            field="MaHoSo",
        )
    return record


def _check_online_and_new(parsed: ParsedRecord) -> None:
    values, source = parsed.values, parsed.source
    if values["channel"] != Channel.ONLINE:
        raise InboundRejected(
            "Cổng DVCQG chỉ chuyển hồ sơ nộp trực tuyến: KenhThucHien phải là “2”.",
            code="not-online",
            status=422,
            field="KenhThucHien",
        )
    if str(source.get("NoiNopHoSo") or NATIONAL_PORTAL) != NATIONAL_PORTAL:
        raise InboundRejected(
            "Hồ sơ chuyển từ Cổng DVCQG phải có NoiNopHoSo “2” (nộp trên Cổng DVCQG).",
            code="not-from-national-portal",
            status=422,
            field="NoiNopHoSo",
        )
    if values["state"] != State.SUBMITTED or values["received_at"] is not None:
        raise InboundRejected(
            "Chỉ nhận hồ sơ mới đăng ký, chưa tiếp nhận (TrangThaiHoSo “1”, không có NgayTiepNhan).",
            code="not-new",
            status=422,
            field="TrangThaiHoSo" if values["state"] != State.SUBMITTED else "NgayTiepNhan",
        )


def _check_applicant(parsed: ParsedRecord) -> None:
    """The record becomes motcua's own: its applicant and summary meet what counter intake and the
    records API require (an import keeps a source system's facts as they are; this does not)."""
    values = parsed.values
    checks = (
        ("ChuHoSo", values["applicant_name"], None),
        ("SoGiayToChuHoSo", values["applicant_id_number"], _id_number_problem),
        ("SoDienThoai", values["applicant_phone"], _phone_problem),
        ("Email", values["applicant_email"], _email_problem),
        ("TrichYeuHoSo", values["summary"], _summary_problem),
    )
    for field, value, check in checks:
        problem = (
            "không được chứa ký tự NUL." if "\x00" in value else (check(value) if check and value else None)
        )
        if problem:
            raise InboundRejected(f"{field}: {problem}", code="invalid-field", status=400, field=field)


def _id_number_problem(value: str) -> str | None:
    ok = value.replace("-", "").isdigit() and value.isascii() and len(value) >= 9
    return None if ok else "số định danh chỉ gồm chữ số (ít nhất 9), có thể có dấu “-”."


def _phone_problem(value: str) -> str | None:
    digits = value.replace(" ", "").replace(".", "").removeprefix("+")
    return (
        None
        if digits.isdigit() and digits.isascii() and 8 <= len(digits) <= 15
        else "số điện thoại không hợp lệ."
    )


def _email_problem(value: str) -> str | None:
    try:
        validate_email(value)
    except ValidationError:
        return "địa chỉ thư điện tử không hợp lệ."
    return None


def _summary_problem(value: str) -> str | None:
    return None if len(value) <= MAX_SUMMARY else f"trích yếu dài {len(value)} ký tự; tối đa {MAX_SUMMARY}."


def _code_day_and_sequence(code: str) -> tuple[dt.date, int]:
    _, day, sequence = code.rsplit("-", 2)
    if len(sequence.lstrip("0")) > MAX_SEQUENCE_DIGITS:
        raise InboundRejected(
            f"“{code}”: số thứ tự “{sequence}” dài quá {MAX_SEQUENCE_DIGITS} chữ số.",
            code="invalid-field",
            status=400,
            field="MaHoSo",
        )
    try:
        return dt.datetime.strptime(day, "%y%m%d").date(), int(sequence)
    except ValueError:
        raise InboundRejected(
            f"“{code}”: “{day}” không phải một ngày có thật (yymmdd).",
            code="invalid-field",
            status=400,
            field="MaHoSo",
        ) from None


def _create(parsed: ParsedRecord, agency: Agency, procedure: Procedure, at: dt.datetime) -> Record:
    values = parsed.values
    record = record_submit(
        procedure=procedure,
        agency=agency,
        applicant=Applicant(
            name=values["applicant_name"],
            id_number=values["applicant_id_number"],
            phone=values["applicant_phone"],
            email=values["applicant_email"],
            kind=values["applicant_kind"],
        ),
        action=Action.SUBMIT_ONLINE,
        summary=values["summary"],
        actor=None,  # the applicant, on the portal
        at=at,
        code=parsed.code,
    )
    facts = {
        # Filed on the portal before it reached motcua; the intake clock runs from arrival.
        "submitted_at": min(values["submitted_at"], at),
        "submitted_on_national_portal": True,
        "vneid_verified": values["vneid_verified"],
        "paid_online": values["paid_online"],
        "fees_total_vnd": values["fees_total_vnd"],
        "has_digitized_components": values["has_digitized_components"],
        "used_population_db": values["used_population_db"],
        "reused_data": values["reused_data"],
        "from_national_data_store": values["from_national_data_store"],
        "extra": _extra(parsed),
    }
    Record.objects.filter(pk=record.pk).update(**facts)
    for name, value in facts.items():
        setattr(record, name, value)
    return record


def _extra(parsed: ParsedRecord) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    lists = {name: parsed.lists[name] for name in KEPT_LISTS if parsed.lists.get(name)}
    verbatim = {name: parsed.source[name] for name in KEPT_SCALARS if parsed.source.get(name)}
    if lists:
        extra["lists"] = lists
    if verbatim:
        extra["verbatim"] = verbatim
    if parsed.unknown:
        extra["unknown"] = parsed.unknown
    return extra
