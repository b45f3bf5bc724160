"""Demo catalogue: real procedures (see data/demo_catalogue.json) offered by the demo agencies."""

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, UnitLevel

from .models import Level, Offering, Procedure
from .services import catalogue_import

DEMO_FILE = Path(__file__).parent / "data" / "demo_catalogue.json"
# Offerings of the demo start with the two-tier government (01/07/2025) unless the agency is younger.
TWO_TIER_START = dt.date(2025, 7, 1)


def build_demo() -> Iterator[str]:
    report = catalogue_import(data=json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    yield f"Danh mục TTHC: {report}."
    today = timezone.localdate()
    # Both must be current: a dissolved commune's UBND row may still lack an end date.
    agencies = Agency.objects.valid_at(today).filter(unit__in=AdministrativeUnit.objects.valid_at(today))
    communes = list(agencies.filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit__level=UnitLevel.COMMUNE))
    centres = list(agencies.filter(kind=AgencyKind.SERVICE_CENTRE, unit__level=UnitLevel.PROVINCE))
    if not communes and not centres:
        yield "Danh mục TTHC: chưa có cơ quan nào (chạy demo đơn vị trước) — bỏ qua phần cơ quan thực hiện."
        return
    existing = set(Offering.objects.values_list("procedure_id", "agency_id", "valid_from"))
    new: list[Offering] = []
    for procedure in Procedure.objects.filter(is_active=True):
        levels = set(procedure.levels)
        # Commune-level procedures go to every commune UBND; provincial-only ones to the
        # provincial centre, which receives them for the competent department.
        targets = communes if Level.COMMUNE in levels else centres if Level.PROVINCE in levels else []
        for agency in targets:
            valid_from = max(agency.valid_from or TWO_TIER_START, TWO_TIER_START)
            if (procedure.pk, agency.pk, valid_from) not in existing:
                new.append(
                    Offering(
                        procedure=procedure,
                        agency=agency,
                        valid_from=valid_from,
                        online_level=procedure.online_level,
                    )
                )
    with transaction.atomic():
        Offering.objects.bulk_create(new, batch_size=500)
    yield (
        f"Danh mục TTHC: {len(new)} dòng cơ quan thực hiện mới "
        f"({len(communes)} UBND xã, {len(centres)} trung tâm tỉnh)."
    )
