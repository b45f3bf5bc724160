"""Imports started from a page or the API run in the background (Django Tasks, `motcua worker`).

The upload is copied once into storage under its SHA-256 (design.md: files are addressed by their
hash; the same file uploaded twice is stored once) and an `ImportRun` waits, pending, for a
worker. The worker takes it (running), imports through the importer, and leaves it done or
failed with the summary. A worker killed mid-import leaves a running run whose heartbeat stops;
restarting it imports the whole file again, which is safe: imports are idempotent by MaHoSo, so
what the dead worker wrote comes out "unchanged" and nothing is duplicated."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
import time
from collections.abc import Iterator
from functools import partial
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from motcua.accounts.models import User
from motcua.core.text import nfc

from .dvcqg.reader import UnreadableFile, detect_layout
from .importer import DEFAULT_BATCH, import_sync_file
from .models import ImportRun
from .tasks import QUEUE

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
BATCH_SIZE = DEFAULT_BATCH
HEARTBEAT_SECONDS = 5.0
# A running run silent this long has lost its worker (a batch takes seconds, not minutes).
STALL_AFTER = dt.timedelta(minutes=10)
Status = ImportRun.Status


class NotRestartable(Exception):
    """The run is done, still waiting, or still running with a live worker."""


def import_enqueue(
    *,
    stream: IO[bytes],
    source_name: str,
    user: User | None,
    create_missing: bool = False,
    source_system: str = "dvcqg",
) -> ImportRun:
    """Store the upload and queue its import. Raises `UnreadableFile` (nothing stored, nothing
    queued) when the file does not even start like sync records."""
    sha, size, storage_name = _store(stream)
    with transaction.atomic():
        run = ImportRun.objects.create(
            source_name=nfc(source_name)[:255],
            source_system=source_system,
            user=user,
            started_at=timezone.now(),
            finished_at=None,
            status=Status.PENDING,
            create_missing=create_missing,
            file_sha256=sha,
            file_size=size,
            storage_name=storage_name,
        )
        transaction.on_commit(partial(_enqueue, run.pk))  # the worker must see the row
    return run


def import_restartable(run: ImportRun, *, now: dt.datetime | None = None) -> bool:
    if not run.storage_name:
        return False  # a command-line run: its file was never stored
    if run.status == Status.FAILED:
        return True
    # Running without a heartbeat: its worker died. Pending that long: its task was lost (a second
    # task is harmless: only one takes the run).
    last_sign = run.heartbeat_at or run.started_at
    stalled = last_sign < (now or timezone.now()) - STALL_AFTER
    return run.status in (Status.RUNNING, Status.PENDING) and stalled


def import_restart(*, run: ImportRun, now: dt.datetime | None = None) -> ImportRun:
    """Queue a failed run, one whose worker died, or one whose task was lost, again."""
    if not import_restartable(run, now=now):
        raise NotRestartable(
            "Chỉ chạy lại được lượt nhập không thành công, hoặc đang chờ / đang nhập mà đã "
            f"{int(STALL_AFTER.total_seconds() // 60)} phút không có dấu hiệu chạy."
        )
    with transaction.atomic():
        taken = ImportRun.objects.filter(pk=run.pk, status=run.status, attempts=run.attempts).update(
            status=Status.PENDING, error="", finished_at=None, processed=0
        )
        if not taken:
            raise NotRestartable("Lượt nhập vừa thay đổi tình trạng; hãy tải lại.")
        transaction.on_commit(partial(_enqueue, run.pk))
    run.refresh_from_db()
    return run


@task(queue_name=QUEUE)
def run_import(run_id: int) -> str:
    return import_run_execute(run_id=run_id)


def import_run_execute(*, run_id: int) -> str:
    """Run a pending import; a second task for the same run (or a run already taken) is a no-op."""
    attempt = _take(run_id)
    if attempt is None:
        return "skipped"
    run = ImportRun.objects.select_related("user").get(pk=run_id)
    beat = _Heartbeat(run_id, attempt)
    try:
        with default_storage.open(run.storage_name, "rb") as stream:
            summary = import_sync_file(
                stream=stream,
                source_name=run.source_name,
                source_system=run.source_system,
                create_missing=run.create_missing,
                batch_size=BATCH_SIZE,
                user=run.user,
                run=run,
                progress=beat,
            )
    except UnreadableFile as error:
        _finish(run_id, attempt, Status.FAILED, processed=beat.count, error=str(error))
        return Status.FAILED.value
    except FileNotFoundError:
        _finish(
            run_id, attempt, Status.FAILED, processed=beat.count, error="Tệp nhập không còn trong kho lưu."
        )
        return Status.FAILED.value
    except Exception as error:  # the run must say it failed; the log keeps the traceback
        logger.exception("Import run %s failed", run_id)
        message = f"Lỗi khi nhập ({type(error).__name__}): {error}"[:2000]
        _finish(run_id, attempt, Status.FAILED, processed=beat.count, error=message)
        return Status.FAILED.value
    _finish(run_id, attempt, Status.DONE, processed=summary.seen)
    return Status.DONE.value


def _enqueue(run_id: int) -> None:
    run_import.enqueue(run_id=run_id)


def _take(run_id: int) -> int | None:
    """pending → running, by one worker only; the attempt number it now holds."""
    now = timezone.now()
    taken = ImportRun.objects.filter(pk=run_id, status=Status.PENDING).update(
        status=Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        processed=0,
    )
    if not taken:
        return None
    return int(ImportRun.objects.values_list("attempts", flat=True).get(pk=run_id))


def _finish(run_id: int, attempt: int, status: str, *, processed: int, error: str = "") -> None:
    now = timezone.now()
    ImportRun.objects.filter(pk=run_id, attempts=attempt, status=Status.RUNNING).update(
        status=status, processed=processed, error=error, finished_at=now, heartbeat_at=now
    )


class _Heartbeat:
    """The importer's progress callback: every few seconds, the count read so far."""

    def __init__(self, run_id: int, attempt: int) -> None:
        self.run_id, self.attempt = run_id, attempt
        self.count = 0
        self.last = time.monotonic()

    def __call__(self, n: int) -> None:
        self.count += n
        if time.monotonic() - self.last >= HEARTBEAT_SECONDS:
            self.last = time.monotonic()
            ImportRun.objects.filter(pk=self.run_id, attempts=self.attempt, status=Status.RUNNING).update(
                processed=self.count, heartbeat_at=timezone.now()
            )


def _store(stream: IO[bytes]) -> tuple[str, int, str]:
    """Hash the upload, check how it starts, keep it. An uploaded file (memory or temporary file)
    is read twice in place; a raw request body, readable once, is copied to a temporary file."""
    if isinstance(stream, UploadedFile):
        return _store_seekable(stream)
    with tempfile.TemporaryFile() as copy:
        for chunk in _chunks(stream):
            copy.write(chunk)
        copy.seek(0)
        return _store_seekable(File(copy))


def _store_seekable(upload: File) -> tuple[str, int, str]:
    digest, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    detect_layout(upload)  # type: ignore[arg-type]  # raises UnreadableFile: empty or not JSON
    upload.seek(0)
    sha = digest.hexdigest()
    name = f"imports/{sha[:2]}/{sha}"
    if not default_storage.exists(name):
        name = default_storage.save(name, upload)
    return sha, size, name


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk
