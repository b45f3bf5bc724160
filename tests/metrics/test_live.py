"""The index follows record changes at once, and the rollups kept up change by change equal a full
recomputation."""

import datetime as dt

from motcua.metrics import counting, periods, scopes
from motcua.metrics.models import ProcedureRollup, RecordRollup
from motcua.metrics.rollups import rollups_rebuild
from motcua.records.lifecycle import Action
from tests.factories import CommuneFactory, OfferingFactory
from tests.metrics.counting_records import *  # noqa: F403 — the fixtures
from tests.metrics.counting_records import local, office_for

MARCH = periods.month(2026, 3)
LATER = local(2026, 6, 1, 9, 0)


def _snapshot():
    record_rows = sorted(
        tuple(row.values())
        for row in RecordRollup.objects.values(*[f.name for f in RecordRollup._meta.fields[1:]])
    )
    procedure_rows = sorted(
        tuple(row.values())
        for row in ProcedureRollup.objects.values(*[f.name for f in ProcedureRollup._meta.fields[1:]])
    )
    return record_rows, procedure_rows


def _on_time(key: str, now=LATER):
    count = counting.metric_counts(scopes.parse_scope(key), MARCH, now=now)["DOSSIER_ON_TIME"]
    return count.numerator, count.denominator


def test_a_committed_service_call_is_counted_at_once(van_hung):
    assert _on_time("xa-22525") == (0, 0)
    record = van_hung.intake(local(2026, 3, 2, 8, 0))
    assert _on_time("xa-22525") == (0, 1)  # open since March: overdue by June
    van_hung.approve(record, local(2026, 3, 3, 9, 0))
    assert _on_time("xa-22525") == (1, 1)  # now final, read from the rollup
    assert RecordRollup.objects.get(grain="mm").on_time == 1  # received and ended in March


def test_incremental_rollups_equal_a_full_rebuild(province, procedure, van_hung):
    van_thang = office_for(
        CommuneFactory(code="22516", name="Xã Vạn Thắng", parent=province), "H56.22516", procedure
    )
    OfferingFactory(procedure=procedure, agency=van_thang.agency, valid_from=dt.date(2020, 1, 1))
    o = van_hung
    a = o.approve(o.intake(local(2026, 3, 2, 8, 0)), local(2026, 3, 3, 9, 0))
    b = o.intake(local(2026, 3, 2, 10, 0))
    b = o.do(b, Action.TRANSFER, "desk", local(2026, 3, 2, 11, 0), to_agency=van_thang.agency)
    c = o.intake(local(2026, 3, 31, 16, 0))
    c = o.supplement(c, local(2026, 4, 1, 9, 0), local(2026, 4, 2, 9, 0))
    o.approve(c, local(2026, 4, 20, 9, 0))
    o.do(a, Action.RETURN_RESULT, "desk", local(2026, 3, 4, 9, 0))
    van_thang.approve(b, local(2026, 3, 5, 9, 0))
    kept_up = _snapshot()
    assert kept_up[0], "the changes reached the rollup"
    rollups_rebuild()
    assert _snapshot() == kept_up
    # b was moved to Vạn Thắng before it ended: it counts there, not at Vạn Hưng.
    # a early; c still open and within its deadline on 31/03 (its late approval is April's).
    assert _on_time("xa-22525") == (2, 2)
    assert _on_time("xa-22516") == (1, 1)
