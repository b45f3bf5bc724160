"""The catalogue document as a workbook: one sheet per kind of row, Vietnamese headers, so that
an officer can review or prepare a catalogue in a spreadsheet and import it back."""

import datetime as dt
import json
from collections import defaultdict
from io import BytesIO
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from .interchange import FORMAT, VERSION, CatalogueError, Problem

# (path in the JSON document, header). A path "a.b" is the key b inside the object a.
PROCEDURE_COLUMNS = [
    ("code", "Mã TTHC"),
    ("local_code_suffix", "Hậu tố mã dịch vụ"),
    ("name", "Tên thủ tục"),
    ("field", "Mã lĩnh vực"),
    ("levels", "Cấp thực hiện"),
    ("competent_agency", "Cơ quan có thẩm quyền"),
    ("subjects", "Đối tượng thực hiện"),
    ("steps_text", "Trình tự thực hiện"),
    ("how_to_apply", "Cách thức thực hiện"),
    ("dossier_sets", "Số bộ hồ sơ"),
    ("time.value", "Thời hạn"),
    ("time.unit", "Đơn vị thời hạn"),
    ("time.text", "Mô tả thời hạn"),
    ("time.by_channel", "Thời hạn theo cách nộp"),
    ("clock.value", "Thời hạn tính hạn"),
    ("clock.unit", "Đơn vị tính hạn"),
    ("clock.assumed", "Tính hạn theo giả định"),
    ("clock.same_day_cutoff", "Mốc 15 giờ"),
    ("result", "Kết quả"),
    ("produces_document", "Kết quả là giấy tờ"),
    ("online_level", "Mức trực tuyến"),
    ("full_online_eligible", "Đủ điều kiện toàn trình"),
    ("legal_basis", "Căn cứ pháp lý"),
    ("publication.number", "Số QĐ công bố"),
    ("publication.date", "Ngày QĐ công bố"),
    ("publication.made_public_on", "Ngày công khai"),
    ("source", "Nguồn"),
    ("confidence", "Độ tin cậy"),
    ("notes", "Ghi chú"),
    ("is_active", "Đang áp dụng"),
]
CHILD_SHEETS = {
    "components": (
        "Thành phần hồ sơ",
        [
            ("name", "Tên giấy tờ"),
            ("copy_kind", "Loại bản"),
            ("count", "Số lượng"),
            ("required", "Bắt buộc"),
            ("replaceable_by_data", "Thay bằng dữ liệu"),
            ("from_data_store", "Lấy từ kho dữ liệu"),
        ],
    ),
    "fees": (
        "Phí, lệ phí",
        [
            ("kind", "Loại"),
            ("name", "Tên khoản"),
            ("amount_vnd", "Mức thu (đồng)"),
            ("rule", "Quy định mức thu"),
        ],
    ),
    "process": (
        "Quy trình nội bộ",
        [("name", "Tên bước"), ("role", "Vai trò"), ("budget", "Thời gian")],
    ),
}
FIELD_SHEET = ("Lĩnh vực", [("code", "Mã lĩnh vực"), ("name", "Tên lĩnh vực")])
OFFERING_SHEET = (
    "Cơ quan thực hiện",
    [
        ("procedure", "Mã TTHC"),
        ("agency", "Mã định danh cơ quan"),
        ("online_level", "Mức trực tuyến"),
        ("local_service_code", "Mã dịch vụ tại cơ quan"),
        ("valid_from", "Hiệu lực từ"),
        ("valid_to", "Hiệu lực đến"),
    ],
)
PROCEDURE_SHEET = "Thủ tục"
LIST_KEYS = {"levels", "subjects"}
LINES_KEYS = {"source"}
MAPPING_KEYS = {"time.by_channel"}
BOOL_KEYS = {
    "clock.assumed",
    "clock.same_day_cutoff",
    "produces_document",
    "full_online_eligible",
    "is_active",
    "required",
    "replaceable_by_data",
    "from_data_store",
}
DATE_KEYS = {"publication.date", "publication.made_public_on", "valid_from", "valid_to"}


def _cell(key: str, value: Any) -> Any:
    if key in LIST_KEYS:
        return ", ".join(value or []) or None
    if key in LINES_KEYS:
        return "\n".join(value or []) or None
    if key in MAPPING_KEYS:
        return json.dumps(value, ensure_ascii=False) if value else None
    if key in BOOL_KEYS:
        return "có" if value else "không"
    if key in DATE_KEYS and value:
        return dt.date.fromisoformat(value)
    return None if value == "" else value


def _value(key: str, cell: Any) -> Any:
    if key in MAPPING_KEYS and isinstance(cell, str) and cell.strip():
        try:
            return json.loads(cell)
        except json.JSONDecodeError:
            return cell  # the validator reports it with its row
    return cell


def _get(obj: dict, path: str) -> Any:
    value: Any = obj
    for part in path.split("."):
        value = (value or {}).get(part)
    return value


def _put(obj: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        obj = obj.setdefault(part, {})
    obj[last] = value


def _sheet(wb: Workbook, title: str, columns: list[tuple[str, str]], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append([label for _key, label in columns])
    for row in rows:
        ws.append(row)
    for i, (key, _label) in enumerate(columns, start=1):
        letter = get_column_letter(i)
        if key in DATE_KEYS:
            for cell in ws[letter][1:]:
                cell.number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"


def document_to_xlsx(document: dict[str, Any]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, FIELD_SHEET[0], FIELD_SHEET[1], [[f["code"], f["name"]] for f in document["fields"]])
    _sheet(
        wb,
        PROCEDURE_SHEET,
        PROCEDURE_COLUMNS,
        [[_cell(k, _get(p, k)) for k, _l in PROCEDURE_COLUMNS] for p in document["procedures"]],
    )
    for key, (title, columns) in CHILD_SHEETS.items():
        all_columns = [("procedure", "Mã TTHC"), ("position", "Thứ tự"), *columns]
        rows = [
            [p["code"], position, *(_cell(k, child.get(k)) for k, _l in columns)]
            for p in document["procedures"]
            for position, child in enumerate(p[key], start=1)
        ]
        _sheet(wb, title, all_columns, rows)
    _sheet(
        wb,
        OFFERING_SHEET[0],
        OFFERING_SHEET[1],
        [[_cell(k, o.get(k)) for k, _l in OFFERING_SHEET[1]] for o in document.get("offerings", [])],
    )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _rows(wb: Any, title: str, columns: list[tuple[str, str]], problems: list[Problem]) -> list[dict]:
    if title not in wb.sheetnames:
        problems.append(Problem(title, _("thiếu trang tính này.")))
        return []
    ws = wb[title]
    rows = ws.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
    by_header = {label: key for key, label in columns} | {key: key for key, _label in columns}
    keys = [by_header.get(h) for h in header]
    missing = {label for key, label in columns if key not in keys}
    if missing:
        problems.append(Problem(title, _("thiếu cột: %s.") % ", ".join(sorted(missing))))
        return []
    out = []
    for number, row in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        item: dict[str, Any] = {"_where": _("%(sheet)s, dòng %(n)s") % {"sheet": title, "n": number}}
        for key, value in zip(keys, row, strict=False):
            if key:
                _put(item, key, _value(key, value))
        out.append(item)
    return out


def xlsx_to_document(stream: BinaryIO) -> dict[str, Any]:
    """Reads a workbook written by document_to_xlsx (or prepared by hand in the same shape)."""
    try:
        wb = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a non-workbook
        raise CatalogueError([Problem(_("tệp"), _("không đọc được tệp XLSX: %s") % exc)]) from exc
    problems: list[Problem] = []
    fields = _rows(wb, *FIELD_SHEET, problems)
    procedures = _rows(wb, PROCEDURE_SHEET, PROCEDURE_COLUMNS, problems)
    by_code = {str(p.get("code") or "").strip(): p for p in procedures}
    for key, (title, columns) in CHILD_SHEETS.items():
        children: dict[str, list[tuple[Any, dict]]] = defaultdict(list)
        for row in _rows(wb, title, [("procedure", "Mã TTHC"), ("position", "Thứ tự"), *columns], problems):
            code = str(row.pop("procedure") or "").strip()
            if code not in by_code:
                problems.append(
                    Problem(row["_where"], _("không có thủ tục mã %s trong trang Thủ tục.") % code)
                )
                continue
            position = row.pop("position")
            if not isinstance(position, int | float):
                problems.append(Problem(row["_where"], _("“Thứ tự” phải là số.")))
                continue
            children[code].append((position, row))
        for code, rows in children.items():
            by_code[code][key] = [row for _pos, row in sorted(rows, key=lambda pair: pair[0])]
    offerings = _rows(wb, *OFFERING_SHEET, problems) if OFFERING_SHEET[0] in wb.sheetnames else []
    wb.close()
    if problems:
        raise CatalogueError(problems)
    return {
        "format": FORMAT,
        "version": VERSION,
        "fields": fields,
        "procedures": procedures,
        "offerings": offerings,
    }
