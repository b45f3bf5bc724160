"""A calendar change over many open records writes set-based and runs each consequence once for
the whole set (records.hooks bulk handlers) — with the same result as the per-record hooks: due
dates, step deadlines, history rows, index roll-ups (= a full recount), kept counts dropped, and
the outbox's deliveries with their payloads and tasks.

A handful of records are made through the services (plain, with an open step, a supplement round,
an extension, one waiting for a supplement, one ended), then copied with their history to a few
hundred at the two communes of the province. A day off on Wednesday 04/03/2026 moves most."""

import copy
import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.calendars.models import DayKind, DayOverride
from motcua.calendars.services import calendar_setting_save
from motcua.exchange.models import ConnectorConfig, Delivery
from motcua.metrics.models import (
    IndexSnapshot,
    IndexSnapshotMark,
    ProcedureRollup,
    RecordRollup,
    RecordRollupDay,
)
from motcua.metrics.rollups import rollups_rebuild
from motcua.records import hooks
from motcua.records.lifecycle import Action
from motcua.records.models import Record, RecordEvent, RecordStep
from motcua.records.recompute import DUE_RECOMPUTED
from motcua.records.services import record_intake_at_counter, record_perform

from .conftest import local

pytestmark = pytest.mark.django_db

DAY_OFF = dt.date(2026, 3, 4)
NOW = local(2026, 3, 3, 10, 0)  # the administrator's change, fixed so both runs write the same


def _templates(procedure, agency, staff, applicant) -> list[Record]:
    desk, specialist, leader = staff["desk"], staff["specialist"], staff["leader"]

    def intake(at):
        return record_intake_at_counter(
            procedure=procedure, agency=agency, applicant=applicant, actor=desk, at=at
        )

    plain = intake(local(2026, 3, 2, 8, 0))
    stepped = record_perform(
        record=intake(local(2026, 3, 2, 9, 0)),
        action=Action.ASSIGN,
        actor=desk,
        to_user=specialist,
        at=local(2026, 3, 3, 15, 0),  # the step runs into Wednesday
    )
    supplemented = record_perform(
        record=intake(local(2026, 2, 27, 10, 0)),
        action=Action.REQUEST_SUPPLEMENT,
        actor=desk,
        missing=["Tờ khai"],
        at=local(2026, 2, 27, 11, 0),
    )
    supplemented = record_perform(
        record=supplemented, action=Action.SUPPLEMENT_RECEIVED, actor=desk, at=local(2026, 3, 2, 14, 0)
    )
    waiting = record_perform(
        record=intake(local(2026, 3, 3, 8, 0)),
        action=Action.REQUEST_SUPPLEMENT,
        actor=desk,
        missing=["Giấy tờ chứng minh nơi cư trú"],
        at=local(2026, 3, 3, 9, 0),
    )
    extended = record_perform(
        record=intake(local(2026, 3, 2, 10, 0)),
        action=Action.ASSIGN,
        actor=desk,
        to_user=specialist,
        at=local(2026, 3, 2, 10, 30),
    )
    extended = record_perform(
        record=extended,
        action=Action.EXTEND,
        actor=leader,
        new_due_on=dt.date(2026, 3, 12),
        reason="Cần xác minh thực địa",
        at=local(2026, 3, 3, 8, 0),
    )
    ended = record_perform(
        record=intake(local(2026, 3, 2, 11, 0)),
        action=Action.ASSIGN,
        actor=desk,
        to_user=specialist,
        at=local(2026, 3, 2, 11, 30),
    )
    ended = record_perform(record=ended, action=Action.APPROVE, actor=leader, at=local(2026, 3, 2, 15, 0))
    later = intake(local(2026, 3, 5, 9, 0))  # received after the day off: not moved
    return [plain, stepped, supplemented, waiting, extended, ended, later]


def _copies(templates: list[Record], count: int, other_agency) -> list[Record]:
    """`count` copies of the templates (history and steps included), every other one at the other
    commune; written in bulk, so the roll-ups are recounted afterwards."""
    events = {t.pk: list(RecordEvent.objects.filter(record=t).order_by("at", "pk")) for t in templates}
    steps = {t.pk: list(RecordStep.objects.filter(record=t).order_by("started_at", "pk")) for t in templates}
    made: list[Record] = []
    sources: list[Record] = []
    for i in range(count):
        template = templates[i % len(templates)]
        clone = copy.copy(Record.objects.get(pk=template.pk))
        clone.pk = None
        clone.code = f"{template.code}-{i}"
        if i % 2:
            clone.agency = clone.receiving_agency = other_agency
            clone.unit_id = clone.receiving_unit_id = other_agency.unit_id
        made.append(clone)
        sources.append(template)
    made = Record.objects.bulk_create(made, batch_size=200)
    new_events, new_steps = [], []
    for clone, template in zip(made, sources, strict=True):
        for event in events[template.pk]:
            event = copy.copy(event)
            event.pk, event.record = None, clone
            new_events.append(event)
        for step in steps[template.pk]:
            step = copy.copy(step)
            step.pk, step.record = None, clone
            if clone.agency_id == other_agency.pk:
                step.agency = other_agency
            new_steps.append(step)
    RecordEvent.objects.bulk_create(new_events, batch_size=200)
    RecordStep.objects.bulk_create(new_steps, batch_size=200)
    return made


@pytest.fixture
def world(procedure, van_hung, van_thang, staff, applicant, province):
    templates = _templates(procedure, van_hung, staff, applicant)
    records = [*templates, *_copies(templates, 280, van_thang)]
    rollups_rebuild()
    config = ConnectorConfig.objects.create(
        plugin="dvcqg", name="Cổng DVCQG", endpoint_url="http://127.0.0.1:9/", enabled=True
    )
    # Some copies already wait to be sent, some failed: a change updates them, never adds one.
    now = local(2026, 3, 3, 9, 0)
    Delivery.objects.filter(record__in=templates).delete()
    for i, record in enumerate(records[len(templates) :]):
        if i % 3 == 0:
            Delivery.objects.create(
                connector=config,
                record=record,
                payload={"old": True},
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        elif i % 3 == 1 and i % 2 == 0:
            Delivery.objects.create(
                connector=config,
                record=record,
                payload={"old": True},
                status=Delivery.Status.FAILED,
                attempts=5,
                last_error="HTTP 500",
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
    IndexSnapshot.objects.all().delete()
    for scope, period, start, end in [
        (f"xa-{van_hung.unit.code}", "2026-03", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        (f"co-quan-{van_thang.code}", "2026-03", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        (f"tinh-{province.code}", "2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (f"xa-{van_hung.unit.code}", "2026-01", dt.date(2026, 1, 1), dt.date(2026, 1, 31)),  # no record then
        ("xa-99999", "2026-03", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),  # another commune
    ]:
        IndexSnapshot.objects.create(
            scope_key=scope, period_key=period, period_start=start, period_end=end, computed_at=now
        )
    return records


def _rows(model, *exclude):
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in {"id", *exclude}]
    return sorted(model.objects.values_list(*fields))


def _state() -> dict:
    tasks = DBTaskResult.objects.filter(task_path__startswith="motcua.exchange.tasks.deliver")
    scheduled: set[int] = set()  # one task per delivery, or one per batch of them
    for task in tasks:
        kwargs = task.args_kwargs["kwargs"]
        scheduled.update(kwargs.get("delivery_ids") or [kwargs.get("delivery_id")])
    deliveries = Delivery.objects.order_by("record_id", "connector_id")
    return {
        "records": sorted(Record.objects.values_list("code", "due_at", "version")),
        "steps": sorted(RecordStep.objects.values_list("pk", "due_at")),
        "events": sorted(
            (e.record.code, e.reason, e.due_at, e.actor_id, e.from_state, e.to_state, str(e.detail))
            for e in RecordEvent.objects.filter(action=DUE_RECOMPUTED).select_related("record")
        ),
        "days": _rows(RecordRollupDay),
        "grains": _rows(RecordRollup),
        "procedures": _rows(ProcedureRollup),
        "deliveries": [
            (d.record.code, d.status, d.revision, d.attempts, d.last_error, d.payload, d.pk in scheduled)
            for d in deliveries.select_related("record")
        ],
        "tasks": tasks.count(),
        "snapshots": sorted(IndexSnapshot.objects.values_list("scope_key", "period_key")),
        "marks": set(IndexSnapshotMark.objects.values_list("unit_code", "agency_code", "day")),
    }


def _change(province, captured, *, per_record: bool, monkeypatch) -> tuple[dict, dict]:
    """The day off through the service, its after-commit work run too; the state it leaves and
    the state a full recount gives, then everything rolled back."""
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: NOW)
        if per_record:
            patch.setattr(hooks, "_bulk", {})  # every consequence per record, as before
        with transaction.atomic():
            with captured(execute=True):
                calendar_setting_save(
                    setting=DayOverride(
                        province=province, day=DAY_OFF, kind=DayKind.DAY_OFF, reason="Nghỉ bù"
                    )
                )
            state = _state()
            rollups_rebuild()
            recount = _state()
            transaction.set_rollback(True)
    return state, recount


def test_the_bulk_path_leaves_what_the_per_record_hooks_leave(
    world, province, van_hung, monkeypatch, django_capture_on_commit_callbacks
):
    before = _state()
    bulk, bulk_recount = _change(
        province, django_capture_on_commit_callbacks, per_record=False, monkeypatch=monkeypatch
    )
    assert _state() == before  # rolled back
    single, _ = _change(
        province, django_capture_on_commit_callbacks, per_record=True, monkeypatch=monkeypatch
    )

    # The change moved most of the open copies (built to: everything but the extended, the ended and
    # the one received after the day off), each with one history row and its delivery.
    moved = [
        code
        for code, due, _v in bulk["records"]
        if (code, due) not in {(c, d) for c, d, _ in before["records"]}
    ]
    assert len(bulk["events"]) == 4 / 7 * len(world) == len(moved)  # plain, stepped, supplemented, waiting
    assert bulk["events"] == single["events"]
    assert bulk["records"] == single["records"] and bulk["steps"] == single["steps"]
    assert bulk["steps"] != before["steps"]
    # The index: the same rows as the per-record deltas, and as a full recount.
    for table in ("days", "grains", "procedures"):
        assert bulk[table] == single[table] == bulk_recount[table], table
    assert bulk["days"] != before["days"]  # the records fall overdue a day later
    # The outbox: one delivery per moved record with its new payload; the open ones updated.
    assert bulk["deliveries"] == single["deliveries"]
    scheduled = sum(scheduled for *_rest, scheduled in bulk["deliveries"])
    assert scheduled > 0 and single["tasks"] == scheduled  # the per-record hooks: one task each
    assert bulk["tasks"] == -(-scheduled // 50)  # the bulk path: one per 50 (tasks.BATCH)
    delivered = {code for code, *_rest in bulk["deliveries"]}
    assert set(moved) <= delivered
    # The kept counts that may hold a moved record are gone; the others stay.
    assert bulk["snapshots"] == single["snapshots"]
    assert set(bulk["snapshots"]) == {("xa-99999", "2026-03"), (f"xa-{van_hung.unit.code}", "2026-01")}
    assert bulk["marks"] == single["marks"]


def test_a_province_change_costs_statements_per_thousand_records_not_per_record(
    world, province, django_assert_max_num_queries
):
    """A few hundred moved records: a bounded number of statements (the per-record hooks took a
    dozen or more per record)."""
    with django_assert_max_num_queries(120):
        calendar_setting_save(
            setting=DayOverride(province=province, day=DAY_OFF, kind=DayKind.DAY_OFF, reason="Nghỉ bù")
        )
    assert RecordEvent.objects.filter(action=DUE_RECOMPUTED).count() == 4 / 7 * len(world)


@pytest.mark.postgres_only
def test_more_records_than_one_read_on_postgresql(procedure, van_hung, van_thang, staff, applicant, province):
    """Past the 2.000 ids of one read: every moved record counted once, the roll-ups equal to a
    full recount, one delivery and one history row per moved record — in one transaction."""
    assert connection.vendor == "postgresql"
    templates = _templates(procedure, van_hung, staff, applicant)
    records = [*templates, *_copies(templates, 4193, van_thang)]  # 4.200: 2.400 moved
    rollups_rebuild()
    ConnectorConfig.objects.create(
        plugin="dvcqg", name="Cổng DVCQG", endpoint_url="http://127.0.0.1:9/", enabled=True
    )
    Delivery.objects.all().delete()

    calendar_setting_save(
        setting=DayOverride(province=province, day=DAY_OFF, kind=DayKind.DAY_OFF, reason="Nghỉ bù")
    )

    moved = set(RecordEvent.objects.filter(action=DUE_RECOMPUTED).values_list("record_id", flat=True))
    assert len(moved) == RecordEvent.objects.filter(action=DUE_RECOMPUTED).count() == 4 / 7 * len(records)
    assert set(Delivery.objects.values_list("record_id", flat=True)) == moved
    kept = {
        table: _rows(model)
        for table, model in [("d", RecordRollupDay), ("g", RecordRollup), ("p", ProcedureRollup)]
    }
    rollups_rebuild()
    assert kept == {
        table: _rows(model)
        for table, model in [("d", RecordRollupDay), ("g", RecordRollup), ("p", ProcedureRollup)]
    }


def test_a_package_without_a_bulk_handler_still_hears_each_moved_record(world, province):
    heard: list[tuple[int, str]] = []

    def listen(record, event):
        heard.append((record.pk, event.action))

    hooks.register_in_transaction(listen)
    try:
        calendar_setting_save(
            setting=DayOverride(province=province, day=DAY_OFF, kind=DayKind.DAY_OFF, reason="Nghỉ bù")
        )
    finally:
        hooks._in_transaction.remove(listen)
    moved = RecordEvent.objects.filter(action=DUE_RECOMPUTED).values_list("record_id", flat=True)
    assert sorted(heard) == sorted((pk, DUE_RECOMPUTED) for pk in moved)
    assert len(heard) == 4 / 7 * len(world)


def test_a_batch_task_delivers_each_of_its_rows(world, province):
    """The bulk path hands the moved records' deliveries to the workers 50 per task: running one
    attempts each of its rows (the test endpoint refuses connections: each is put back for later)."""
    from motcua.exchange.tasks import deliver_batch

    calendar_setting_save(
        setting=DayOverride(province=province, day=DAY_OFF, kind=DayKind.DAY_OFF, reason="Nghỉ bù")
    )
    ids = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING).order_by("pk").values_list("pk", flat=True)
    )
    assert len(ids) > 50
    assert deliver_batch.call(delivery_ids=ids[:50]) == "50/50"
    attempted = Delivery.objects.filter(pk__in=ids[:50])
    assert all(d.attempts >= 1 and d.last_error for d in attempted)
    assert not Delivery.objects.filter(pk__in=ids[50:], last_error__gt="").exclude(attempts=0).exists()
