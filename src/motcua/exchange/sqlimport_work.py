"""The set-based import's work tables, staged and computed in parts, one connection each.

One PostgreSQL backend runs one statement on one CPU, and the compute statement's lateral
subqueries keep PostgreSQL 15's parallel workers out of it. So a big load splits the file's
blocks between parts; each part stages and computes its own tables on its own connection, and
the import's transaction (another connection) reads them all. Those connections commit their
tables — nothing else could see them — so `Work.drop` removes them once the import's transaction
has ended, and every load first drops the work tables of a load whose connection is gone (a
killed process). Inside a caller's transaction (tests, an enclosing atomic block) another
connection could not see that transaction's uncommitted rows (an agency just created, say): there
the work is one part, on the caller's connection, inside its transaction, as before.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any

import orjson
import psycopg
from django.db import connection, transaction

from .dvcqg.mapping import Reject
from .dvcqg.reader import BLANK, MAX_LINE_BYTES, _array, parse_line

BLOCK = 4 * 1024 * 1024
PREFIX = "motcua_sync_"
# Blocks waiting for a part's connection: bounds memory (parts × this × BLOCK).
QUEUED_BLOCKS = 2
TICK_SECONDS = 5


class NoConnections(Exception):
    """The parts' connections could not be opened (the server's `max_connections` reached…)."""


class Part:
    """One part's connection and tables: staged documents, computed columns, history events."""

    def __init__(self, work: Work, index: int, conn: psycopg.Connection[Any] | None) -> None:
        self.conn, self.index = conn, index
        self.cursor: psycopg.Cursor[Any] = conn.cursor() if conn is not None else connection.cursor().cursor
        name = f"{PREFIX}{work.tag}_{index}"
        self.stage, self.seq, self.calc, self.events = (
            f"{name}_stage",
            f"{name}_pos",
            f"{name}_calc",
            f"{name}_events",
        )
        self.read_one = work.read_one
        # A statement that may fail (a block jsonb refuses): a savepoint inside the caller's
        # transaction; on a part's own connection every statement is its own transaction.
        self.guard: Callable[[], contextlib.AbstractContextManager[Any]] = (
            transaction.atomic if conn is None else contextlib.nullcontext
        )
        self.queue: ThreadPoolExecutor | None = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=name) if conn is not None else None
        )
        self.pending: deque[Future[None]] = deque()

    def run(self, sql: str, params: Any = None) -> None:
        self.cursor.execute(sql, params)

    # --- staging ---

    def submit(self, first: int, chunk: bytes) -> None:
        """Stage a block of lines on this part's connection; waits while too many are queued."""
        if self.queue is None:
            self.copy_lines(first, chunk)
            return
        while len(self.pending) >= QUEUED_BLOCKS:
            self.pending.popleft().result()
        self.pending.append(self.queue.submit(self.copy_lines, first, chunk))

    def wait(self) -> None:
        while self.pending:
            self.pending.popleft().result()

    def copy_lines(self, first: int, chunk: bytes) -> bool:
        """Stage the lines from number `first`; True when reading stops (`line_by_line`)."""
        if len(chunk) <= MAX_LINE_BYTES and self._copy_block(first, chunk):
            return False
        return self.line_by_line(first - 1, chunk)

    def _copy_block(self, first: int, chunk: bytes) -> bool:
        """COPY the lines as they are (PostgreSQL parses them); False if it refuses one."""
        escaped = chunk.replace(b"\\", b"\\\\").replace(b"\t", b"\\t").replace(b"\r", b"\\r")
        if not escaped.endswith(b"\n"):
            escaped += b"\n"
        try:
            with self.guard():
                self.cursor.execute("SELECT setval(%s, %s, false)", [self.seq, first])
                with self.cursor.copy(f"COPY {self.stage} (doc) FROM STDIN") as copy:
                    copy.write(escaped)
        except psycopg.Error:
            return False
        self.read_one[0] = True
        return True

    def line_by_line(self, number: int, chunk: bytes) -> bool:
        """The reader's rules line by line (`reader.parse_line`); True when reading stops."""
        rows: list[tuple[int, str | None, str | None]] = []
        stop = False
        for line in chunk.split(b"\n")[: _line_count(chunk)]:
            number += 1
            if len(line) > MAX_LINE_BYTES:
                rows.append((number, None, None))
                continue
            obj, stop = parse_line(line, number, self.read_one[0])
            if obj is BLANK:
                continue
            if isinstance(obj, Reject):
                rows.append((number, None, None))
            else:
                self.read_one[0] = True
                rows.append((number, doc_text(obj), record_key(obj)))
            if stop:
                break
        self.rows(rows)
        return stop

    def rows(self, rows: list[tuple[int, str | None, str | None]]) -> None:
        if not rows:
            return
        try:
            with self.guard(), self.cursor.copy(f"COPY {self.stage} (pos, doc, key) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error:
            if len(rows) > 1:
                for row in rows:
                    self.rows([row])
            elif rows[0][1] is not None or rows[0][2] is not None:
                # jsonb refuses what Python read (or the key holds a NUL): the Python path takes
                # it, by position, without the key first and at last without either.
                pos, doc, key = rows[0]
                self.rows([(pos, None, key if doc is not None else None)])
            else:
                raise

    def stop(self) -> None:
        """Let the block being staged finish; forget the others (after a failure)."""
        if self.queue is not None:
            self.queue.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        self.stop()
        if self.conn is not None:
            self.conn.close()


class Work:
    """The parts of one load. `own_connections`: 0 runs one part on the import's connection
    (inside its transaction); N opens N connections that commit their tables."""

    def __init__(self, own_connections: int, tick: Callable[[], None] | None = None) -> None:
        # Called while the parts work (every block staged, every few seconds of computing): a
        # page-started import's heartbeat, which must go on before its transaction begins.
        self.tick = tick or (lambda: None)
        self.read_one = [False]  # shared by the parts: a record was read somewhere before
        self.layout, self.body = "", 0  # the file's layout, where its records start
        conns: list[psycopg.Connection[Any]] = []
        try:
            for _ in range(own_connections):
                conns.append(_connect())
            with conns[0].cursor() if conns else connection.cursor().cursor as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                row = cursor.fetchone()
                assert row is not None
                self.tag = str(row[0])  # the tables name the backend that owns them
            self.parts = [Part(self, i, c) for i, c in enumerate(conns or [None])]
        except BaseException as error:
            for c in conns:
                c.close()
            if own_connections and isinstance(error, psycopg.OperationalError):
                raise NoConnections(str(error)) from error
            raise
        self.dups = f"{PREFIX}{self.tag}_dups"
        self.in_transaction = not conns

    @property
    def first(self) -> Part:
        return self.parts[0]

    def tables(self) -> list[str]:
        return [self.dups, *(t for p in self.parts for t in (p.stage, p.calc, p.events))]

    def create(self) -> None:
        _drop_orphans(self.first.cursor)
        for part in self.parts:
            part.run(
                f"CREATE SEQUENCE {part.seq}; CREATE UNLOGGED TABLE {part.stage} (pos bigint NOT NULL "
                f"DEFAULT nextval('{part.seq}'), doc jsonb, key text) WITH (toast_tuple_target = 8160)"
            )

    def each(self, step: Callable[[Part], None]) -> None:
        """`step` on every part at once (one thread each), or on the one part here."""
        if self.in_transaction:
            step(self.first)
            return
        errors: list[BaseException] = []

        def run(part: Part) -> None:
            try:
                step(part)
            except BaseException as error:  # handed to the caller's thread
                errors.append(error)

        threads = [threading.Thread(target=run, args=(p,), daemon=True) for p in self.parts]
        for t in threads:
            t.start()
        try:
            for t in threads:
                while t.is_alive():
                    t.join(timeout=TICK_SECONDS)
                    self.tick()
        except BaseException:
            # The heartbeat failed, or an interrupt: stop the parts' statements before anyone
            # drops their tables or closes their connections.
            for part in self.parts:
                if part.conn is not None:
                    part.conn.cancel_safe()
            for t in threads:
                t.join()
            raise
        if errors:
            raise errors[0]

    # --- staging ---

    def stage_lines(self, stream: IO[bytes]) -> None:
        """JSON Lines in blocks, dealt to the parts in turn once a record has been read (before
        that, a first line that is not a record stops the reading: blocks go one by one)."""
        number, buf, turn = 0, b"", 1  # part 0 read the first block
        try:
            while True:
                data = stream.read(BLOCK)
                if data:
                    buf += data
                    cut = buf.rfind(b"\n")
                    if cut < 0:
                        if len(buf) > MAX_LINE_BYTES:  # one line longer than a record can be
                            number += 1
                            self.first.wait()
                            self.first.rows([(number, None, None)])
                            buf = _skip_line(stream)
                        continue
                    chunk, buf = buf[: cut + 1], buf[cut + 1 :]
                else:
                    chunk, buf = buf, b""
                if chunk:
                    self.tick()
                    count = _line_count(chunk)
                    if not self.read_one[0]:
                        self.first.wait()
                        if self.first.copy_lines(number + 1, chunk):
                            return
                    else:
                        self.parts[turn % len(self.parts)].submit(number + 1, chunk)
                        turn += 1
                    number += count
                if not data:
                    return
        finally:
            for part in self.parts:
                part.wait()

    def stage_array(self, stream: IO[bytes]) -> None:
        rows: list[tuple[int, str | None, str | None]] = []
        turn = 0
        for position, obj in _array(stream):
            rows.append((position, None if isinstance(obj, Reject) else doc_text(obj), record_key(obj)))
            if len(rows) >= 5000:
                self.tick()
                self.parts[turn % len(self.parts)].rows(rows)
                rows, turn = [], turn + 1
        self.parts[turn % len(self.parts)].rows(rows)

    # --- the end ---

    def drop(self) -> None:
        """Drop the tables (after the import's transaction: it read them) and close the parts."""
        for part in self.parts:
            part.stop()  # no statement of theirs may still run on the connection used below
        try:
            if not self.in_transaction:
                with contextlib.suppress(psycopg.Error):
                    _drop(self.first.cursor, self.tables(), [p.seq for p in self.parts])
        finally:
            for part in self.parts:
                part.close()

    def drop_in_transaction(self, cursor: Any) -> None:
        if self.in_transaction:
            _drop(cursor, self.tables(), [p.seq for p in self.parts])


def _connect() -> psycopg.Connection[Any]:
    conn = connection.get_new_connection(connection.get_connection_params())
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")  # the parts are the parallelism
    except BaseException:
        conn.close()
        raise
    return conn


def _drop(cursor: Any, tables: list[str], sequences: list[str]) -> None:
    if tables:
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(tables)}")
    if sequences:
        cursor.execute(f"DROP SEQUENCE IF EXISTS {', '.join(sequences)}")


def _line_count(chunk: bytes) -> int:
    return chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)


def _drop_orphans(cursor: Any) -> None:
    """Work tables of a load whose connection is gone (a killed process, a crashed server)."""
    cursor.execute(
        """SELECT c.relname, c.relkind FROM pg_class c
        WHERE c.relname LIKE %s AND c.relkind IN ('r', 'S')
          AND c.relnamespace = current_schema()::regnamespace
          AND substring(c.relname FROM %s)::int NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)""",
        [PREFIX + "%", f"^{PREFIX}([0-9]+)_"],
    )
    found = cursor.fetchall()
    _drop(
        cursor, [name for name, kind in found if kind == "r"], [name for name, kind in found if kind == "S"]
    )


def _skip_line(stream: IO[bytes]) -> bytes:
    """Read past the end of the current line; what follows it."""
    while True:
        data = stream.read(BLOCK)
        if not data:
            return b""
        cut = data.find(b"\n")
        if cut >= 0:
            return data[cut + 1 :]


def plain(value: Any) -> bool:
    """No number and no NUL anywhere: jsonb keeps it exactly as Python reads it."""
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, dict):
        return all(plain(k) and plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain(v) for v in value)
    return value is None or isinstance(value, bool)


def record_key(obj: Any) -> str | None:
    code = obj.get("MaHoSo") if isinstance(obj, dict) else None
    return code.strip() if isinstance(code, str) else None


def doc_text(obj: Any) -> str | None:
    if not isinstance(obj, dict) or not plain(obj):
        return None
    try:
        return orjson.dumps(obj).decode()
    except (TypeError, orjson.JSONEncodeError):
        return None
