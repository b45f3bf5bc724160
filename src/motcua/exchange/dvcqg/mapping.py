"""The ONE place where motcua's records meet the national sync record (spec/dvcqg-sync.md).

The legal contract (TT 04/2025/TT-VPCP) may name fields or codes differently from the shape
provincial systems use today; when its annex is read, this module follows it and nothing else
changes. Both directions live here:

- `record_to_sync(record)` — a motcua record, with its history, as a sync record;
- `parse_sync_record(obj, position)` — a sync record as motcua facts (`ParsedRecord`), or a
  `Reject` saying which field is wrong and why. Pure: lookups of procedures and agencies are the
  importer's job.

A source value motcua cannot reproduce from its own columns (a local procedure suffix, status 6,
a list of fees) is kept in `Record.extra` and written back as it came, so that an export says
what the source said.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from motcua.core.text import nfc
from motcua.records.lifecycle import Action, State

from .values import BadValue, format_datetime, parse_amount, parse_code, parse_datetime, parse_flag, text

if TYPE_CHECKING:
    from motcua.records.models import Record, RecordEvent

# Top-level fields in the order the spec lists them; an export writes them in this order.
SCALAR_FIELDS: tuple[str, ...] = (
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "KenhThucHien",
    "ChuHoSo",
    "SoGiayToChuHoSo",
    "SoDienThoai",
    "Email",
    "LoaiDoiTuong",
    "MaDoiTuong",
    "TrichYeuHoSo",
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "NgayTuChoi",
    "TrangThaiHoSo",
    "HinhThuc",
    "DonViXuLy",
    "NoiNopHoSo",
    "TaiKhoanDuocXacThucVoiVNeID",
    "DuocThanhToanTrucTuyen",
    "HoSoCoThanhPhanSoHoa",
)
LIST_FIELDS: tuple[str, ...] = (
    "DinhDanhCHS",
    "DSKetNoiCSDL",
    "TaiLieuNop",
    "DanhSachLePhi",
    "DanhSachGiayToKetQua",
    "DanhSachHoSoBoSung",
)
HISTORY_FIELD = "QuaTrinhXuLy"
# Key order of the items of each list, as the spec lists them. An export writes this order (and
# other keys sorted after): PostgreSQL's jsonb does not keep key order, a file must not depend on it.
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "DinhDanhCHS": ("LoaiDinhDanh", "SoDinhDanh"),
    "DSKetNoiCSDL": ("MaCSDL",),
    "TaiLieuNop": (
        "TepDinhKemId",
        "TenTepDinhKem",
        "MaThanhPhanHoSo",
        "DuongDanTaiTepTin",
        "DuocSoHoa",
        "DuocTaiSuDung",
        "DuocLayTuKhoDMQG",
        "MaKetQuaThayThe",
        "IsDeleted",
    ),
    "DanhSachLePhi": ("TenPhiLePhi", "MaPhiLePhi", "HinhThucThu", "Gia", "LoaiPhiLePhi"),
    "DanhSachGiayToKetQua": (
        "TenGiayTo",
        "MaThanhPhanHoSo",
        "GiayToId",
        "MaGiayToKetQua",
        "DuongDanTepTinKetQua",
    ),
    "DanhSachHoSoBoSung": (
        "NguoiYeuCauBoSung",
        "NoiDungBoSung",
        "NgayBoSung",
        "NgayTiepNhanBoSung",
        "TrangThaiBoSung",
        "NgayHenTraTruoc",
        "NgayHenTraMoi",
    ),
    "QuaTrinhXuLy": (
        "MaHoSo",
        "NguoiXuLy",
        "ChucDanh",
        "PhongBanXuLy",
        "ThoiDiemXuLy",
        "NoiDungXuLy",
        "TrangThai",
        "NgayBatDau",
        "NgayKetThucTheoQuyDinh",
    ),
}
KNOWN_FIELDS = frozenset((*SCALAR_FIELDS, *LIST_FIELDS, HISTORY_FIELD))

# Events the exchange writes about a record (not processing steps: never exported as history).
SYNC_HISTORY = "sync_history"  # one item of the source's QuaTrinhXuLy
IMPORTED_UPDATE = "imported_update"  # a re-import changed the record
EXCHANGE_ACTIONS = frozenset({IMPORTED_UPDATE})

STATUS_CODES = frozenset(str(n) for n in range(1, 11))
CHANNELS = frozenset({"1", "2", "3"})
APPLICANT_KINDS = frozenset({"1", "2", "3", "4"})
PAID_ONLINE = frozenset({"0", "1", "2"})
NATIONAL_PORTAL = "2"  # NoiNopHoSo
_PLACES = frozenset({"1", "2"})  # NoiNopHoSo
_RETURN_KINDS = frozenset({"0", "1"})  # HinhThuc
# MaCSDL of the national population database. The codes the portal uses are not in any text we
# could read [U]; these are the spellings seen in provincial integration code.
POPULATION_DB_CODES = frozenset({"CSDLQGVDC", "CSDLQGDC", "DANCU", "CSDLDC"})
POPULATION_DB_WRITTEN = "CSDLQGVDC"  # what motcua writes
# TrangThaiBoSung is not defined by the spec [U]: motcua writes "0" waiting, "1" completed.
SUPPLEMENT_WAITING, SUPPLEMENT_DONE = "0", "1"

# The code is the agency e-ID, the receipt date YYMMDD and a sequence (domain.md §4).
MAX_FEES_TOTAL = 2**63 - 1  # Record.fees_total_vnd is a 64-bit column
RECORD_CODE = re.compile(r"^(?P<agency>[0-9A-Z][0-9A-Z.]*?)-(?P<day>\d{6})-(?P<seq>\d+)$")
NATIONAL_PROCEDURE_CODE = re.compile(r"^(?P<code>\d\.\d{6})(?:\.(?P<suffix>.+))?$")

# Status code → motcua state; 5 depends on receipt, 6 (waiting for a payment) has no state yet.
_STATE_OF_CODE: dict[str, State] = {
    "1": State.SUBMITTED,
    "2": State.RECEIVED,
    "3": State.REFUSED,
    "4": State.IN_PROGRESS,
    "5": State.SUPPLEMENT,
    "6": State.IN_PROGRESS,
    "7": State.WITHDRAWN,
    "8": State.STOPPED,
    "9": State.RESOLVED,
    "10": State.RETURNED,
}
_REFUSAL_STATES = frozenset({State.REFUSED, State.STOPPED, State.CLOSED, State.WITHDRAWN})

# Length limits of the Record columns the import fills.
_MAX = {"MaHoSo": 60, "ChuHoSo": 255, "SoGiayToChuHoSo": 20, "SoDienThoai": 20, "Email": 254}


@dataclass(frozen=True)
class Reject:
    position: int
    field: str
    reason: str


@dataclass
class HistoryItem:
    at: dt.datetime
    to_state: State
    reason: str
    due_at: dt.datetime | None
    item: dict[str, Any]


@dataclass
class ParsedRecord:
    position: int
    code: str
    agency_code: str
    procedure_code: str  # national code, without the local suffix
    procedure_suffix: str
    values: dict[str, Any]  # Record field → value
    history: list[HistoryItem]
    lists: dict[str, list[Any]]  # the list fields as they came
    unknown: dict[str, Any]
    source: dict[str, Any] = field(repr=False)


class _Invalid(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


def _get(obj: dict[str, Any], name: str, parse: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return parse(obj.get(name), *args, **kwargs)
    except BadValue as error:
        raise _Invalid(name, str(error)) from None


# Fast readers of the common, valid value; anything else goes through the full parser (the
# same answer, or the reason it is wrong). An import reads millions of records.


def _text(obj: dict[str, Any], name: str, max_length: int | None = None) -> str:
    value = obj.get(name)
    if type(value) is str and (max_length is None or len(value) <= max_length):
        return value
    return _get(obj, name, text, max_length=max_length)  # type: ignore[no-any-return]


def _code(obj: dict[str, Any], name: str, allowed: frozenset[str], default: str | None = None) -> str:
    value = obj.get(name)
    if type(value) is str and value in allowed:
        return value
    return _get(obj, name, parse_code, allowed, default=default)  # type: ignore[no-any-return]


def _flag_of(obj: dict[str, Any], name: str) -> bool:
    value = obj.get(name)
    if value == "1":
        return True
    if value == "0" or value == "" or value is None:
        return False
    return _get(obj, name, parse_flag)  # type: ignore[no-any-return]


def _date(obj: dict[str, Any], name: str) -> dt.datetime | None:
    try:
        return parse_datetime(obj.get(name))
    except BadValue as error:
        raise _Invalid(name, str(error)) from None


def _items(obj: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = obj.get(name)
    if value is None or value == "":
        return []
    if type(value) is not list or not all(type(v) is dict or isinstance(v, dict) for v in value):
        raise _Invalid(name, "phải là một danh sách các đối tượng.")
    return value


def _in_items(items: list[dict[str, Any]], list_name: str, name: str, parse: Any, *args: Any) -> list[Any]:
    if not items:
        return []
    out = []
    for i, item in enumerate(items):
        try:
            out.append(parse(item.get(name), *args))
        except BadValue as error:
            raise _Invalid(f"{list_name}[{i}].{name}", str(error)) from None
    return out


def parse_sync_record(obj: Any, position: int) -> ParsedRecord | Reject:
    """One sync record → motcua facts, or the first thing wrong with it."""
    if not isinstance(obj, dict):
        return Reject(position, "", "phần tử không phải một đối tượng JSON (hồ sơ).")
    try:
        parsed = _parse(obj, position)
    except _Invalid as error:
        return Reject(position, error.field, error.reason)
    unstorable = _unstorable(obj)
    return parsed if unstorable is None else Reject(position, "", unstorable)


def _unstorable(obj: dict[str, Any]) -> str | None:
    """What a record the checks passed still holds that no database or export can keep (the
    standard parser, the fallback for what orjson refuses, lets these through)."""
    try:
        orjson.dumps(obj)
    except orjson.JSONEncodeError as error:
        message = str(error)
        if "surrogate" in message:
            return "hồ sơ chứa ký tự không hợp lệ (nửa cặp surrogate UTF-16, ví dụ \\ud800)."
        if "ecursion" in message:
            return "hồ sơ có các mảng/đối tượng lồng nhau quá sâu."
        if "64-bit" in message:
            return "hồ sơ có số nguyên quá lớn (vượt 64 bit)."
        return f"hồ sơ có giá trị không lưu được ({message})."
    return None


def _parse(obj: dict[str, Any], position: int) -> ParsedRecord:
    code = _text(obj, "MaHoSo", _MAX["MaHoSo"]).strip()
    if not code:
        raise _Invalid(
            "MaHoSo",
            "thiếu mã hồ sơ — phần tử này không phải một hồ sơ "
            "(tệp phải là một mảng JSON các hồ sơ, hoặc JSON Lines: mỗi dòng một hồ sơ).",
        )
    match = RECORD_CODE.match(code)
    if match is None:
        raise _Invalid("MaHoSo", f"“{code}” không có dạng <mã định danh cơ quan>-<yymmdd>-<số thứ tự>.")
    service_code = _text(obj, "MaTTHC").strip()
    procedure = NATIONAL_PROCEDURE_CODE.match(service_code)
    if procedure is None:
        raise _Invalid(
            "MaTTHC", f"“{service_code}” không bắt đầu bằng một mã TTHC quốc gia (ví dụ 1.003560)."
        )

    status = _code(obj, "TrangThaiHoSo", STATUS_CODES)
    submitted = _date(obj, "NgayNopHoSo")
    received = _date(obj, "NgayTiepNhan")
    due = _date(obj, "NgayHenTra")
    finished = _date(obj, "NgayKetThucXuLy")
    returned = _date(obj, "NgayTra")
    refused = _date(obj, "NgayTuChoi")
    if submitted is None:
        submitted = received
    if submitted is None:
        raise _Invalid("NgayNopHoSo", "thiếu cả ngày nộp và ngày tiếp nhận.")
    state = _STATE_OF_CODE[status]
    if state == State.SUPPLEMENT and received is None:
        state = State.INTAKE_SUPPLEMENT

    documents = _items(obj, "TaiLieuNop")
    live = [not d for d in _in_items(documents, "TaiLieuNop", "IsDeleted", _deleted)]
    digitized = _in_items(documents, "TaiLieuNop", "DuocSoHoa", parse_flag)
    reused = _in_items(documents, "TaiLieuNop", "DuocTaiSuDung", parse_flag)
    from_store = _in_items(documents, "TaiLieuNop", "DuocLayTuKhoDMQG", parse_flag)
    replaced = [bool(str(d.get("MaKetQuaThayThe") or "").strip()) for d in documents]
    fees = _in_items(_items(obj, "DanhSachLePhi"), "DanhSachLePhi", "Gia", parse_amount)
    if sum(fees) > MAX_FEES_TOTAL:
        raise _Invalid("DanhSachLePhi", f"tổng phí, lệ phí {sum(fees)} đồng vượt quá giới hạn lưu trữ.")
    results = _items(obj, "DanhSachGiayToKetQua")
    databases = _items(obj, "DSKetNoiCSDL")
    _items(obj, "DinhDanhCHS")  # checked: a list of objects (kept as sent)
    supplements = _items(obj, "DanhSachHoSoBoSung")
    requested = _in_items(supplements, "DanhSachHoSoBoSung", "NgayBoSung", parse_datetime)
    for name in ("NgayTiepNhanBoSung", "NgayHenTraMoi"):
        _in_items(supplements, "DanhSachHoSoBoSung", name, parse_datetime)
    due_before = _in_items(supplements, "DanhSachHoSoBoSung", "NgayHenTraTruoc", parse_datetime)
    digitized_flag = obj.get("HoSoCoThanhPhanSoHoa")
    has_digitized = (
        _flag_of(obj, "HoSoCoThanhPhanSoHoa")
        if digitized_flag not in (None, "")
        else any(d and keep for d, keep in zip(digitized, live, strict=True))
    )
    requested_at = max((r for r in requested if r is not None), default=None)
    ended = finished or returned or refused
    values: dict[str, Any] = {
        "state": state,
        "channel": _code(obj, "KenhThucHien", CHANNELS, default="1"),
        "applicant_name": nfc(_text(obj, "ChuHoSo", _MAX["ChuHoSo"]).strip()),
        "applicant_id_number": _text(obj, "SoGiayToChuHoSo", _MAX["SoGiayToChuHoSo"]).strip(),
        "applicant_phone": _text(obj, "SoDienThoai", _MAX["SoDienThoai"]).strip(),
        "applicant_email": _text(obj, "Email", _MAX["Email"]).strip(),
        "applicant_kind": _code(obj, "LoaiDoiTuong", APPLICANT_KINDS, default="1"),
        "summary": nfc(_text(obj, "TrichYeuHoSo")),
        "submitted_at": submitted,
        "received_at": received,
        "due_at": due,
        "original_due_at": next((d for d in due_before if d is not None), due),
        "finished_at": finished,
        "returned_at": returned,
        "ended_at": ended,
        "clock_paused_at": requested_at if state == State.SUPPLEMENT else None,
        "supplement_requested_at": requested_at,
        "supplement_count": len(supplements),
        "approved": (refused is None) if state in (State.RESOLVED, State.RETURNED) else None,
        "fees_total_vnd": sum(fees),
        "paid_online": _code(obj, "DuocThanhToanTrucTuyen", PAID_ONLINE, default="0"),
        "has_digitized_components": has_digitized,
        "has_e_result": any(str(r.get("DuongDanTepTinKetQua") or "").strip() for r in results),
        "vneid_verified": _flag_of(obj, "TaiKhoanDuocXacThucVoiVNeID"),
        "submitted_on_national_portal": _code(obj, "NoiNopHoSo", _PLACES, default="1") == NATIONAL_PORTAL,
        "used_population_db": any(str(d.get("MaCSDL", "")).upper() in POPULATION_DB_CODES for d in databases),
        "reused_data": any((r or x) and keep for r, x, keep in zip(reused, replaced, live, strict=True)),
        "from_national_data_store": any(s and keep for s, keep in zip(from_store, live, strict=True)),
    }
    # Checked, not stored: motcua has no column for them yet; `Record.extra` keeps them as sent.
    _code(obj, "HinhThuc", _RETURN_KINDS, default="0")
    return ParsedRecord(
        position=position,
        code=code,
        agency_code=match["agency"],
        procedure_code=procedure["code"],
        procedure_suffix=procedure["suffix"] or "",
        values=values,
        history=_history(obj, state),
        lists={name: obj[name] for name in LIST_FIELDS if name in obj},
        unknown={k: v for k, v in obj.items() if k not in KNOWN_FIELDS},
        source=obj,
    )


def _deleted(value: Any) -> bool:
    if value is True or value is False:
        return value
    return parse_flag(value)


def _history(obj: dict[str, Any], final: State) -> list[HistoryItem]:
    items = _items(obj, HISTORY_FIELD)
    out = []
    for i, item in enumerate(items):
        where = f"{HISTORY_FIELD}[{i}]"
        try:
            at = parse_datetime(item.get("ThoiDiemXuLy")) or parse_datetime(item.get("NgayBatDau"))
            due = parse_datetime(item.get("NgayKetThucTheoQuyDinh"))
        except BadValue as error:
            raise _Invalid(f"{where}.ThoiDiemXuLy", str(error)) from None
        if at is None:
            raise _Invalid(f"{where}.ThoiDiemXuLy", "thiếu thời điểm xử lý.")
        try:
            status = parse_code(item.get("TrangThai"), STATUS_CODES, default="")
        except BadValue as error:
            raise _Invalid(f"{where}.TrangThai", str(error)) from None
        state = _STATE_OF_CODE[status] if status else final
        try:
            reason = nfc(text(item.get("NoiDungXuLy")))
        except BadValue as error:
            raise _Invalid(f"{where}.NoiDungXuLy", str(error)) from None
        out.append(HistoryItem(at=at, to_state=state, reason=reason, due_at=due, item=item))
    return out


def source_extra(parsed: ParsedRecord, record: Record) -> dict[str, Any]:
    """What `Record.extra` keeps of a parsed record: unknown fields, the lists as they came, and
    each scalar the record's own columns would write differently (`record` has its procedure and
    agency set)."""
    derived = _scalars(record)
    verbatim = {
        name: parsed.source[name]
        for name in SCALAR_FIELDS
        if name in parsed.source and parsed.source[name] != derived[name]
    }
    extra: dict[str, Any] = {}
    if verbatim:
        extra["verbatim"] = verbatim
    if parsed.lists:
        extra["lists"] = parsed.lists
    if parsed.unknown:
        extra["unknown"] = parsed.unknown
    return extra


# What `Record.sync_kept` holds: the JSON text the export writes for each of `extra`'s parts,
# one segment per scalar field, per list field, then the unknown fields (",key:value…"), joined by
# a character JSON text never holds raw (it is escaped inside strings). An empty segment: not
# kept (the record's columns say it). The SQL export splices these instead of rebuilding them
# from jsonb in the file's key order, the dearest part of its work.
KEPT_SEPARATOR = "\x1f"


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _exact(value: Any) -> bool:
    """No number whose JSON text the database could change: a fraction (PostgreSQL writes
    jsonb's 1e-07 as 0.0000001) or an integer orjson cannot write."""
    if isinstance(value, dict):
        return all(_exact(v) for v in value.values())
    if isinstance(value, list):
        return all(_exact(v) for v in value)
    if isinstance(value, int):
        return -(2**63) <= value < 2**64
    return not isinstance(value, float)


def kept_text(extra: dict[str, Any]) -> str:
    """`Record.sync_kept` of a record whose `extra` this is; "" (the export rebuilds it from the
    database's jsonb, as it always did) if it holds a number that is not a plain integer."""
    if not _exact(extra):
        return ""
    verbatim, lists = extra.get("verbatim", {}), extra.get("lists", {})
    unknown = _in_order(extra.get("unknown", {}))
    parts = [_dumps(_in_order(verbatim[name])) if name in verbatim else "" for name in SCALAR_FIELDS]
    parts += [
        _dumps(_in_order(lists[name], ITEM_FIELDS[name])) if name in lists else "" for name in LIST_FIELDS
    ]
    parts.append("".join(f",{_dumps(key)}:{_dumps(value)}" for key, value in unknown.items()))
    return KEPT_SEPARATOR.join(parts)


def item_text(item: Any) -> str:
    """`RecordEvent.sync_item` of an imported history item: the item as the export writes it (""
    for one holding a number that is not a plain integer, as `kept_text`)."""
    if not _exact(item):
        return ""
    return _dumps(_in_order(item, ITEM_FIELDS[HISTORY_FIELD]))


# --- motcua → sync ---


def record_to_sync(
    record: Record, events: Iterable[RecordEvent] | None = None, files: Iterable[Any] | None = None
) -> dict[str, Any]:
    """The sync record of `record` (procedure, its field and the agency loaded; pass the events in
    time order and the attachments, or they are read). Status codes are sent as they are: 5, 6 and 8 are never 9."""
    if events is None:
        events = record.events.select_related("actor").order_by("at", "pk")
    events = list(events)
    extra = record.extra or {}
    out = _scalars(record)
    # A nested value in its fixed key order, as the SQL export writes it (the order the database
    # hands back differs between PostgreSQL and SQLite).
    out.update(_in_order(extra.get("verbatim", {})))
    lists = extra.get("lists", {})
    derived_lists = {
        "DinhDanhCHS": lambda: _identities(record),
        "DSKetNoiCSDL": lambda: [{"MaCSDL": POPULATION_DB_WRITTEN}] if record.used_population_db else [],
        "TaiLieuNop": lambda: _documents(record, files),
        "DanhSachLePhi": lambda: _fees(record),
        "DanhSachGiayToKetQua": list,
        "DanhSachHoSoBoSung": lambda: _supplements(record, events),
    }
    for name in LIST_FIELDS:
        items = lists[name] if name in lists else derived_lists[name]()
        out[name] = _in_order(items, ITEM_FIELDS[name])
    history = [_history_item(record, event) for event in events if event.action not in EXCHANGE_ACTIONS]
    out[HISTORY_FIELD] = _in_order(history, ITEM_FIELDS[HISTORY_FIELD])
    out.update(_in_order(extra.get("unknown", {})))
    return out


def _in_order(value: Any, first: tuple[str, ...] = ()) -> Any:
    """`value` with dict keys in a fixed order: `first` as given, then the others sorted."""
    if isinstance(value, list):
        return [_in_order(v, first) for v in value]
    if isinstance(value, dict):
        keys = [k for k in first if k in value]
        if len(keys) != len(value):
            keys += sorted(k for k in value if k not in first)
        return {k: _in_order(v) if isinstance(v := value[k], dict | list) else v for k in keys}
    return value


def _scalars(record: Record) -> dict[str, Any]:
    procedure = record.procedure
    state = State(record.state)
    refused_at = record.ended_at if state in _REFUSAL_STATES else None
    if record.approved is False:
        refused_at = record.finished_at or record.ended_at
    return {
        "MaHoSo": record.code,
        "MaTTHC": procedure.service_code,
        "TenTTHC": procedure.name,
        "MaLinhVuc": procedure.field.code,
        "TenLinhVuc": procedure.field.name,
        "KenhThucHien": record.channel,
        "ChuHoSo": record.applicant_name,
        "SoGiayToChuHoSo": record.applicant_id_number,
        "SoDienThoai": record.applicant_phone,
        "Email": record.applicant_email,
        "LoaiDoiTuong": record.applicant_kind,
        "MaDoiTuong": "",
        "TrichYeuHoSo": record.summary,
        "NgayNopHoSo": format_datetime(record.submitted_at),
        "NgayTiepNhan": format_datetime(record.received_at),
        "NgayHenTra": format_datetime(record.due_at),
        "NgayKetThucXuLy": format_datetime(record.finished_at),
        "NgayTra": format_datetime(record.returned_at),
        "NgayTuChoi": format_datetime(refused_at),
        "TrangThaiHoSo": str(state.national_code),
        "HinhThuc": "0",
        "DonViXuLy": record.agency.name,
        "NoiNopHoSo": NATIONAL_PORTAL if record.submitted_on_national_portal else "1",
        "TaiKhoanDuocXacThucVoiVNeID": _flag(record.vneid_verified),
        "DuocThanhToanTrucTuyen": record.paid_online,
        "HoSoCoThanhPhanSoHoa": _flag(record.has_digitized_components),
    }


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _identities(record: Record) -> list[dict[str, str]]:
    number = record.applicant_id_number
    if number.isdigit() and len(number) in (12, 9):
        return [{"LoaiDinhDanh": "1" if len(number) == 12 else "2", "SoDinhDanh": number}]
    return []


def _documents(record: Record, files: Iterable[Any] | None) -> list[dict[str, str]]:
    return [
        {
            "TepDinhKemId": a.sha256,
            "TenTepDinhKem": a.name,
            "MaThanhPhanHoSo": str(a.component_id or ""),
            "DuongDanTaiTepTin": "",
            "DuocSoHoa": _flag(record.channel != "2"),  # paper at the counter is scanned (NĐ 118 Điều 17.1)
            "DuocTaiSuDung": "0",
            "DuocLayTuKhoDMQG": "0",
            "MaKetQuaThayThe": "",
            "IsDeleted": "0",
        }
        for a in (record.attachments.all() if files is None else files)
    ]


def _fees(record: Record) -> list[dict[str, str]]:
    if not record.fees_total_vnd:
        return []
    return [
        {
            "TenPhiLePhi": "Phí, lệ phí",
            "MaPhiLePhi": "",
            "HinhThucThu": "",
            "Gia": str(record.fees_total_vnd),
            "LoaiPhiLePhi": "",
        }
    ]


def _person(record: Record, event: RecordEvent) -> str:
    if event.actor is not None:
        return event.actor.full_name or event.actor.username
    return "Hệ thống" if event.action == Action.CLOSE_UNSUPPLEMENTED else record.applicant_name


def _history_item(record: Record, event: RecordEvent) -> dict[str, Any]:
    if event.action == SYNC_HISTORY:
        return event.detail.get("item", {})
    label = str(Action(event.action).label) if event.action in Action.values else event.action
    return {
        "MaHoSo": record.code,
        "NguoiXuLy": _person(record, event),
        "ChucDanh": "",
        "PhongBanXuLy": "",
        "ThoiDiemXuLy": format_datetime(event.at),
        "NoiDungXuLy": f"{label}: {event.reason}" if event.reason else label,
        "TrangThai": str(State(event.to_state).national_code),
        "NgayBatDau": format_datetime(event.at),
        "NgayKetThucTheoQuyDinh": format_datetime(event.due_at),
    }


def _supplements(record: Record, events: list[RecordEvent]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    pending: dict[str, str] | None = None
    for event in events:
        if event.action == Action.REQUEST_SUPPLEMENT:
            pending = {
                "NguoiYeuCauBoSung": _person(record, event),
                "NoiDungBoSung": "; ".join(event.detail.get("missing") or []) or event.reason,
                "NgayBoSung": format_datetime(event.at),
                "NgayTiepNhanBoSung": "",
                "TrangThaiBoSung": SUPPLEMENT_WAITING,
                "NgayHenTraTruoc": format_datetime(event.due_at),
                "NgayHenTraMoi": "",
            }
            out.append(pending)
        elif event.action == Action.SUPPLEMENT_RECEIVED and pending is not None:
            pending.update(
                NgayTiepNhanBoSung=format_datetime(event.at),
                TrangThaiBoSung=SUPPLEMENT_DONE,
                NgayHenTraMoi=format_datetime(event.due_at),
            )
            pending = None
    return out
