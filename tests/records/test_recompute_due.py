"""A calendar change recomputes the due dates of open records (domain.md §5), in the change's own
transaction, with a history row per moved record.

Xã Vạn Hưng works 07:30–11:30 and 13:30–17:00 (7 h 30 a day, the default). The procedure takes
3 working days, counted from the working day after receipt: a record received on Monday
02/03/2026 is due on Thursday 05/03/2026 at 17:00 (Tue 03, Wed 04, Thu 05)."""

import datetime as dt
from collections import Counter

import pytest

from motcua.calendars.models import DayKind, DayOverride
from motcua.calendars.services import calendar_setting_delete, calendar_setting_save
from motcua.records.lifecycle import Action
from motcua.records.models import Record, RecordEvent, RecordStep
from motcua.records.recompute import DUE_RECOMPUTED
from motcua.records.selectors import Inbox, inbox
from motcua.records.services import record_intake_at_counter, record_perform
from tests.factories import AgencyFactory, CommuneFactory, ProvinceFactory, UserFactory

from .conftest import local
from .test_demo import communes  # noqa: F401 — the demo's three communes, as a fixture here

pytestmark = pytest.mark.django_db

MONDAY_0800 = local(2026, 3, 2, 8, 0)
THURSDAY_CLOSE = local(2026, 3, 5, 17, 0)


def _intake(procedure, agency, applicant, desk, at=MONDAY_0800):
    return record_intake_at_counter(
        procedure=procedure, agency=agency, applicant=applicant, actor=desk, at=at
    )


def _due(record) -> dt.datetime:
    return Record.objects.get(pk=record.pk).due_at


def _moves(record):
    return Record.objects.get(pk=record.pk).events.filter(action=DUE_RECOMPUTED)


def _day(province, day, kind=DayKind.DAY_OFF, reason="Nghỉ theo quyết định của UBND tỉnh"):
    return DayOverride(province=province, day=day, kind=kind, reason=reason)


def test_a_day_off_inside_the_span_moves_the_due_date_and_the_open_step(
    procedure, van_hung, staff, applicant, province
):
    record = _intake(procedure, van_hung, applicant, staff["desk"])
    record = record_perform(
        record=record,
        action=Action.ASSIGN,
        actor=staff["desk"],
        to_user=staff["specialist"],
        at=local(2026, 3, 2, 9, 0),
    )
    step = RecordStep.objects.get(record=record, finished_at__isnull=True)
    # Appraisal: 1,5 days = 11 h 15 of working time from Mon 09:00: Mon 6 h, Tue 4 h, then 1 h 15 → 14:45.
    assert step.due_at == local(2026, 3, 3, 14, 45)
    assert record.due_at == THURSDAY_CLOSE
    version = Record.objects.get(pk=record.pk).version
    admin = UserFactory(username="quantri.lich")

    calendar_setting_save(setting=_day(province, dt.date(2026, 3, 3)), actor=admin)

    # Tuesday off: Wed 04, Thu 05, Fri 06 → Friday at 17:00.
    assert _due(record) == local(2026, 3, 6, 17, 0)
    # The step: Mon 6 h, Wed 4 h, then 1 h 15 → Wednesday 14:45.
    assert RecordStep.objects.get(pk=step.pk).due_at == local(2026, 3, 4, 14, 45)
    assert Record.objects.get(pk=record.pk).version == version + 1  # an open form is now stale
    (event,) = _moves(record)
    assert event.actor == admin and event.due_at == local(2026, 3, 6, 17, 0)
    assert "17:00 05/03/2026" in event.reason and "17:00 06/03/2026" in event.reason
    assert "Nghỉ theo quyết định của UBND tỉnh" in event.reason  # which change
    moved = event.detail["due_recomputed"]
    assert dt.datetime.fromisoformat(moved["previous_due"]) == THURSDAY_CLOSE
    assert dt.datetime.fromisoformat(moved["steps"][0]["due"]) == local(2026, 3, 4, 14, 45)


def test_a_day_off_outside_the_span_moves_nothing(procedure, van_hung, staff, applicant, province):
    record = _intake(procedure, van_hung, applicant, staff["desk"])
    calendar_setting_save(setting=_day(province, dt.date(2026, 3, 6)))  # the day after the due date
    assert _due(record) == THURSDAY_CLOSE
    assert not _moves(record).exists()


def test_a_worked_saturday_moves_it_earlier_and_taking_it_back_restores_it(
    procedure, van_hung, staff, applicant, province
):
    record = _intake(procedure, van_hung, applicant, staff["desk"], at=local(2026, 3, 5, 9, 0))
    assert record.due_at == local(2026, 3, 10, 17, 0)  # Fri 06, Mon 09, Tue 10
    saturday = _day(province, dt.date(2026, 3, 7), kind=DayKind.WORKING, reason="Làm bù")
    calendar_setting_save(setting=saturday)
    assert _due(record) == local(2026, 3, 9, 17, 0)  # Fri 06, Sat 07, Mon 09
    calendar_setting_delete(setting=saturday)
    assert _due(record) == local(2026, 3, 10, 17, 0)
    assert _moves(record).count() == 2


def test_ended_and_imported_records_keep_their_due_date(procedure, van_hung, staff, applicant, province):
    ended = _intake(procedure, van_hung, applicant, staff["desk"])
    ended = record_perform(
        record=ended, action=Action.ASSIGN, actor=staff["desk"], to_user=staff["specialist"], at=MONDAY_0800
    )
    record_perform(record=ended, action=Action.APPROVE, actor=staff["leader"], at=local(2026, 3, 3, 10, 0))
    imported = _intake(procedure, van_hung, applicant, staff["desk"])
    # The source system's appointment is a fact of that system.
    Record.objects.filter(pk=imported.pk).update(source_system="dvcqg")

    calendar_setting_save(setting=_day(province, dt.date(2026, 3, 3)))

    assert _due(ended) == _due(imported) == THURSDAY_CLOSE
    assert not _moves(ended).exists() and not _moves(imported).exists()


def test_another_provinces_calendar_does_not_touch_this_one(procedure, van_hung, staff, applicant):
    record = _intake(procedure, van_hung, applicant, staff["desk"])
    elsewhere = ProvinceFactory(code="58", name="Tỉnh Khác")
    AgencyFactory(unit=CommuneFactory(parent=elsewhere))
    calendar_setting_save(setting=_day(elsewhere, dt.date(2026, 3, 3)))
    assert _due(record) == THURSDAY_CLOSE
    assert not _moves(record).exists()
    # A national day off covers every province.
    calendar_setting_save(setting=_day(None, dt.date(2026, 3, 4), reason="Nghỉ toàn quốc"))
    assert _due(record) == local(2026, 3, 6, 17, 0)


def test_a_failed_calendar_change_leaves_the_records_as_they_were(
    procedure, van_hung, staff, applicant, province, monkeypatch
):
    from motcua.calendars import hooks

    record = _intake(procedure, van_hung, applicant, staff["desk"])
    version = Record.objects.get(pk=record.pk).version

    def fails_after(change):
        raise RuntimeError("a later receiver fails")

    monkeypatch.setattr(hooks, "_on_change", [*hooks._on_change, fails_after])
    with pytest.raises(RuntimeError):
        calendar_setting_save(setting=_day(province, dt.date(2026, 3, 3)))
    assert not DayOverride.objects.exists()
    assert _due(record) == THURSDAY_CLOSE
    assert Record.objects.get(pk=record.pk).version == version
    assert not _moves(record).exists()


def test_a_supplement_restart_is_counted_from_the_complete_dossier(
    procedure, van_hung, staff, applicant, province
):
    record = _intake(procedure, van_hung, applicant, staff["desk"])
    record = record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["desk"],
        missing=["Tờ khai"],
        at=local(2026, 3, 2, 10, 0),
    )
    record = record_perform(
        record=record, action=Action.SUPPLEMENT_RECEIVED, actor=staff["desk"], at=local(2026, 3, 4, 9, 0)
    )
    assert record.due_at == local(2026, 3, 9, 17, 0)  # NĐ 118 restart: Thu 05, Fri 06, Mon 09
    calendar_setting_save(setting=_day(province, dt.date(2026, 3, 5)))
    # Counted again from Wednesday's return, not from the receipt: Fri 06, Mon 09, Tue 10.
    assert _due(record) == local(2026, 3, 10, 17, 0)


def test_old_rules_resume_the_remaining_time_on_the_new_calendar(
    procedure, van_hung, staff, applicant, province
):
    record = _intake(procedure, van_hung, applicant, staff["desk"], at=local(2025, 3, 3, 9, 0))
    record = record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=staff["desk"],
        missing=["Tờ khai"],
        at=local(2025, 3, 4, 17, 0),
    )
    record = record_perform(
        record=record, action=Action.SUPPLEMENT_RECEIVED, actor=staff["desk"], at=local(2025, 3, 10, 7, 30)
    )
    assert record.rule_set == "nd61-2018" and record.due_at == local(2025, 3, 11, 17, 0)
    calendar_setting_save(setting=_day(province, dt.date(2025, 3, 11)))
    # Two working days (15 h) remained at the pause; from Mon 10/03 07:30: Monday, then Wednesday.
    assert _due(record) == local(2025, 3, 12, 17, 0)


def test_an_extended_record_keeps_the_date_its_apology_letter_gave(
    procedure, van_hung, staff, applicant, province
):
    record = _intake(procedure, van_hung, applicant, staff["desk"])
    record = record_perform(
        record=record, action=Action.ASSIGN, actor=staff["desk"], to_user=staff["specialist"], at=MONDAY_0800
    )
    record = record_perform(
        record=record,
        action=Action.EXTEND,
        actor=staff["leader"],
        new_due_on=dt.date(2026, 3, 12),
        reason="Cần xác minh thực địa",
        at=local(2026, 3, 3, 8, 0),
    )
    calendar_setting_save(setting=_day(province, dt.date(2026, 3, 4)))
    assert _due(record) == local(2026, 3, 12, 17, 0)


def _rollup_rows():
    from motcua.metrics.models import RecordRollupDay

    fields = [f.name for f in RecordRollupDay._meta.fields if f.name != "id"]
    return sorted(tuple(row) for row in RecordRollupDay.objects.values_list(*fields))


def test_the_inbox_and_the_index_follow_the_new_due_date(procedure, van_hung, staff, applicant, province):
    from motcua.metrics.models import RecordRollupDay
    from motcua.metrics.rollups import rollups_rebuild

    record = _intake(procedure, van_hung, applicant, staff["desk"], at=local(2026, 3, 5, 9, 0))
    tuesday_morning = local(2026, 3, 10, 9, 0)
    assert record not in inbox(staff["desk"], Inbox.OVERDUE, now=tuesday_morning)  # due Tue 17:00

    def falls_overdue() -> set[dt.date]:
        """The days on which the index counts the record off "on time" (its due day)."""
        return set(RecordRollupDay.objects.filter(on_time__lt=0).values_list("day", flat=True))

    assert falls_overdue() == {dt.date(2026, 3, 10)}

    calendar_setting_save(setting=_day(province, dt.date(2026, 3, 7), kind=DayKind.WORKING, reason="Làm bù"))

    # Due Monday 17:00 now: overdue on Tuesday morning.
    assert record in inbox(staff["desk"], Inbox.OVERDUE, now=tuesday_morning)
    # The index's roll-ups count it off on Monday now, as a full recount does.
    assert falls_overdue() == {dt.date(2026, 3, 9)}
    kept = _rollup_rows()
    rollups_rebuild()
    assert _rollup_rows() == kept


def test_the_record_page_and_the_api_show_the_recomputation(
    client, procedure, van_hung, staff, applicant, province
):
    record = _intake(procedure, van_hung, applicant, staff["desk"])
    calendar_setting_save(setting=_day(province, dt.date(2026, 3, 3), reason="Nghỉ bù"))
    client.force_login(staff["desk"])
    page = client.get(f"/can-bo/ho-so/{record.pk}/").content.decode()
    assert "Tính lại hạn giải quyết do thay đổi lịch làm việc" in page
    assert "từ 17:00 05/03/2026 thành 17:00 06/03/2026" in page and "Nghỉ bù" in page
    events = client.get(f"/api/v1/records/{record.code}/").json()["events"]
    assert events[-1]["action"] == DUE_RECOMPUTED
    assert events[-1]["action_label"] == "Tính lại hạn giải quyết do thay đổi lịch làm việc"
    # The receipt keeps the date it printed.
    assert Record.objects.get(pk=record.pk).original_due_at == THURSDAY_CLOSE


def test_the_replay_finds_every_due_date_the_services_set(province, communes):  # noqa: F811
    """A demo year of histories made through the services (supplements under both rule sets,
    extensions, steps): replayed on the same calendars, every record's due date comes out as the
    services set it — so a calendar change moves only what the change itself moves."""
    from motcua.records import demo
    from motcua.records.recompute import CLOCK_ACTIONS, AgencyCalendars, replay_due

    list(demo.build_demo(150))
    received = Record.objects.filter(received_at__isnull=False, summary__endswith=demo.DEMO_TAG)
    calendars = AgencyCalendars()
    seen: Counter[str] = Counter()
    for record in received.select_related("procedure", "agency__unit"):
        events = list(record.events.filter(action__in=CLOCK_ACTIONS).order_by("at", "pk"))
        seen.update(e.action for e in events)
        replayed = replay_due(record, events, calendars)
        assert replayed is not None and replayed.due_at == record.due_at, record.code
    assert seen[Action.SUPPLEMENT_RECEIVED] > 0 and seen[Action.EXTEND] > 0
    # A change outside every span moves nothing, not even a step deadline.
    steps = dict(RecordStep.objects.filter(finished_at__isnull=True).values_list("pk", "due_at"))
    calendar_setting_save(setting=_day(province, dt.date(2031, 6, 2), reason="Ngoài mọi thời hạn"))
    assert dict(RecordStep.objects.filter(finished_at__isnull=True).values_list("pk", "due_at")) == steps
    assert not RecordEvent.objects.filter(action=DUE_RECOMPUTED).exists()


def test_a_day_off_moved_elsewhere_gives_back_the_day_it_left(
    procedure, van_hung, staff, applicant, province
):
    """Only records spanning a changed day are replayed: an edit changes the old day and the new."""
    record = _intake(procedure, van_hung, applicant, staff["desk"])
    day_off = calendar_setting_save(setting=_day(province, dt.date(2026, 3, 4)))
    assert _due(record) == local(2026, 3, 6, 17, 0)
    day_off.day = dt.date(2026, 3, 16)  # after the due date: only the day it left counts here
    calendar_setting_save(setting=day_off)
    assert _due(record) == THURSDAY_CLOSE
    assert _moves(record).count() == 2
