"""Whether an agency takes a procedure on a given day: the catalogue's offerings (valid_from /
valid_to, inclusive) decide, so a procedure handed over to another level, or not yet in force,
is refused at intake instead of becoming a record nobody may process."""

import datetime as dt
from collections.abc import Iterable

from django.utils import formats
from django.utils.translation import gettext as _

from motcua.catalog.models import Offering, Procedure
from motcua.units.models import Agency

from .errors import InvalidRecordInput


class ProcedureNotOffered(InvalidRecordInput):
    status = 422


def is_offered(*, procedure: Procedure, agency: Agency, on: dt.date) -> bool:
    return Offering.objects.valid_at(on).filter(procedure=procedure, agency=agency).exists()


def offered_procedure_ids(*, agencies: Iterable[Agency], on: dt.date) -> set[int]:
    """The procedures at least one of `agencies` offers on `on` (what its counter may take in)."""
    return set(
        Offering.objects.valid_at(on).filter(agency__in=list(agencies)).values_list("procedure_id", flat=True)
    )


def ensure_offered(*, procedure: Procedure, agency: Agency, on: dt.date) -> None:
    """Raises `ProcedureNotOffered` (code `procedure-not-offered`) with a message for the officer."""
    if is_offered(procedure=procedure, agency=agency, on=on):
        return
    message = _(
        "%(agency)s không thực hiện thủ tục “%(code)s — %(name)s” vào ngày %(day)s, nên không thể "
        "tiếp nhận hồ sơ. Hãy kiểm tra lại thủ tục hoặc cơ quan giải quyết."
    ) % {
        "agency": agency.name,
        "code": procedure.code,
        "name": procedure.name,
        "day": formats.date_format(on, "d/m/Y"),
    }
    raise ProcedureNotOffered(message, code="procedure-not-offered", field="procedure")
