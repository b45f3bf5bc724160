"""Each record change reaches the rollups as a delta (metrics.rollup_deltas): after every step of a
record's life the rollups hold exactly the rows a full recomputation writes — on SQLite, and on
PostgreSQL also with several changes committed at once."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.exchange.importer import import_sync_file
from motcua.metrics import rollup_deltas
from motcua.metrics.models import ProcedureRollup, RecordRollup, RecordRollupDay
from motcua.metrics.rollups import buckets_of, on_record_change, rollups_rebuild, rollups_refresh
from motcua.records import hooks
from motcua.records.lifecycle import Action
from motcua.records.models import Channel, Record, RecordEvent
from tests.exchange.sync import as_array, stream, sync_record
from tests.factories import CommuneFactory, OfferingFactory
from tests.metrics.counting_records import *  # noqa: F403 — the fixtures
from tests.metrics.counting_records import local, office_for
from tests.metrics.test_rollup_changes import _create, history


def _rows():
    def table(model):
        names = [f.name for f in model._meta.fields if f.name != "id"]
        return sorted(tuple(row) for row in model.objects.values_list(*names))

    return table(RecordRollupDay), table(RecordRollup), table(ProcedureRollup)


def _same_as_rebuild(step: str) -> None:
    kept = _rows()
    rollups_rebuild()
    rebuilt = _rows()
    for name, a, b in zip(("day", "grain", "procedure"), kept, rebuilt, strict=True):
        assert a == b, f"after {step}: {name} rows differ from a rebuild"


@pytest.fixture
def van_thang(province, procedure):
    office = office_for(
        CommuneFactory(code="22516", name="Xã Vạn Thắng", parent=province), "H56.22516", procedure
    )
    OfferingFactory(procedure=procedure, agency=office.agency, valid_from=dt.date(2020, 1, 1))
    return office


def test_every_step_of_a_life_leaves_the_rows_of_a_rebuild(van_hung, van_thang):
    o = van_hung
    a = o.intake(local(2026, 3, 2, 8, 0))
    _same_as_rebuild("intake")
    assert RecordRollupDay.objects.get(day=dt.date(2026, 3, 2)).received == 1
    a = o.do(a, Action.ASSIGN, "desk", local(2026, 3, 2, 9, 0), to_user=o.staff["specialist"])
    _same_as_rebuild("assign")
    a = o.do(a, Action.REQUEST_SUPPLEMENT, "specialist", local(2026, 3, 3, 9, 0), missing=["Giấy ủy quyền"])
    _same_as_rebuild("supplement requested (clock paused)")
    a = o.do(a, Action.SUPPLEMENT_RECEIVED, "desk", local(2026, 3, 20, 9, 0))
    _same_as_rebuild("supplement received (clock restarted)")
    a = o.do(a, Action.APPROVE, "leader", local(2026, 4, 2, 9, 0))
    _same_as_rebuild("approved (ended in another month)")
    a = o.do(a, Action.RETURN_RESULT, "desk", local(2026, 4, 3, 9, 0))
    _same_as_rebuild("result returned")
    o.do(a, Action.CORRECT_RESULT, "leader", local(2026, 4, 6, 9, 0), reason="Sai năm sinh")
    _same_as_rebuild("result corrected")

    # Received under NĐ 61/2018 (back-dated): a supplement pauses the clock, receiving it resumes.
    b = o.intake(local(2025, 5, 5, 8, 0))
    b = o.supplement(b, local(2025, 5, 6, 9, 0), local(2025, 5, 8, 9, 0))
    _same_as_rebuild("back-dated intake, supplement, resume")
    b = o.do(b, Action.TRANSFER, "specialist", local(2025, 5, 8, 10, 0), to_agency=van_thang.agency)
    _same_as_rebuild("transferred to another commune")
    assert not RecordRollupDay.objects.filter(agency_id=o.agency.pk, received_on=dt.date(2025, 5, 5)).exists()
    van_thang.approve(b, local(2025, 6, 20, 9, 0))
    _same_as_rebuild("approved late at the new commune")


def test_a_back_dated_import_then_changed_through_the_services(van_hung):
    data = as_array([sync_record(1, agency="H56.22525", day=local(2026, 1, 5, 8, 0))])
    summary = import_sync_file(stream=stream(data), source_name="t.json")
    assert summary.added == 1
    record = Record.objects.get()
    assert record.channel == Channel.ONLINE
    _same_as_rebuild("import")
    van_hung.do(record, Action.CORRECT_RESULT, "leader", local(2026, 1, 9, 9, 0), reason="Sai địa chỉ")
    _same_as_rebuild("imported record corrected")


def test_a_change_the_services_did_not_announce_refreshes_its_buckets(van_hung):
    record = van_hung.intake(local(2026, 3, 2, 8, 0))
    Record.objects.filter(pk=record.pk).update(has_digitized_components=True)
    record.refresh_from_db()
    event = RecordEvent.objects.filter(record=record).latest("pk")
    assert hooks.before(record, "metrics.rollups") is hooks.MISSING
    on_record_change(record, event)  # no contribution noted before: whole buckets recomputed
    assert RecordRollupDay.objects.get(day=dt.date(2026, 3, 2)).digitized == 1
    _same_as_rebuild("bucket refresh")


def test_a_contribution_is_the_records_changes_by_day(van_hung):
    record = van_hung.intake(local(2026, 3, 2, 8, 0))
    before = rollup_deltas.contribution(Record.objects.get(pk=record.pk))
    assert rollup_deltas.day_deltas(before, before) == {}
    assert rollup_deltas.procedure_deltas(before, before) == {}
    assert before.days == {
        (van_hung.agency.unit_id, van_hung.agency.pk, dt.date(2026, 3, 2), dt.date(2026, 3, 2)): (
            1,  # received
            1,  # on time (open, within its deadline)
            0,  # online (at the counter)
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
        ),
        # due 3 working days later at the hour of receipt (Thu 05/03 08:00): overdue that day
        (van_hung.agency.unit_id, van_hung.agency.pk, dt.date(2026, 3, 2), dt.date(2026, 3, 5)): (
            0,
            -1,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
        ),
    }


# --- PostgreSQL: changes committed at the same time ------------------------------------------


def _hold(record, event):
    time.sleep(0.05)  # keep the transaction open with its rows locked, so the others queue on them


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_in_one_bucket_add_up(van_hung):
    o = van_hung
    records = [o.intake(local(2026, 3, 2, 8, n)) for n in range(4)]
    start = threading.Barrier(len(records) + 1)
    errors: list[BaseException] = []

    def life(record):
        try:
            start.wait()
            o.approve(record, local(2026, 3, 3 + record.pk % 3, 9, 0))
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            connection.close()

    def refresher():
        try:
            start.wait()
            for _ in range(3):  # a whole-bucket recomputation meanwhile (the portal-sync path)
                rollups_refresh(buckets_of(Record.objects.filter(pk__in=[r.pk for r in records])))
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            connection.close()

    hooks.register_in_transaction(_hold)
    try:
        threads = [threading.Thread(target=life, args=(r,)) for r in records]
        threads.append(threading.Thread(target=refresher))
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        hooks._in_transaction.remove(_hold)
    assert errors == []
    assert Record.objects.filter(finished_at__isnull=False).count() == len(records)
    on = dt.date(2026, 3, 2)
    assert sum(RecordRollupDay.objects.filter(received_on=on).values_list("received", flat=True)) == 4
    assert sum(RecordRollupDay.objects.filter(received_on=on).values_list("resolved", flat=True)) == 4
    _same_as_rebuild("four concurrent approvals and bucket refreshes")


# --- any change of any counted fact, on random histories ---------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories=st.lists(history, min_size=1, max_size=4), changes=st.lists(history, min_size=1, max_size=3))
def test_deltas_on_random_histories_equal_a_rebuild(van_hung, histories, changes):
    Record.objects.all().delete()
    for n, h in enumerate(histories):
        _create(van_hung.agency, van_hung.procedure, n, h)
    rollups_rebuild()
    records = list(Record.objects.order_by("pk"))
    for n, h in enumerate(changes):
        record = records[n % len(records)]
        before = rollup_deltas.contribution(record)
        ended = h["ended"]
        Record.objects.filter(pk=record.pk).update(
            received_at=h["received"],
            due_at=h["due"],
            ended_at=ended,
            finished_at=ended if ended is not None and h["finished"] else None,
            clock_paused_at=h["paused"],
            supplement_count=h["supplements"],
            has_e_result=h["e_result"],
            has_digitized_components=h["digitized"],
            portal_synced_at=h["received"] if h["synced"] else None,
            rule_set=h["rule_set"],
        )
        record.refresh_from_db()
        rollup_deltas.apply(before, rollup_deltas.contribution(record))
    _same_as_rebuild("random changes")
