"""Catalogue documents and rows for tests, built through the import service like real data."""

from typing import Any

from motcua.catalog.interchange import FORMAT, VERSION
from motcua.catalog.models import Procedure
from motcua.catalog.services import catalogue_import


def procedure_item(
    code: str = "1.001612", name: str = "Đăng ký thành lập hộ kinh doanh", **overrides: Any
) -> dict:
    item: dict[str, Any] = {
        "code": code,
        "name": name,
        "field": "ho-kinh-doanh",
        "levels": ["commune"],
        "time": {
            "value": 3,
            "unit": "working_days",
            "text": "",
            "by_channel": {"Trực tiếp": "3 ngày làm việc"},
        },
        "clock": {"value": 3, "unit": "working_days", "assumed": False, "same_day_cutoff": False},
        "result": "Giấy chứng nhận đăng ký hộ kinh doanh",
        "confidence": "verified",
        "components": [{"name": "Giấy đề nghị đăng ký hộ kinh doanh", "copy_kind": "original", "count": 1}],
        "fees": [{"kind": "le_phi", "name": "Lệ phí đăng ký", "amount_vnd": 1234567, "rule": ""}],
        "process": [
            {"name": "Tiếp nhận hồ sơ", "role": "desk", "budget": 0.5},
            {"name": "Thẩm định hồ sơ", "role": "specialist", "budget": 1.5},
            {"name": "Phê duyệt kết quả", "role": "leader", "budget": 0.5},
            {"name": "Trả kết quả", "role": "desk", "budget": 0.5},
        ],
    }
    item.update(overrides)
    return item


def document(*items: dict, offerings: list[dict] | None = None) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "fields": [
            {"code": "ho-kinh-doanh", "name": "Hộ kinh doanh"},
            {"code": "ho-tich", "name": "Hộ tịch"},
        ],
        "procedures": list(items) or [procedure_item()],
        "offerings": offerings or [],
    }


def make_procedure(**overrides: Any) -> Procedure:
    item = procedure_item(**overrides)
    catalogue_import(data=document(item))
    return Procedure.objects.get(code=item["code"])
