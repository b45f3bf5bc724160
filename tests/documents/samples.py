"""One filled example of each national form, with Vietnamese text that exercises every diacritic."""

import datetime as dt
from zoneinfo import ZoneInfo

from motcua.documents.forms import (
    Apology,
    Applicant,
    Component,
    ControlSheet,
    Fee,
    Handover,
    IntakeRefusal,
    Receipt,
    Register,
    RegisterRow,
    StopNotice,
    SupplementItem,
    SupplementRequest,
)
from motcua.documents.forms.content import Issuer

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUER = Issuer(
    name="Trung tâm Phục vụ hành chính công xã Vạn Hưng",
    parent_name="UBND tỉnh Khánh Hòa",
    code="H15.50.05.13",
    place="Vạn Hưng",
)
APPLICANT = Applicant(
    name="Nguyễn Thị Ánh Tuyết",
    id_number="056190001234",
    address="Thôn Xuân Tự 1, xã Vạn Hưng, tỉnh Khánh Hòa",
    phone="0905 123 456",
    email="anhtuyet@example.vn",
)
RECORD = {
    "record_code": "H15.50.05.13-261008-0975",
    "procedure_code": "1.001612",
    "procedure_name": "Đăng ký thành lập hộ kinh doanh",
    "applicant": APPLICANT,
}
RECEIVED = dt.datetime(2026, 10, 8, 9, 15, tzinfo=HCM)
DUE = dt.datetime(2026, 10, 13, 16, 30, tzinfo=HCM)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A local moment in October 2026."""
    return dt.datetime(2026, 10, day, hour, minute, tzinfo=HCM)


def receipt() -> Receipt:
    return Receipt(
        issuer=ISSUER,
        number="0975/TNHS",
        issued_on=RECEIVED.date(),
        signer_name="Trần Văn Đức",
        components=(
            Component(name="Giấy đề nghị đăng ký hộ kinh doanh", originals=1),
            Component(name="Bản sao Căn cước công dân của chủ hộ kinh doanh", copies=1),
            Component(name="Hợp đồng thuê địa điểm kinh doanh", originals=1, copies=1),
        ),
        processing_time="3 ngày làm việc",
        received_at=RECEIVED,
        due_at=DUE,
        return_place="Trung tâm Phục vụ hành chính công xã Vạn Hưng",
        fees=(
            Fee(name="Lệ phí đăng ký hộ kinh doanh", amount=100_000),
            Fee(name="Phí sao y", amount=1_234_567),
        ),
        **RECORD,
    )


def supplement_request() -> SupplementRequest:
    return SupplementRequest(
        issuer=ISSUER,
        number="12/YCBS",
        issued_on=dt.date(2026, 10, 9),
        signer_name="Trần Văn Đức",
        submitted_on=RECEIVED.date(),
        items=(
            SupplementItem(
                document="Hợp đồng thuê địa điểm kinh doanh", reason="Thiếu chữ ký của bên cho thuê"
            ),
            SupplementItem(document="Giấy ủy quyền", reason="Người nộp không phải chủ hộ kinh doanh"),
        ),
        contact="ông Trần Văn Đức, số điện thoại 0258 3840 123",
        **RECORD,
    )


def intake_refusal() -> IntakeRefusal:
    return IntakeRefusal(
        issuer=ISSUER,
        number="03/TC",
        issued_on=RECEIVED.date(),
        signer_name="Trần Văn Đức",
        submitted_on=RECEIVED.date(),
        reasons=(
            "Ngành nghề đăng ký thuộc danh mục cấm kinh doanh.",
            "Tên hộ kinh doanh trùng với hộ đã đăng ký.",
        ),
        **RECORD,
    )


def apology() -> Apology:
    return Apology(
        issuer=ISSUER,
        number="04/XL",
        issued_on=dt.date(2026, 10, 12),
        signer_title="Giám đốc",
        signer_name="Lê Thị Hồng Nhung",
        received_at=RECEIVED,
        due_at=DUE,
        new_due_at=dt.datetime(2026, 10, 16, 16, 30, tzinfo=HCM),
        reason="Cần xác minh địa điểm kinh doanh với Ủy ban nhân dân xã Đại Lãnh.",
        **RECORD,
    )


def stop_notice() -> StopNotice:
    return StopNotice(
        issuer=ISSUER,
        number="05/DGQ",
        issued_on=dt.date(2026, 10, 10),
        signer_title="Giám đốc",
        signer_name="Lê Thị Hồng Nhung",
        received_at=RECEIVED,
        requested_on=dt.date(2026, 10, 9),
        stopped_on=dt.date(2026, 10, 10),
        reason="Người nộp hồ sơ đề nghị dừng giải quyết để điều chỉnh ngành nghề.",
        **RECORD,
    )


def control_sheet() -> ControlSheet:
    return ControlSheet(
        issuer=ISSUER,
        number="0975/TNHS",
        issued_on=RECEIVED.date(),
        received_at=RECEIVED,
        due_at=DUE,
        handling_agency="Phòng Kinh tế xã Vạn Hưng",
        cooperating_agencies=("Công an xã Vạn Hưng",),
        handovers=(
            Handover(
                giver="Trần Văn Đức (Một cửa)",
                receiver="Phạm Quốc Việt (Phòng Kinh tế)",
                handed_at=at(8, 10),
                due_at=at(9, 17),
            ),
            Handover(
                giver="Phạm Quốc Việt (Phòng Kinh tế)",
                receiver="Lê Thị Hồng Nhung (Lãnh đạo)",
                handed_at=at(12, 15),
                due_at=at(12, 16),
            ),
            Handover(
                giver="Lê Thị Hồng Nhung (Lãnh đạo)",
                receiver="Trần Văn Đức (Một cửa)",
                handed_at=at(13, 17, 5),
                due_at=at(13, 16, 30),
                note="Ký số chậm",
            ),
        ),
        **RECORD,
    )


def register() -> Register:
    return Register(
        issuer=ISSUER,
        issued_on=dt.date(2026, 10, 31),
        signer_name="Trần Văn Đức",
        period_from=dt.date(2026, 10, 1),
        period_to=dt.date(2026, 10, 31),
        rows=(
            RegisterRow(
                record_code="H15.50.05.13-261008-0975",
                procedure_name="Đăng ký thành lập hộ kinh doanh",
                applicant_name="Nguyễn Thị Ánh Tuyết",
                applicant_address="Thôn Xuân Tự 1",
                received_at=at(8, 9),
                due_at=at(13, 16),
                finished_at=at(12, 10),
                returned_at=at(13, 9),
            ),
            RegisterRow(
                record_code="H15.50.05.13-261009-0001",
                procedure_name="Đăng ký khai sinh",
                applicant_name="Hồ Văn Lực",
                received_at=at(9, 8),
                due_at=at(9, 17),
                finished_at=at(9, 15),
                returned_at=at(9, 16),
            ),
            RegisterRow(
                record_code="H15.50.05.13-261012-0003",
                procedure_name="Chứng thực bản sao từ bản chính",
                applicant_name="Đặng Thùy Dương",
                received_at=at(12, 8),
                due_at=at(12, 11),
                finished_at=at(12, 14),
                note="Trễ do mất điện",
            ),
        ),
    )


ALL = {
    "mau01": receipt,
    "mau02": supplement_request,
    "mau03": intake_refusal,
    "mau04": apology,
    "mau05": stop_notice,
    "mau06": control_sheet,
    "mau07": register,
}
