"""Writes to the catalogue: import (all or nothing, idempotent by code), export, search text."""

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from motcua.core.text import search_key
from motcua.units.models import Agency

from .interchange import FORMAT, VERSION, CleanDocument, CleanProcedure, clean_document, procedure_to_dict
from .models import Component, Fee, Field, Offering, Procedure, ProcessStep

_NOT_WORD = re.compile(r"[^0-9a-z.]+")


def search_text_for(*texts: str) -> str:
    """Folded words padded with spaces, so a query word can match at a word start (' ho')."""
    words = _NOT_WORD.sub(" ", search_key(" ".join(texts))).split()
    return f" {' '.join(words)} "


def search_terms(query: str) -> list[str]:
    return _NOT_WORD.sub(" ", search_key(query)).split()


def procedure_refresh_search_text(*, procedure: Procedure) -> None:
    # service_code starts with the code, so a word-start match on the code still finds it.
    procedure.search_text = search_text_for(procedure.name, procedure.service_code)


def procedure_save(*, procedure: Procedure) -> Procedure:
    """Save from the admin or a service, keeping the search column in step with name and code."""
    procedure_refresh_search_text(procedure=procedure)
    procedure.save()
    return procedure


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    fields_created: int = 0
    offerings: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} thủ tục mới, {self.updated} thủ tục cập nhật, "
            f"{self.fields_created} lĩnh vực mới, {self.offerings} dòng cơ quan thực hiện"
        )


def catalogue_import(*, data: Any) -> ImportReport:
    """Validate everything first (CatalogueError lists every bad row), then write in one transaction.
    Children are matched by position so their ids stay stable across re-imports."""
    known_fields = dict(Field.objects.values_list("code", "name"))
    known_agencies = set(Agency.objects.values_list("code", flat=True))
    doc = clean_document(data, known_fields=known_fields, known_agencies=known_agencies)
    with transaction.atomic():
        return _write(doc)


def _write(doc: CleanDocument) -> ImportReport:
    report = ImportReport()
    for code, name in doc.fields.items():
        _, created = Field.objects.update_or_create(code=code, defaults={"name": name})
        report.fields_created += created
    fields = {f.code: f for f in Field.objects.all()}
    for cleaned in doc.procedures:
        created = _write_procedure(cleaned, fields)
        report.created += created
        report.updated += not created
    agencies = {a.code: a for a in Agency.objects.filter(code__in={o["agency"] for o in doc.offerings})}
    for o in doc.offerings:
        Offering.objects.update_or_create(
            procedure=Procedure.objects.get(code=o["procedure"]),
            agency=agencies[o["agency"]],
            valid_from=o["valid_from"],
            defaults={k: o[k] for k in ("online_level", "local_service_code", "valid_to")},
        )
        report.offerings += 1
    return report


def _write_procedure(cleaned: CleanProcedure, fields: dict[str, Field]) -> bool:
    procedure = Procedure.objects.filter(code=cleaned.code).first()
    created = procedure is None
    if procedure is None:
        procedure = Procedure(code=cleaned.code)
    for key, value in cleaned.values.items():
        setattr(procedure, key, value)
    procedure.field = fields[cleaned.field_code]
    procedure_save(procedure=procedure)
    for model, rows in ((Component, cleaned.components), (Fee, cleaned.fees), (ProcessStep, cleaned.steps)):
        for row in rows:
            model.objects.update_or_create(procedure=procedure, position=row["position"], defaults=row)
        model.objects.filter(procedure=procedure, position__gt=len(rows)).delete()
    return created


def catalogue_export(*, with_offerings: bool = True) -> dict[str, Any]:
    procedures = Procedure.objects.select_related("field").prefetch_related(
        "components", "fees", "process_steps"
    )
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "fields": [{"code": f.code, "name": f.name} for f in Field.objects.order_by("code")],
        "procedures": [procedure_to_dict(p) for p in procedures.order_by("code")],
    }
    if with_offerings:
        offerings = Offering.objects.select_related("procedure", "agency").order_by(
            "procedure__code", "agency__code", "valid_from"
        )
        document["offerings"] = [
            {
                "procedure": o.procedure.code,
                "agency": o.agency.code,
                "online_level": o.online_level,
                "local_service_code": o.local_service_code,
                "valid_from": o.valid_from.isoformat() if o.valid_from else None,
                "valid_to": o.valid_to.isoformat() if o.valid_to else None,
            }
            for o in offerings
        ]
    return document
