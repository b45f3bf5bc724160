"""Writes for units and agencies: loading a province from the reference data, upserting agencies.
Every function is idempotent and runs in one transaction; bulk statements keep the query count
constant however many units a province has."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.core.text import nfc
from motcua.units.models import AdministrativeUnit, Agency, Succession
from motcua.units.reforms import reform_2025
from motcua.units.sources import SuccessionSpec, UnitKey, read_province
from motcua.units.validators import validate_agency_code

_UNIT_FIELDS = ("name", "level", "kind", "valid_to", "parent_id")
_SUCCESSION_FIELDS = ("effective_on", "resolution", "partial")


@dataclass
class LoadResult:
    province: AdministrativeUnit
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    successions_created: int = 0
    successions_updated: int = 0
    successions_unchanged: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.units_created or self.units_updated or self.successions_created or self.successions_updated
        )


def units_load_province(*, province_code: int) -> LoadResult:
    """Load the new province ``province_code`` and its communes, the legacy provinces, districts and
    communes it was formed from, and the old → new successions. Running it again changes nothing;
    a correction in the reference data is applied as an update. Nothing is ever deleted: units
    that left the reference data keep their history. Raises ``sources.UnknownProvince``."""
    source = read_province(province_code, reform=reform_2025())
    with transaction.atomic():
        codes = {spec.code for spec in source.units}
        existing: dict[UnitKey, AdministrativeUnit] = {
            (u.code, u.valid_from): u for u in AdministrativeUnit.objects.filter(code__in=codes)
        }
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for level in dict.fromkeys(spec.level for spec in source.units):  # parents' level first
            to_create, to_update = [], []
            for spec in (s for s in source.units if s.level == level):
                parent_id = existing[spec.parent].pk if spec.parent else None
                wanted = {
                    "name": spec.name,
                    "level": spec.level,
                    "kind": spec.kind,
                    "valid_to": spec.valid_to,
                    "parent_id": parent_id,
                }
                unit = existing.get(spec.key)
                if unit is None:
                    to_create.append(AdministrativeUnit(code=spec.code, valid_from=spec.valid_from, **wanted))
                elif any(getattr(unit, name) != value for name, value in wanted.items()):
                    for name, value in wanted.items():
                        setattr(unit, name, value)
                    to_update.append(unit)
                else:
                    counts["unchanged"] += 1
            AdministrativeUnit.objects.bulk_create(to_create)
            AdministrativeUnit.objects.bulk_update(to_update, _UNIT_FIELDS)
            counts["created"] += len(to_create)
            counts["updated"] += len(to_update)
            # SQLite ≥ 3.35 and PostgreSQL return the new keys, which the next level's parents need.
            existing.update(((u.code, u.valid_from), u) for u in to_create)

        result = LoadResult(
            province=existing[source.province.key],
            units_created=counts["created"],
            units_updated=counts["updated"],
            units_unchanged=counts["unchanged"],
        )
        _load_successions(source.successions, existing, result)
    return result


def _load_successions(
    specs: list[SuccessionSpec], units: dict[UnitKey, AdministrativeUnit], result: LoadResult
) -> None:
    # Ends outside this province were created by an earlier load of their own province, if ever.
    outside = {key for spec in specs for key in (spec.predecessor, spec.successor) if key not in units}
    if outside:
        units = dict(units)
        units.update(
            ((u.code, u.valid_from), u)
            for u in AdministrativeUnit.objects.filter(code__in={code for code, _ in outside})
            if (u.code, u.valid_from) in outside
        )
    ids = [u.pk for u in units.values()]
    existing = {
        (s.predecessor_id, s.successor_id): s
        for s in Succession.objects.filter(successor_id__in=ids, predecessor_id__in=ids)
    }
    to_create, to_update = [], []
    for spec in specs:
        if spec.predecessor not in units or spec.successor not in units:
            # The other end is in a province not loaded yet (its load will link the pair) or is
            # missing from the reference data altogether.
            result.skipped.append(f"{spec.predecessor[0]} → {spec.successor[0]}")
            continue
        pair = (units[spec.predecessor].pk, units[spec.successor].pk)
        wanted = {"effective_on": spec.effective_on, "resolution": spec.resolution, "partial": spec.partial}
        succession = existing.get(pair)
        if succession is None:
            to_create.append(Succession(predecessor_id=pair[0], successor_id=pair[1], **wanted))
        elif any(getattr(succession, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(succession, name, value)
            to_update.append(succession)
        else:
            result.successions_unchanged += 1
    Succession.objects.bulk_create(to_create)
    Succession.objects.bulk_update(to_update, _SUCCESSION_FIELDS)
    result.successions_created = len(to_create)
    result.successions_updated = len(to_update)


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    kind: str
    unit: AdministrativeUnit
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


def agencies_upsert(*, specs: Iterable[AgencySpec]) -> tuple[int, int]:
    """Create or update agencies by their code (mã định danh); returns (created, updated). Codes are
    validated first, so a bad code refuses the whole batch with the Vietnamese message."""
    specs = list(specs)
    for spec in specs:
        validate_agency_code(spec.code)
        if spec.valid_from and spec.valid_to and spec.valid_to < spec.valid_from:
            raise ValidationError(
                _("Cơ quan %(code)s: ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực."),
                params={"code": spec.code},
            )
    fields = ("name", "kind", "unit_id", "valid_from", "valid_to")
    with transaction.atomic():
        existing = {a.code: a for a in Agency.objects.filter(code__in=[s.code for s in specs])}
        to_create, to_update = [], []
        for spec in specs:
            wanted = {
                "name": nfc(spec.name),
                "kind": spec.kind,
                "unit_id": spec.unit.pk,
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
            }
            agency = existing.get(spec.code)
            if agency is None:
                to_create.append(Agency(code=spec.code, **wanted))
            elif any(getattr(agency, name) != value for name, value in wanted.items()):
                for name, value in wanted.items():
                    setattr(agency, name, value)
                to_update.append(agency)
        Agency.objects.bulk_create(to_create)
        Agency.objects.bulk_update(to_update, fields)
    return len(to_create), len(to_update)
