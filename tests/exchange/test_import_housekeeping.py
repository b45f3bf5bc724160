"""Imports look after themselves: the next worker restarts a run whose worker died (a few times at
most), and `motcua imports prune` deletes old stored uploads while the runs keep their summary."""

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from motcua.exchange import imports
from motcua.exchange.imports import (
    STALL_AFTER,
    NotRestartable,
    import_enqueue,
    import_restart,
    import_run_execute,
    imports_prune,
    imports_restart_stalled,
)
from motcua.exchange.models import ImportRun
from motcua.records.models import Record

from . import test_import_tasks
from .sync import as_array, as_lines, sync_record
from .test_import_tasks import Killed, queue

Status = ImportRun.Status
media = test_import_tasks.media  # the fixture: uploads stored in a temporary folder


def _stall(run: ImportRun) -> None:
    """Its worker's last sign of life is older than STALL_AFTER."""
    long_ago = timezone.now() - STALL_AFTER - dt.timedelta(minutes=1)
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=long_ago, started_at=long_ago)


@pytest.mark.django_db(transaction=True)  # the worker sees only committed rows, as in production
def test_the_next_worker_restarts_a_run_whose_worker_died(procedure, van_hung, media, monkeypatch):
    records = [sync_record(n) for n in range(1, 6)]
    run = import_enqueue(stream=io.BytesIO(as_lines(records)), source_name="hs.jsonl", user=None)
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    real_beat = imports._Heartbeat.__call__

    def dies_after_three(self, n):
        real_beat(self, n)
        if self.count == 3:
            raise Killed

    monkeypatch.setattr(imports._Heartbeat, "__call__", dies_after_three)
    with pytest.raises(Killed):
        import_run_execute(run_id=run.pk)  # a worker took the run and died mid-file
    monkeypatch.setattr(imports._Heartbeat, "__call__", real_beat)
    written = Record.objects.count()
    assert 0 < written < 5

    call_command("worker", "--once", verbosity=0)  # heartbeat still fresh: the run may be alive
    assert ImportRun.objects.get(pk=run.pk).status == Status.RUNNING

    _stall(run)
    call_command("worker", "--once", verbosity=0)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (Status.DONE, 2, "")
    assert (run.added, run.unchanged) == (5 - written, written)
    assert Record.objects.count() == 5


@pytest.mark.django_db
def test_a_run_that_keeps_killing_its_worker_is_failed_not_retried(
    procedure, van_hung, media, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_IMPORT_MAX_ATTEMPTS = 2
    run = queue(as_array([sync_record(1)]), django_capture_on_commit_callbacks)
    imports._take(run.pk)  # first start, worker dies
    _stall(run)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert [r.pk for r in imports_restart_stalled()] == [run.pk]
    assert len(queued) == 1 and ImportRun.objects.get(pk=run.pk).status == Status.PENDING
    imports._take(run.pk)  # second start, dies again
    _stall(run)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert imports_restart_stalled() == []
    run.refresh_from_db()
    assert (run.status, run.attempts, queued) == (Status.FAILED, 2, [])
    assert "dừng giữa chừng 2 lần" in run.error
    with django_capture_on_commit_callbacks(execute=False) as queued:
        import_restart(run=run)  # an officer may still try again by hand
    assert len(queued) == 1


@pytest.mark.django_db
def test_a_waiting_or_live_run_is_left_alone(procedure, van_hung, media, django_capture_on_commit_callbacks):
    waiting = queue(as_array([sync_record(1)]), django_capture_on_commit_callbacks)
    _stall(waiting)  # pending a long time: behind a long import in the queue, not lost
    live = queue(as_array([sync_record(2)]), django_capture_on_commit_callbacks)
    imports._take(live.pk)
    assert imports_restart_stalled() == []
    assert ImportRun.objects.get(pk=waiting.pk).status == Status.PENDING


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_holding_its_run_is_alive_though_its_heartbeat_is_old(procedure, van_hung, media):
    run = import_enqueue(stream=io.BytesIO(as_array([sync_record(1)])), source_name="hs.json", user=None)
    imports._take(run.pk)
    _stall(run)
    holding, done = threading.Event(), threading.Event()

    def bulk_load() -> None:  # its one long transaction has written a heartbeat no one else sees
        try:
            with transaction.atomic():
                ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
                holding.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    worker = threading.Thread(target=bulk_load)
    worker.start()
    try:
        assert holding.wait(timeout=30)
        assert imports_restart_stalled() == []  # does not wait for the lock either
        assert ImportRun.objects.get(pk=run.pk).status == Status.RUNNING
    finally:
        done.set()
        worker.join(timeout=30)


@pytest.mark.django_db
def test_prune_deletes_old_uploads_and_keeps_the_runs(
    procedure, van_hung, media, settings, capsys, django_capture_on_commit_callbacks
):
    now = timezone.now()
    old, recent = now - dt.timedelta(days=40), now - dt.timedelta(days=5)
    done = queue(as_array([sync_record(1)]), django_capture_on_commit_callbacks)
    failed = queue(as_array([sync_record(2)]), django_capture_on_commit_callbacks)
    shared_old = queue(as_array([sync_record(3)]), django_capture_on_commit_callbacks)
    shared_new = queue(as_array([sync_record(3)]), django_capture_on_commit_callbacks)  # same content
    waiting = queue(as_array([sync_record(4)]), django_capture_on_commit_callbacks)
    rejects = [{"position": 1, "field": "MaTTHC", "reason": "Thiếu mã thủ tục"}]
    ImportRun.objects.filter(pk=done.pk).update(
        status=Status.DONE, finished_at=old, added=7, rejected=1, sample_rejects=rejects
    )
    ImportRun.objects.filter(pk=failed.pk).update(status=Status.FAILED, finished_at=old, error="ổ đĩa đầy")
    ImportRun.objects.filter(pk=shared_old.pk).update(status=Status.DONE, finished_at=old)
    ImportRun.objects.filter(pk=shared_new.pk).update(status=Status.DONE, finished_at=recent)
    ImportRun.objects.filter(pk=waiting.pk).update(started_at=old)
    assert shared_old.storage_name == shared_new.storage_name  # one stored file per content
    stored = {run.pk: media / run.storage_name for run in (done, failed, shared_old, waiting)}
    expected_bytes = done.file_size + failed.file_size

    dry = imports_prune(older_than=dt.timedelta(days=30), dry_run=True)
    assert (dry.runs, dry.files, dry.bytes) == (2, 2, expected_bytes)
    assert all(path.exists() for path in stored.values())

    settings.MOTCUA_IMPORT_RETENTION_DAYS = 30  # the command's default
    with django_capture_on_commit_callbacks(execute=True):
        call_command("imports", "prune")
    assert f"Đã xoá 2 tệp ({expected_bytes} byte) của 2 lượt nhập" in capsys.readouterr().out
    assert not stored[done.pk].exists() and not stored[failed.pk].exists()
    assert stored[shared_old.pk].exists() and stored[waiting.pk].exists()
    kept = ImportRun.objects.get(pk=done.pk)
    assert (kept.storage_name, kept.added, kept.rejected, kept.sample_rejects) == ("", 7, 1, rejects)
    assert kept.file_sha256 == done.file_sha256 and kept.file_size == done.file_size
    with pytest.raises(NotRestartable, match="xoá theo thời hạn lưu"):
        import_restart(run=ImportRun.objects.get(pk=failed.pk))
    assert imports_prune(older_than=dt.timedelta(days=30)).files == 0  # nothing twice


@pytest.mark.django_db
def test_prune_refuses_a_negative_age(capsys):
    with pytest.raises(Exception, match="không âm"):
        call_command("imports", "prune", "--older-than", "-1")
