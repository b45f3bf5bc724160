"""Imports started from a page or the API run in the background (Django Tasks, `motcua worker`).

The upload is copied once into storage under its SHA-256 (design.md: files are addressed by their
hash; the same file uploaded twice is stored once) and an `ImportRun` waits, pending, for a
worker. The worker takes it (running), imports through the importer, and leaves it done or
failed with the summary. A worker killed mid-import leaves a running run whose heartbeat stops;
restarting it imports the whole file again, which is safe: imports are idempotent by MaHoSo, so
what the dead worker wrote comes out "unchanged" and nothing is duplicated. The next worker does
that by itself (`imports_restart_stalled`, swept by `motcua worker`), a few times at most.

Stored uploads are kept for a while after their run finished, then deleted by
`motcua imports prune` (`imports_prune`); the run keeps its summary, rejects, hash and size."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
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
        return False  # a command-line run (its file was never stored), or its file was pruned
    if run.status == Status.FAILED:
        return True
    # Running without a heartbeat: its worker died. Pending that long: its task was lost (a second
    # task is harmless: only one takes the run).
    last_sign = run.heartbeat_at or run.started_at
    stalled = last_sign < (now or timezone.now()) - STALL_AFTER
    return run.status in (Status.RUNNING, Status.PENDING) and stalled


def import_restart(*, run: ImportRun, now: dt.datetime | None = None) -> ImportRun:
    """Queue a failed run, one whose worker died, or one whose task was lost, again."""
    if not run.storage_name and run.file_sha256:
        raise NotRestartable("Tệp của lượt nhập đã được xoá theo thời hạn lưu; hãy tải tệp lên lại.")
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


def imports_restart_stalled(*, now: dt.datetime | None = None) -> list[ImportRun]:
    """Queue again every running import whose worker died (no heartbeat for `STALL_AFTER`).
    Called by each `motcua worker` sweep and by `motcua imports restart-stalled`; any number of
    sweepers may run at once (a run is taken by one of them). A run whose workers died
    `MOTCUA_IMPORT_MAX_ATTEMPTS` times is marked failed instead: a file that kills its worker
    (out of memory) is not retried forever; an officer can still restart it by hand."""
    now = now or timezone.now()
    limit = now - STALL_AFTER
    stalled = (
        ImportRun.objects.filter(status=Status.RUNNING)
        .exclude(storage_name="")
        .filter(Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit))
        .values_list("pk", flat=True)
    )
    restarted: list[ImportRun] = []
    for run_id in list(stalled):
        with transaction.atomic():
            # A live bulk load writes its heartbeat inside its one long transaction, where no one
            # else sees it; but it holds the run's row: a locked row is a live worker (PostgreSQL).
            run = ImportRun.objects.select_for_update(skip_locked=True).filter(pk=run_id).first()
            if run is None or run.status != Status.RUNNING or not import_restartable(run, now=now):
                continue
            if run.attempts >= settings.MOTCUA_IMPORT_MAX_ATTEMPTS:
                ImportRun.objects.filter(pk=run.pk, attempts=run.attempts).update(
                    status=Status.FAILED,
                    finished_at=now,
                    error=(
                        f"Tiến trình nhập đã dừng giữa chừng {run.attempts} lần (hết bộ nhớ, bị tắt …); "
                        "không tự chạy lại nữa. Kiểm tra tệp và máy chạy, rồi chọn “Chạy lại”."
                    ),
                )
                logger.warning("Import run %s stalled %s times: marked failed", run.pk, run.attempts)
                continue
            try:
                restarted.append(import_restart(run=run, now=now))
            except NotRestartable:  # changed meanwhile: someone else restarted it
                continue
            logger.warning("Import run %s lost its worker: queued again", run.pk)
    return restarted


@dataclass(frozen=True)
class Pruned:
    runs: int  # runs whose stored file was deleted
    files: int
    bytes: int


def imports_prune(
    *, older_than: dt.timedelta | None = None, now: dt.datetime | None = None, dry_run: bool = False
) -> Pruned:
    """Delete the stored uploads of runs finished (done or failed) more than `older_than` ago
    (default `MOTCUA_IMPORT_RETENTION_DAYS`). The runs stay with their summary, rejects, hash and
    size; only the file goes, so such a run can no longer be restarted. A file is shared by
    every run of the same content (stored under its SHA-256): it stays while any of them is
    unfinished or more recent."""
    now = now or timezone.now()
    if older_than is None:
        older_than = dt.timedelta(days=settings.MOTCUA_IMPORT_RETENTION_DAYS)
    old = Q(status__in=[Status.DONE, Status.FAILED], finished_at__lt=now - older_than)
    candidates = ImportRun.objects.filter(old).exclude(storage_name="")
    names = set(candidates.values_list("storage_name", flat=True))
    names -= set(
        ImportRun.objects.filter(storage_name__in=names)
        .filter(~Q(status__in=[Status.DONE, Status.FAILED]) | Q(finished_at__isnull=True) | ~old)
        .values_list("storage_name", flat=True)
    )
    runs = candidates.filter(storage_name__in=names)
    sizes = dict(runs.values_list("storage_name", "file_size"))  # one size per stored file
    total = sum(size or 0 for size in sizes.values())
    if dry_run:
        return Pruned(runs=runs.count(), files=len(names), bytes=total)
    with transaction.atomic():
        count = runs.update(storage_name="")
        transaction.on_commit(partial(_delete_files, sorted(names)))
    return Pruned(runs=count, files=len(names), bytes=total)


def _delete_files(names: list[str]) -> None:
    for name in names:
        # Uploaded again since (the same content is stored under the same name): keep it.
        if ImportRun.objects.filter(storage_name=name).exists():
            continue
        try:
            default_storage.delete(name)
        except OSError:  # a file that cannot be deleted now is logged; its run no longer points to it
            logger.exception("Could not delete stored import file %s", name)


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
