"""Imports started from pages run as tasks: pending → running → done/failed; a run whose worker
was killed mid-import is restarted and, imports being idempotent, nothing is duplicated."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.exchange import imports
from motcua.exchange.imports import (
    STALL_AFTER,
    NotRestartable,
    import_enqueue,
    import_restart,
    import_run_execute,
)
from motcua.exchange.models import ImportRun
from motcua.records.models import Record, RecordEvent
from tests.factories import UserFactory, grant

from .sync import as_array, as_lines, sync_record

IMMEDIATE = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "exchange"],
    }
}
Status = ImportRun.Status


class Killed(BaseException):
    """The worker process dies: no `except Exception` runs, nothing is written after it."""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


def queue(data: bytes, capture, **kwargs) -> ImportRun:
    """Enqueue without running: the task waits as it would for a busy worker."""
    with capture(execute=False):
        return import_enqueue(stream=io.BytesIO(data), source_name="hs.jsonl", user=None, **kwargs)


@pytest.mark.django_db
def test_a_worker_killed_mid_import_is_restarted_and_nothing_is_duplicated(
    procedure, van_hung, media, immediate, monkeypatch, django_capture_on_commit_callbacks
):
    records = [sync_record(n) for n in range(1, 6)]
    run = queue(as_lines(records), django_capture_on_commit_callbacks)
    assert run.status == Status.PENDING

    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    real_beat = imports._Heartbeat.__call__

    def dies_after_three(self, n):
        real_beat(self, n)
        if self.count == 3:
            raise Killed

    monkeypatch.setattr(imports._Heartbeat, "__call__", dies_after_three)
    with pytest.raises(Killed):
        import_run_execute(run_id=run.pk)
    run.refresh_from_db()
    written = Record.objects.count()
    assert run.status == Status.RUNNING and run.attempts == 1
    assert 0 < written < 5  # a batch went in before the worker died, not the whole file

    # Its heartbeat is fresh: it may still be alive, so it is not restarted yet.
    with pytest.raises(NotRestartable):
        import_restart(run=run)
    monkeypatch.setattr(imports._Heartbeat, "__call__", real_beat)
    later = timezone.now() + STALL_AFTER + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        import_restart(run=run, now=later)

    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (Status.DONE, 2, "")
    assert (run.added, run.unchanged, run.rejected) == (5 - written, written, 0)
    assert sorted(Record.objects.values_list("code", flat=True)) == sorted(r["MaHoSo"] for r in records)
    # Each record's history entry once: nothing the dead worker wrote came in twice.
    repeated = RecordEvent.objects.values("record", "at", "action").annotate(n=Count("id")).filter(n__gt=1)
    assert not repeated.exists()
    assert ImportRun.objects.count() == 1


@pytest.mark.django_db
def test_a_second_task_for_the_same_run_does_nothing(
    procedure, van_hung, media, django_capture_on_commit_callbacks
):
    run = queue(as_array([sync_record(1)]), django_capture_on_commit_callbacks)
    assert import_run_execute(run_id=run.pk) == "done"
    assert import_run_execute(run_id=run.pk) == "skipped"
    run.refresh_from_db()
    assert (run.status, run.attempts, run.added) == (Status.DONE, 1, 1)


@pytest.mark.django_db
def test_a_stale_worker_that_wakes_up_after_a_restart_changes_nothing(
    procedure, van_hung, media, django_capture_on_commit_callbacks
):
    run = queue(as_array([sync_record(1)]), django_capture_on_commit_callbacks)
    first = imports._take(run.pk)
    run.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        import_restart(run=run, now=timezone.now() + STALL_AFTER + dt.timedelta(seconds=1))
    second = imports._take(run.pk)
    assert (first, second) == (1, 2)
    imports._finish(run.pk, first, Status.FAILED, processed=0, error="HTTP 500")
    run.refresh_from_db()
    assert (run.status, run.error) == (Status.RUNNING, "")


@pytest.mark.django_db
def test_a_failed_run_can_be_restarted_a_done_or_waiting_one_cannot(
    procedure, van_hung, media, immediate, django_capture_on_commit_callbacks
):
    waiting = queue(as_array([sync_record(1)]), django_capture_on_commit_callbacks)
    with pytest.raises(NotRestartable):
        import_restart(run=waiting)
    stored = media / waiting.storage_name
    kept = stored.read_bytes()
    stored.unlink()  # the storage lost the file
    assert import_run_execute(run_id=waiting.pk) == "failed"
    waiting.refresh_from_db()
    assert waiting.status == Status.FAILED and "không còn" in waiting.error
    stored.write_bytes(kept)
    with django_capture_on_commit_callbacks(execute=True):
        import_restart(run=waiting)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.added, waiting.attempts) == (Status.DONE, 1, 2)
    with pytest.raises(NotRestartable):
        import_restart(run=waiting)


@pytest.mark.django_db
def test_restart_through_the_api(
    province, procedure, van_hung, media, immediate, django_capture_on_commit_callbacks
):
    user = UserFactory(username="quantri.tinh")
    grant(user, Role.PROVINCE_ADMIN, province)
    api = APIClient()
    api.force_authenticate(user)
    run = queue(as_array([sync_record(1)]), django_capture_on_commit_callbacks)
    url = f"/api/v1/exchange/dvcqg/import/{run.pk}/restart"
    refused = api.post(url)
    assert refused.status_code == 409
    assert (refused.json()["code"], refused.json()["run_status"]) == ("import-not-restartable", "pending")
    ImportRun.objects.filter(pk=run.pk).update(status=Status.FAILED, error="ổ đĩa đầy")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url)
    assert response.status_code == 202 and response["Location"].endswith(f"/dvcqg/import/{run.pk}")
    assert api.get(response["Location"]).json()["status"] == "done"
    assert api.post("/api/v1/exchange/dvcqg/import/999999/restart").status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker sees only committed rows, as in production
def test_motcua_worker_runs_a_queued_import(procedure, van_hung, media):
    run = import_enqueue(
        stream=io.BytesIO(as_lines([sync_record(1), sync_record(2)])), source_name="hs.jsonl", user=None
    )
    assert ImportRun.objects.get(pk=run.pk).status == Status.PENDING and not Record.objects.exists()
    call_command("worker", "--once", verbosity=0)
    run.refresh_from_db()
    assert (run.status, run.added, run.processed) == (Status.DONE, 2, 2)
    assert Record.objects.count() == 2


@pytest.mark.django_db
def test_a_run_whose_task_was_lost_can_be_queued_again_and_runs_once(
    procedure, van_hung, media, immediate, django_capture_on_commit_callbacks
):
    run = queue(as_array([sync_record(1)]), django_capture_on_commit_callbacks)  # its task never runs
    with pytest.raises(NotRestartable):
        import_restart(run=run)  # waiting in a busy queue is not lost yet
    with django_capture_on_commit_callbacks(execute=True):
        import_restart(run=run, now=timezone.now() + STALL_AFTER + dt.timedelta(seconds=1))
    run.refresh_from_db()
    assert (run.status, run.attempts, run.added) == (Status.DONE, 1, 1)
    assert import_run_execute(run_id=run.pk) == "skipped"  # the lost task, found after all
