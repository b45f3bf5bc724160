"""Run the PostgreSQL export (the query is `sqlpath`'s): one COPY, or — a server backend uses one
CPU — several over ranges of the sort key, each on its own connection, all reading ONE snapshot
(`pg_export_snapshot()` in this connection's REPEATABLE READ transaction, `SET TRANSACTION
SNAPSHOT` in the others), so the file is the one a single query would write, byte for byte.

The first part streams to the output as it comes; the others stream to temporary files meanwhile
and are appended in order (memory stays flat whatever the size). Bytes go to the file as the
server sends them (no decoding) when the output is a UTF-8 text file."""

from __future__ import annotations

import codecs
import datetime as dt
import os
import tempfile
import threading
import time
from typing import IO, Any, BinaryIO

from django.db import connection, transaction
from psycopg import sql

from motcua.units.models import Agency

from . import sqlpath

# Below this many records a parallel export costs more in connections than it gains.
PARALLEL_FROM = 5000
# Percentiles over a sample of the table's pages when it holds more rows than this (estimate).
SAMPLE_ABOVE = 200_000
SAMPLE_ROWS = 50_000
CHUNK = 1 << 20
WAITED, NAP = 50e-6, 2e-3  # seconds


class _Sink:
    """Writes the lines of the parts, in order, as the file's format wants them: JSON Lines as
    they come; an array with "[", "\\n" before the first record, ",\\n" between, "\\n]\\n" at the end."""

    def __init__(self, out: IO[str], fmt: str) -> None:
        self.fmt, self.count, self.pending, self.started = fmt, 0, b"", False
        encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        self.binary: BinaryIO | None = getattr(out, "buffer", None) if encoding == "utf8" else None
        self.text = out
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        if self.binary is not None:
            out.flush()  # what the caller wrote before goes first
        self._put(b"[" if fmt == "json" else b"")

    def _put(self, data: bytes) -> None:
        if not data:
            return
        if self.binary is not None:
            self.binary.write(data)
        else:
            self.text.write(self.decoder.decode(data))

    def write(self, block: bytes) -> None:
        if not block:
            return
        self.count += block.count(b"\n")
        if self.fmt == "json":
            block = (self.pending or (b"" if self.started else b"\n")) + block.replace(b"\n", b",\n")
            self.started = True
            self.pending = b",\n" if block.endswith(b",\n") else b""
            block = block[: -len(self.pending)] if self.pending else block
        self._put(block)

    def close(self) -> None:
        self._put(b"\n]\n" if self.fmt == "json" else b"")
        if self.binary is not None:
            self.binary.flush()
        else:
            self.text.write(self.decoder.decode(b"", final=True))


def export_records_sql(
    *,
    agency: Agency,
    start: dt.datetime,
    end: dt.datetime,
    out: IO[str],
    fmt: str,
    workers: int | None = None,
) -> int:
    """Write the agency's records received in [start, end) (or submitted, if never received), ordered
    by code, as `SyncWriter` would; returns how many. `workers` connections (default: one per CPU);
    one inside a transaction, whose own writes other connections could not see."""
    workers = max(1, workers or os.cpu_count() or 1)
    if connection.in_atomic_block:
        workers = 1
    params = sqlpath.export_params(agency=agency, start=start, end=end)
    sink = _Sink(out, fmt)
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        if workers > 1:
            # Before any other statement: this transaction's snapshot is the one every part reads.
            raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        raw.execute("SELECT current_setting('TimeZone'), current_setting('check_function_bodies')")
        settings = raw.fetchone()
        sqlpath.prepare_session(raw)
        bounds = _bounds(raw, params, workers) if workers > 1 else []
        if not bounds:
            _copy(raw, sqlpath.lines_sql(low=False, high=False), params, sink.write)
        else:
            raw.execute("SELECT pg_export_snapshot()")
            _parallel(raw, raw.fetchone()[0], params, bounds, sink)
        # SET LOCAL outlives a savepoint: the caller's transaction gets its settings back.
        raw.execute(
            "SELECT set_config('TimeZone', %s, true), set_config('check_function_bodies', %s, true)", settings
        )
    sink.close()
    return sink.count


def _bounds(raw: Any, params: dict[str, Any], parts: int) -> list[str]:
    """The codes starting parts 2…n, or none if the export is too small to share out."""
    raw.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [sqlpath.Record._meta.db_table])
    estimate = raw.fetchone()[0]
    sample = None
    if estimate > SAMPLE_ABOVE:
        sample = round(100 * SAMPLE_ROWS / estimate, 4)
    raw.execute(sqlpath.codes_sql(parts, sample), params)
    codes, count = raw.fetchone()
    if sample is not None:
        count = count * 100 / sample
    if not codes or count < PARALLEL_FROM:
        return []
    return list(dict.fromkeys(c for c in codes if c is not None))  # in the server's order


def _copy(raw: Any, query: str, params: dict[str, Any], write: Any) -> None:
    # The server sends a message per line: written a megabyte at a time. A read that had to wait
    # for the server (it builds lines slower than we take them) is followed by a nap, so that the
    # next reads find lines waiting instead of waking this process once per line.
    buffer = bytearray()
    clock = time.perf_counter
    with raw.copy(sqlpath.copy_sql(raw, query, params)) as copy:
        lines = iter(copy)
        while True:
            asked = clock()
            block = next(lines, None)
            if block is None:
                break
            buffer += block
            if len(buffer) >= CHUNK:
                write(bytes(buffer))
                buffer.clear()
            if clock() - asked > WAITED:
                time.sleep(NAP)
    write(bytes(buffer))


def _parallel(raw: Any, snapshot: str, params: dict[str, Any], bounds: list[str], sink: _Sink) -> None:
    ranges = list(zip([None, *bounds], [*bounds, None], strict=True))
    others: list[_Part] = []
    try:
        for low, high in ranges[1:]:
            others.append(_Part(snapshot, params, low, high))
            others[-1].start()
        _copy(raw, sqlpath.lines_sql(low=False, high=True), {**params, "high": ranges[0][1]}, sink.write)
        for part in others:
            part.join()
            if part.error is not None:
                raise part.error
            part.spool.seek(0)
            while block := part.spool.read(CHUNK):
                sink.write(block)
            part.spool.close()
    finally:
        for part in others:
            part.abandon()


class _Part(threading.Thread):
    """One range of codes, on its own connection in the shared snapshot, spooled to a temporary
    file (psycopg waits for the server without holding the GIL)."""

    def __init__(self, snapshot: str, params: dict[str, Any], low: str | None, high: str | None) -> None:
        super().__init__(daemon=True)
        self.snapshot, self.low, self.high = snapshot, low, high
        self.params = {**params, "low": low, "high": high}
        self.spool = tempfile.TemporaryFile()  # noqa: SIM115 — closed after it is appended
        self.error: BaseException | None = None
        # Opened here, on the caller's thread: the snapshot is imported before the caller's
        # transaction can end.
        self.conn = connection.get_new_connection(connection.get_connection_params())
        try:
            self.conn.autocommit = False
            with self.conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
                sqlpath.prepare_session(cursor)
        except BaseException:
            self.conn.close()
            self.spool.close()
            raise

    def run(self) -> None:
        try:
            query = sqlpath.lines_sql(low=self.low is not None, high=self.high is not None)
            with self.conn.cursor() as cursor:
                _copy(cursor, query, self.params, self.spool.write)
            self.conn.rollback()  # nothing to keep
        except BaseException as error:  # handed to the caller's thread
            self.error = error

    def abandon(self) -> None:
        """Stop the server's work if the export failed, and let the connection go."""
        if self.is_alive():
            self.conn.cancel()
            self.join()
        self.conn.close()
        if not self.spool.closed:
            self.spool.close()
