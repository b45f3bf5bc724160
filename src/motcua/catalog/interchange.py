"""The catalogue exchange format (JSON shape; XLSX is the same data flattened into sheets).

`to_document()` writes it; `clean_document()` checks a whole document before anything is written
and reports every bad item with its position, so an import either applies fully or not at all.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.core.text import nfc, search_key

from .models import (
    Confidence,
    CopyKind,
    FeeKind,
    Level,
    OnlineLevel,
    Procedure,
    Subject,
    TimeUnit,
)
from .rules import process_budget_problem

FORMAT = "motcua.catalogue"
VERSION = 1
CODE_RE = re.compile(r"^\d+\.\d{6}$")
MAX_DECIMAL = Decimal("99999.99")


@dataclass
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class CleanProcedure:
    code: str
    values: dict[str, Any]
    field_code: str
    components: list[dict[str, Any]]
    fees: list[dict[str, Any]]
    steps: list[dict[str, Any]]


@dataclass
class CleanDocument:
    fields: dict[str, str] = field(default_factory=dict)  # code → name
    procedures: list[CleanProcedure] = field(default_factory=list)
    offerings: list[dict[str, Any]] = field(default_factory=list)


class CatalogueError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def field_code_for(name: str) -> str:
    return slugify(search_key(name))


# ---------------------------------------------------------------- writing


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def procedure_to_dict(p: Procedure) -> dict[str, Any]:
    return {
        "code": p.code,
        "local_code_suffix": p.local_code_suffix,
        "name": p.name,
        "field": p.field.code,
        "levels": list(p.levels),
        "competent_agency": p.competent_agency,
        "subjects": list(p.subjects),
        "steps_text": p.steps_text,
        "how_to_apply": p.how_to_apply,
        "dossier_sets": p.dossier_sets,
        "time": {
            "value": _number(p.time_value),
            "unit": p.time_unit,
            "text": p.time_text,
            "by_channel": dict(p.time_by_channel),
        },
        "clock": {
            "value": _number(p.clock_value),
            "unit": p.clock_unit,
            "assumed": p.clock_assumed,
            "same_day_cutoff": p.same_day_cutoff,
        },
        "result": p.result,
        "produces_document": p.produces_document,
        "online_level": p.online_level,
        "full_online_eligible": p.full_online_eligible,
        "legal_basis": p.legal_basis,
        "publication": {
            "number": p.publication_number,
            "date": _date(p.publication_date),
            "made_public_on": _date(p.made_public_on),
        },
        "source": list(p.source),
        "confidence": p.confidence,
        "notes": p.notes,
        "is_active": p.is_active,
        "components": [
            {
                "name": c.name,
                "copy_kind": c.copy_kind,
                "count": c.count,
                "required": c.required,
                "replaceable_by_data": c.replaceable_by_data,
                "from_data_store": c.from_data_store,
            }
            for c in p.components.all()
        ],
        "fees": [
            {"kind": f.kind, "name": f.name, "amount_vnd": f.amount_vnd, "rule": f.rule} for f in p.fees.all()
        ],
        "process": [
            {"name": s.name, "role": s.role, "budget": _number(s.budget)} for s in p.process_steps.all()
        ],
    }


# ---------------------------------------------------------------- reading


class _Reader:
    """Collects problems instead of stopping at the first, so one run shows every bad row."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def bad(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def text(self, item: dict, key: str, where: str, *, required: bool = False, max_length: int = 0) -> str:
        raw = item.get(key)
        if raw is None:
            raw = ""
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            self.bad(where, _("“%(key)s” phải là chuỗi ký tự.") % {"key": key})
            return ""
        value = nfc(str(raw)).strip()
        if required and not value:
            self.bad(where, _("thiếu “%(key)s”.") % {"key": key})
        if max_length and len(value) > max_length:
            self.bad(where, _("“%(key)s” dài quá %(n)s ký tự.") % {"key": key, "n": max_length})
        return value

    def flag(self, item: dict, key: str, where: str, default: bool) -> bool:
        raw = item.get(key, default)
        if raw is None or raw == "":
            return default
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str) and search_key(raw) in {"co", "true", "x", "1"}:
            return True
        if isinstance(raw, str) and search_key(raw) in {"khong", "false", "0"}:
            return False
        self.bad(where, _("“%(key)s” phải là có/không.") % {"key": key})
        return default

    def decimal(self, raw: Any, key: str, where: str) -> Decimal | None:
        if raw is None or raw == "":
            return None
        try:
            if isinstance(raw, bool):
                raise InvalidOperation
            value = Decimal(str(raw).replace(",", ".")).quantize(Decimal("0.01"))
        except InvalidOperation:
            self.bad(where, _("“%(key)s” không phải là số: %(raw)r.") % {"key": key, "raw": raw})
            return None
        if value < 0 or value > MAX_DECIMAL:
            self.bad(where, _("“%(key)s” nằm ngoài khoảng cho phép: %(raw)s.") % {"key": key, "raw": raw})
            return None
        return value

    def integer(self, raw: Any, key: str, where: str, *, minimum: int = 0) -> int | None:
        if raw is None or raw == "":
            return None
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, str) and raw.strip().isdigit():
            raw = int(raw.strip())
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < minimum:
            self.bad(
                where, _("“%(key)s” phải là số nguyên không nhỏ hơn %(min)s.") % {"key": key, "min": minimum}
            )
            return None
        return raw

    def choice(self, raw: Any, key: str, where: str, choices: type, *, blank: bool = False) -> str:
        value = "" if raw is None else str(raw).strip()
        if blank and value == "":
            return ""
        if value not in choices.values:
            allowed = ", ".join(choices.values)
            self.bad(
                where,
                _("“%(key)s” = %(value)r không hợp lệ (chọn một trong: %(allowed)s).")
                % {"key": key, "value": value, "allowed": allowed},
            )
        return value

    def choices(self, raw: Any, key: str, where: str, choices: type) -> list[str]:
        if raw is None or raw == "":
            return []
        if isinstance(raw, str):
            raw = [part for part in re.split(r"[,;\s]+", raw) if part]
        if not isinstance(raw, list):
            self.bad(where, _("“%(key)s” phải là danh sách.") % {"key": key})
            return []
        return [self.choice(v, key, where, choices) for v in raw]

    def date(self, raw: Any, key: str, where: str) -> dt.date | None:
        if raw is None or raw == "":
            return None
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(str(raw).strip(), fmt).date()
            except ValueError:
                continue
        self.bad(where, _("“%(key)s” không phải là ngày (dd/mm/yyyy): %(raw)r.") % {"key": key, "raw": raw})
        return None

    def mapping(self, raw: Any, key: str, where: str) -> dict:
        if raw is None or raw == "":
            return {}
        if not isinstance(raw, dict):
            self.bad(where, _("“%(key)s” phải là bảng khóa–giá trị.") % {"key": key})
            return {}
        return {nfc(str(k)): nfc(str(v)) for k, v in raw.items()}

    def strings(self, raw: Any, key: str, where: str) -> list[str]:
        if raw is None or raw == "":
            return []
        if isinstance(raw, str):
            raw = [line for line in raw.splitlines() if line.strip()]
        if not isinstance(raw, list):
            self.bad(where, _("“%(key)s” phải là danh sách.") % {"key": key})
            return []
        return [nfc(str(v)).strip() for v in raw]


def _where(item: dict, default: str) -> str:
    return str(item.get("_where") or default)


def clean_document(data: Any, *, known_fields: dict[str, str], known_agencies: set[str]) -> CleanDocument:
    """Raises CatalogueError listing every problem; nothing is written here."""
    r = _Reader()
    doc = CleanDocument()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CatalogueError(
            [Problem(_("tệp"), _("không phải tệp danh mục motcua (thiếu “format”: %s).") % FORMAT)]
        )
    if data.get("version") != VERSION:
        raise CatalogueError(
            [Problem(_("tệp"), _("phiên bản định dạng không hỗ trợ: %r.") % data.get("version"))]
        )

    for i, item in enumerate(data.get("fields") or [], start=1):
        where = _where(item, f"fields[{i}]") if isinstance(item, dict) else f"fields[{i}]"
        if not isinstance(item, dict):
            r.bad(where, _("mỗi lĩnh vực phải là một đối tượng."))
            continue
        name = r.text(item, "name", where, required=True, max_length=255)
        code = r.text(item, "code", where, max_length=100) or field_code_for(name)
        if code in doc.fields:
            r.bad(where, _("mã lĩnh vực %(code)s bị trùng.") % {"code": code})
        doc.fields[code] = name
    fields = {**known_fields, **doc.fields}

    seen: set[str] = set()
    for i, item in enumerate(data.get("procedures") or [], start=1):
        if not isinstance(item, dict):
            r.bad(f"procedures[{i}]", _("mỗi thủ tục phải là một đối tượng."))
            continue
        cleaned = _clean_procedure(r, item, _where(item, f"procedures[{i}]"), fields)
        if cleaned is None:
            continue
        if cleaned.code in seen:
            r.bad(
                _where(item, f"procedures[{i}]"),
                _("mã TTHC %(code)s xuất hiện hai lần.") % {"code": cleaned.code},
            )
        seen.add(cleaned.code)
        doc.procedures.append(cleaned)

    for i, item in enumerate(data.get("offerings") or [], start=1):
        where = _where(item, f"offerings[{i}]") if isinstance(item, dict) else f"offerings[{i}]"
        if not isinstance(item, dict):
            r.bad(where, _("mỗi dòng cơ quan thực hiện phải là một đối tượng."))
            continue
        procedure = r.text(item, "procedure", where, required=True)
        agency = r.text(item, "agency", where, required=True)
        if procedure and procedure not in seen and not Procedure.objects.filter(code=procedure).exists():
            r.bad(where, _("không có thủ tục mã %(code)s.") % {"code": procedure})
        if agency and agency not in known_agencies:
            r.bad(where, _("không có cơ quan mã định danh %(code)s.") % {"code": agency})
        valid_from = r.date(item.get("valid_from"), "valid_from", where)
        valid_to = r.date(item.get("valid_to"), "valid_to", where)
        if valid_from and valid_to and valid_to < valid_from:
            r.bad(where, _("ngày hết hiệu lực trước ngày bắt đầu."))
        doc.offerings.append(
            {
                "procedure": procedure,
                "agency": agency,
                "online_level": r.choice(item.get("online_level"), "online_level", where, OnlineLevel),
                "local_service_code": r.text(item, "local_service_code", where, max_length=60),
                "valid_from": valid_from,
                "valid_to": valid_to,
            }
        )

    if r.problems:
        raise CatalogueError(r.problems)
    return doc


def _clean_procedure(r: _Reader, item: dict, where: str, fields: dict[str, str]) -> CleanProcedure | None:
    code = r.text(item, "code", where, required=True, max_length=20)
    if code and not CODE_RE.match(code):
        r.bad(where, _("mã TTHC %(code)s sai dạng (ví dụ đúng: 1.001193).") % {"code": code})
    if code:
        where = f"{where} ({code})"
    field_code = r.text(item, "field", where, required=True)
    if field_code and field_code not in fields:
        r.bad(where, _("không có lĩnh vực mã %(code)s.") % {"code": field_code})

    time = item.get("time") or {}
    clock = item.get("clock") or {}
    publication = item.get("publication") or {}
    for key, part in (("time", time), ("clock", clock), ("publication", publication)):
        if not isinstance(part, dict):
            r.bad(where, _("“%(key)s” phải là một đối tượng.") % {"key": key})
            return None

    values: dict[str, Any] = {
        "local_code_suffix": r.text(item, "local_code_suffix", where, max_length=40),
        "name": r.text(item, "name", where, required=True, max_length=500),
        "levels": r.choices(item.get("levels"), "levels", where, Level),
        "competent_agency": r.text(item, "competent_agency", where, max_length=500),
        "subjects": r.choices(item.get("subjects"), "subjects", where, Subject),
        "steps_text": r.text(item, "steps_text", where),
        "how_to_apply": r.text(item, "how_to_apply", where),
        "dossier_sets": r.integer(item.get("dossier_sets"), "dossier_sets", where, minimum=1),
        "time_value": r.decimal(time.get("value"), "time.value", where),
        "time_unit": r.choice(time.get("unit"), "time.unit", where, TimeUnit, blank=True),
        "time_text": r.text(time, "text", where),
        "time_by_channel": r.mapping(time.get("by_channel"), "time.by_channel", where),
        "clock_value": r.decimal(clock.get("value"), "clock.value", where),
        "clock_unit": r.choice(clock.get("unit"), "clock.unit", where, TimeUnit, blank=True),
        "clock_assumed": r.flag(clock, "assumed", where, False),
        "same_day_cutoff": r.flag(clock, "same_day_cutoff", where, False),
        "result": r.text(item, "result", where, max_length=500),
        "produces_document": r.flag(item, "produces_document", where, True),
        "online_level": r.choice(
            item.get("online_level") or OnlineLevel.NONE, "online_level", where, OnlineLevel
        ),
        "full_online_eligible": r.flag(item, "full_online_eligible", where, False),
        "legal_basis": r.text(item, "legal_basis", where),
        "publication_number": r.text(publication, "number", where, max_length=100),
        "publication_date": r.date(publication.get("date"), "publication.date", where),
        "made_public_on": r.date(publication.get("made_public_on"), "publication.made_public_on", where),
        "source": r.strings(item.get("source"), "source", where),
        "confidence": r.choice(
            item.get("confidence") or Confidence.UNCHECKED, "confidence", where, Confidence
        ),
        "notes": r.text(item, "notes", where),
        "is_active": r.flag(item, "is_active", where, True),
    }
    if (values["clock_value"] is None) != (values["clock_unit"] == ""):
        r.bad(where, _("thời hạn tính hạn cần cả số và đơn vị."))

    components = []
    for j, c in enumerate(_items(r, item, "components", where), start=1):
        cw = _where(c, f"{where}, thành phần {j}")
        components.append(
            {
                "position": j,
                "name": r.text(c, "name", cw, required=True, max_length=1000),
                "copy_kind": r.choice(c.get("copy_kind"), "copy_kind", cw, CopyKind),
                "count": r.integer(c.get("count", 1), "count", cw, minimum=1) or 1,
                "required": r.flag(c, "required", cw, True),
                "replaceable_by_data": r.flag(c, "replaceable_by_data", cw, False),
                "from_data_store": r.flag(c, "from_data_store", cw, False),
            }
        )
    fees = []
    for j, f in enumerate(_items(r, item, "fees", where), start=1):
        fw = _where(f, f"{where}, khoản phí {j}")
        fees.append(
            {
                "position": j,
                "kind": r.choice(f.get("kind"), "kind", fw, FeeKind),
                "name": r.text(f, "name", fw, required=True, max_length=500),
                "amount_vnd": r.integer(f.get("amount_vnd"), "amount_vnd", fw),
                "rule": r.text(f, "rule", fw),
            }
        )
    steps = []
    for j, s in enumerate(_items(r, item, "process", where), start=1):
        sw = _where(s, f"{where}, bước {j}")
        steps.append(
            {
                "position": j,
                "name": r.text(s, "name", sw, required=True, max_length=255),
                "role": r.choice(s.get("role"), "role", sw, Role),
                "budget": r.decimal(s.get("budget"), "budget", sw),
            }
        )
        if steps[-1]["budget"] is None:
            r.bad(sw, _("thiếu thời gian của bước."))
    budgets = [s["budget"] for s in steps if s["budget"] is not None]
    if len(budgets) == len(steps) and (
        problem := process_budget_problem(clock_value=values["clock_value"], budgets=budgets)
    ):
        r.bad(where, problem)
    return CleanProcedure(
        code=code, values=values, field_code=field_code, components=components, fees=fees, steps=steps
    )


def _items(r: _Reader, item: dict, key: str, where: str) -> list[dict]:
    raw = item.get(key) or []
    if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
        r.bad(where, _("“%(key)s” phải là danh sách các đối tượng.") % {"key": key})
        return []
    return raw
