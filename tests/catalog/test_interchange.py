"""Import/export: round trips, idempotence by code, and all-or-nothing validation."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from motcua.catalog.demo import DEMO_FILE
from motcua.catalog.interchange import CatalogueError
from motcua.catalog.models import Component, Field, Offering, Procedure, ProcessStep
from motcua.catalog.services import catalogue_export, catalogue_import
from motcua.catalog.xlsx import document_to_xlsx, xlsx_to_document
from tests.factories import AgencyFactory

from .factories import document, procedure_item

pytestmark = pytest.mark.django_db


def demo_document() -> dict:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def empty_catalogue() -> None:
    Offering.objects.all().delete()
    Procedure.objects.all().delete()
    Field.objects.all().delete()


def test_demo_file_is_exactly_what_export_writes():
    catalogue_import(data=demo_document())
    assert catalogue_export() == demo_document()


def test_json_round_trip_through_an_empty_database():
    agency = AgencyFactory()
    catalogue_import(data=demo_document())
    catalogue_import(
        data=document(
            procedure_item(),
            offerings=[
                {
                    "procedure": "1.001612",
                    "agency": agency.code,
                    "online_level": "full",
                    "valid_from": "2025-07-01",
                }
            ],
        )
    )
    first = json.loads(json.dumps(catalogue_export()))
    empty_catalogue()
    catalogue_import(data=first)
    assert catalogue_export() == first
    assert first["offerings"][0]["online_level"] == "full"


def test_xlsx_round_trip_through_an_empty_database():
    agency = AgencyFactory()
    catalogue_import(data=demo_document())
    catalogue_import(
        data=document(
            procedure_item(dossier_sets=2, subjects=["citizen", "business"], source=["a", "b"]),
            offerings=[{"procedure": "1.001612", "agency": agency.code, "online_level": "partial"}],
        )
    )
    before = catalogue_export()
    workbook = document_to_xlsx(before)
    empty_catalogue()
    catalogue_import(data=xlsx_to_document(io.BytesIO(workbook)))
    assert catalogue_export() == before
    assert document_to_xlsx(catalogue_export()) != b""  # and it can be written again


def test_reimport_updates_in_place_and_keeps_ids():
    catalogue_import(data=document(procedure_item()))
    ids = set(Component.objects.values_list("id", flat=True)) | set(
        ProcessStep.objects.values_list("id", flat=True)
    )
    report = catalogue_import(data=document(procedure_item(name="Đăng ký thành lập hộ kinh doanh (sửa)")))
    assert (report.created, report.updated) == (0, 1)
    assert Procedure.objects.get().name.endswith("(sửa)")
    assert ids == set(Component.objects.values_list("id", flat=True)) | set(
        ProcessStep.objects.values_list("id", flat=True)
    )


def test_removed_children_are_removed():
    catalogue_import(data=document(procedure_item()))
    catalogue_import(data=document(procedure_item(components=[], fees=[])))
    procedure = Procedure.objects.get()
    assert not procedure.components.exists() and not procedure.fees.exists()


def test_bad_rows_are_all_reported_with_position_and_nothing_is_written():
    data = document(
        procedure_item(code="1.000001"),
        procedure_item(code="sai-ma"),
        procedure_item(
            code="1.000003", time={"value": "ba ngày"}, fees=[{"kind": "phi", "name": "", "amount_vnd": -5}]
        ),
    )
    with pytest.raises(CatalogueError) as caught:
        catalogue_import(data=data)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("procedures[2]") and "sai dạng" in m for m in messages)
    assert any(m.startswith("procedures[3] (1.000003)") and "time.value" in m for m in messages)
    assert any("khoản phí 1" in m and "name" in m for m in messages)
    assert any("khoản phí 1" in m and "amount_vnd" in m for m in messages)
    assert not Procedure.objects.exists() and not Field.objects.exists()


def test_process_must_add_up_to_the_legal_time():
    steps = [
        {"name": "Tiếp nhận", "role": "desk", "budget": 1},
        {"name": "Thẩm định", "role": "specialist", "budget": 1},
    ]
    with pytest.raises(CatalogueError) as caught:
        catalogue_import(data=document(procedure_item(process=steps)))
    assert "Tổng thời gian các bước (2) phải bằng thời hạn giải quyết (3)" in str(caught.value)


def test_unknown_agency_in_offerings_is_refused():
    with pytest.raises(CatalogueError, match=r"H99\.99"):
        catalogue_import(
            data=document(
                procedure_item(),
                offerings=[{"procedure": "1.001612", "agency": "H99.99", "online_level": "none"}],
            )
        )


def test_xlsx_errors_name_the_sheet_and_row():
    workbook = document_to_xlsx(
        document(procedure_item(), procedure_item(code="1.000002")) | {"offerings": []}
    )
    # a freshly written workbook needs the rows the document holds; write then corrupt a cell
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(workbook))
    wb["Thủ tục"]["K3"] = "mười"  # Thời hạn of the second procedure
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    with pytest.raises(CatalogueError) as caught:
        catalogue_import(data=xlsx_to_document(out))
    assert any(str(p).startswith("Thủ tục, dòng 3 (1.000002)") for p in caught.value.problems)


def test_command_round_trip_and_error_exit(tmp_path):
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document(procedure_item())), encoding="utf-8")
    call_command("catalog", "import", str(source), stdout=io.StringIO())
    call_command(
        "catalog", "export", "--format", "xlsx", "--output", str(tmp_path / "out.xlsx"), stderr=io.StringIO()
    )
    call_command(
        "catalog", "export", "--format", "json", "--output", str(tmp_path / "out.json"), stderr=io.StringIO()
    )
    assert (
        json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["procedures"][0]["code"] == "1.001612"
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="JSON"):
        call_command("catalog", "import", str(broken))
    assert connection.vendor in {"sqlite", "postgresql"}
