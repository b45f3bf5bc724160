"""What each national form says, as plain data. No model dependency: the records package fills
these from a record and its events; tests and previews fill them by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from motcua.core.text import nfc
from motcua.records.lifecycle import Form
from motcua.records.timeliness import Timeliness, classify


@dataclass(frozen=True, kw_only=True)
class Issuer:
    """The agency whose name heads the paper."""

    name: str  # e.g. "Trung tâm Phục vụ hành chính công xã Vạn Hưng"
    parent_name: str = ""  # the superior body printed above it, e.g. "UBND tỉnh Khánh Hòa"
    code: str = ""  # mã định danh (QĐ 20/2020/QĐ-TTg)
    place: str  # the place written on the date line
    phone: str = ""


@dataclass(frozen=True, kw_only=True)
class Applicant:
    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, kw_only=True)
class Paper:
    """Common part of every form: the national header and the QR code (TCVN 7322, top left)."""

    form: ClassVar[Form]
    title: ClassVar[str]
    issuer: Issuer
    number: str = ""  # the paper's number, printed "Số: …"
    issued_on: dt.date
    signer_title: str = ""
    signer_name: str = ""

    @property
    def template_name(self) -> str:
        return f"documents/forms/mau{self.form.value[1:]}.html"

    def qr_fields(self) -> dict[str, str]:
        return {"TenGiayTo": self.title}

    def qr_payload(self) -> str:
        """Field names as in the national sync format, one 'Name: value' per line."""
        return nfc("\n".join(f"{k}: {v}" for k, v in self.qr_fields().items() if v))


@dataclass(frozen=True, kw_only=True)
class RecordPaper(Paper):
    """A paper about one record: the QR carries record code, procedure code, applicant ID, name."""

    record_code: str
    procedure_code: str
    procedure_name: str
    applicant: Applicant

    def qr_fields(self) -> dict[str, str]:
        return {
            "MaHoSo": self.record_code,
            "MaTTHC": self.procedure_code,
            "SoGiayToChuHoSo": self.applicant.id_number,
            "TenGiayTo": self.title,
        }


@dataclass(frozen=True, kw_only=True)
class Component:
    name: str
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True, kw_only=True)
class Fee:
    name: str
    amount: int | None  # đồng; None: set by a rule (e.g. the provincial council's resolution), no fixed sum


@dataclass(frozen=True, kw_only=True)
class Receipt(RecordPaper):
    """Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

    form = Form.M01
    title = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    components: tuple[Component, ...]
    sets: int = 1
    processing_time: str  # as the procedure states it, e.g. "15 ngày làm việc"
    counting_note: str = "Thời hạn được tính từ ngày làm việc tiếp theo ngày tiếp nhận hồ sơ."
    received_at: dt.datetime
    due_at: dt.datetime
    return_place: str
    fees: tuple[Fee, ...] = ()

    @property
    def total_fee(self) -> int | None:
        """The sum to pay, or None when a fee has no fixed sum (the receipt cannot add it up)."""
        amounts = [fee.amount for fee in self.fees]
        return None if None in amounts else sum(a for a in amounts if a is not None)


@dataclass(frozen=True, kw_only=True)
class SupplementItem:
    document: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class SupplementRequest(RecordPaper):
    """Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (all missing items at once, Điều 16.3)."""

    form = Form.M02
    title = "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
    submitted_on: dt.date
    items: tuple[SupplementItem, ...]
    contact: str = ""


@dataclass(frozen=True, kw_only=True)
class IntakeRefusal(RecordPaper):
    """Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ."""

    form = Form.M03
    title = "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
    submitted_on: dt.date
    reasons: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Apology(RecordPaper):
    """Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn (sent at least 1 day before the due date)."""

    form = Form.M04
    title = "Văn bản xin lỗi và đề nghị gia hạn"
    received_at: dt.datetime
    due_at: dt.datetime
    new_due_at: dt.datetime
    reason: str


@dataclass(frozen=True, kw_only=True)
class StopNotice(RecordPaper):
    """Mẫu 05 — Thông báo dừng giải quyết hồ sơ."""

    form = Form.M05
    title = "Thông báo dừng giải quyết hồ sơ"
    received_at: dt.datetime
    requested_on: dt.date | None = None  # the applicant's request, when they asked
    stopped_on: dt.date
    reason: str


def timeliness(done_at: dt.datetime, due_at: dt.datetime) -> Timeliness:
    """The records package's one classification, so a paper never disagrees with a screen."""
    return classify(due_at=due_at, ended_at=done_at, now=done_at)


@dataclass(frozen=True, kw_only=True)
class Handover:
    giver: str  # person and unit handing over
    receiver: str
    handed_at: dt.datetime
    due_at: dt.datetime  # when this step was due
    note: str = ""

    @property
    def timeliness(self) -> Timeliness:
        return timeliness(self.handed_at, self.due_at)


@dataclass(frozen=True, kw_only=True)
class ControlSheet(RecordPaper):
    """Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ: every hand-over, early/on time/late."""

    form = Form.M06
    title = "Phiếu kiểm soát quá trình giải quyết hồ sơ"
    received_at: dt.datetime
    due_at: dt.datetime
    handling_agency: str
    cooperating_agencies: tuple[str, ...] = ()
    handovers: tuple[Handover, ...]


@dataclass(frozen=True, kw_only=True)
class RegisterRow:
    record_code: str
    procedure_name: str
    applicant_name: str
    applicant_address: str = ""
    received_at: dt.datetime
    due_at: dt.datetime
    finished_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    note: str = ""
    # The record's own classification when the caller knows more than two dates (the clock
    # paused, too many supplement requests): the register then says what the record page says.
    verdict: Timeliness | None = None

    @property
    def timeliness(self) -> Timeliness | None:
        if self.verdict is not None:
            return self.verdict
        return None if self.finished_at is None else timeliness(self.finished_at, self.due_at)


@dataclass(frozen=True, kw_only=True)
class Register(Paper):
    """Mẫu 07 — Sổ theo dõi hồ sơ, per agency and period."""

    form = Form.M07
    title = "Sổ theo dõi hồ sơ"
    period_from: dt.date
    period_to: dt.date
    rows: tuple[RegisterRow, ...] = field(default=())

    def qr_fields(self) -> dict[str, str]:
        period = f"{self.period_from:%d/%m/%Y}-{self.period_to:%d/%m/%Y}"
        return {"MaCoQuan": self.issuer.code, "KyBaoCao": period, "TenGiayTo": self.title}
