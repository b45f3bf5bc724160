"""The set-based import on PostgreSQL: a big file is loaded by the database, not record by record.

1. The file's records go, as raw JSON, into a temporary staging table by COPY: JSON Lines block
   by block without parsing a line in Python (the line number is the position); a JSON array
   through ijson. A block PostgreSQL refuses (a malformed line, bytes not UTF-8, a blank line)
   is staged again line by line with the reader's own rules.
2. One `INSERT … SELECT` computes every Record column from the staged jsonb with the SQL twins
   of the mapping (`sqlimport_sql.py`), another the history events (`jsonb_array_elements …
   WITH ORDINALITY`). SQL takes only a plain, valid record with a new, unique MaHoSo whose
   agency and procedure are known.
3. Every other record — invalid ones (their reject needs the Python reasons), known codes
   (updates, unchanged, motcua's own records), codes twice in the file, unknown procedures or
   agencies — is read again from the file, by position, and goes through the Python path
   (`importer._Importer`), in file order. The rows those records need are independent of the
   ones SQL wrote (their codes differ), so the result is the Python path's.

The caller runs all of it in one transaction: a failure leaves nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from typing import IO, Any

import orjson
import psycopg
from django.db import connection, models, transaction

from motcua.catalog.models import Field, Procedure
from motcua.records.models import Record, RecordEvent
from motcua.records.sync import PORTAL
from motcua.units.models import Agency

from . import sqlimport_sql as q
from . import sqlpath
from .dvcqg import mapping
from .dvcqg.mapping import Reject
from .dvcqg.reader import ARRAY, BLANK, MAX_LINE_BYTES, _array, _lines, detect_layout, parse_line

BLOCK = 4 * 1024 * 1024
# Work tables: UNLOGGED, not TEMP, so that PostgreSQL may compute over them with parallel workers;
# created in the load's transaction, so a failed or killed load leaves none behind.
STAGE, CALC, DUPS, EVENTS = "motcua_sync_stage", "motcua_sync_calc", "motcua_sync_dups", "motcua_sync_events"
POS = "motcua_sync_pos"
_WORK_TABLES = (STAGE, CALC, DUPS, EVENTS)
_BOM = b"\xef\xbb\xbf"


def usable(stream: IO[bytes]) -> bool:
    """PostgreSQL and a stream that can be read twice (the Python path re-reads its records)."""
    if connection.vendor != "postgresql":
        return False
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError):
        return False


# Seconds of each step of the last load (the benchmark prints them).
last_timings: dict[str, float] = {}


def _timed(step: str, started: float) -> float:
    now = time.perf_counter()
    last_timings[step] = now - started
    return now


class Result:
    def __init__(
        self, layout: str, added: int, unknown: Counter[str], rest: Iterator[tuple[int, Any]]
    ) -> None:
        self.layout, self.added, self.unknown_fields, self.rest = layout, added, unknown, rest


def load(stream: IO[bytes], *, source_system: str, now: Any) -> Result:
    """Stage and insert what SQL can take; `Result.rest` yields the other records (position,
    object or Reject) for the Python path, in file order. Raises `reader.UnreadableFile` before
    writing anything."""
    start = stream.tell()
    layout, _ = detect_layout(stream)
    stream.seek(start)
    if stream.read(3) != _BOM:
        stream.seek(start)
    body = stream.tell()
    with connection.cursor() as cursor:
        # Nothing of a half-done load survives a crash anyway (one transaction): no need to wait
        # for the commit record to reach the disk.
        cursor.execute("SET LOCAL synchronous_commit = off")
        # Memoize would hash each staged document to cache per-document subqueries that never
        # repeat: pure cost.
        cursor.execute("SET LOCAL enable_memoize = off")
        # Off in settings already, but a deployment may turn JIT on: compiling the compute
        # statement's ~70 KB of expressions costs more than it saves (100.000 records: 31-38 s
        # with it, 18-21 s without).
        cursor.execute("SET LOCAL jit = off")
        # Left over by a load that crashed the server (no rollback ran): not in use, drop it.
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(_WORK_TABLES)}; DROP SEQUENCE IF EXISTS {POS}")
        # One load at a time: a second waits here for the first one's commit.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [STAGE])
        # The export's function for JSON text in the file's key order (Record.sync_kept, sync_item).
        cursor.execute("SELECT current_setting('check_function_bodies')")
        checks = cursor.fetchone()[0]
        cursor.execute("SET LOCAL check_function_bodies = off")  # the function calls itself
        cursor.execute(sqlpath.ORDERED_FN)
        cursor.execute("SELECT set_config('check_function_bodies', %s, true)", [checks])
        cursor.execute(
            f"CREATE SEQUENCE {POS}; CREATE UNLOGGED TABLE {STAGE} (pos bigint NOT NULL "
            f"DEFAULT nextval('{POS}'), doc jsonb, key text) WITH (toast_tuple_target = 8160)"
        )
        last_timings.clear()
        clock = time.perf_counter()
        stager = _Stager(cursor.cursor)
        if layout == ARRAY:
            stager.array(stream)
        else:
            stager.lines(stream)
        clock = _timed("stage", clock)
        added, unknown, wanted = _insert(cursor, source_system, now)
        cursor.execute(f"DROP TABLE {', '.join(_WORK_TABLES)}; DROP SEQUENCE {POS}")
    stream.seek(body)
    return Result(layout, added, unknown, _rest(stream, layout, wanted))


def _rest(stream: IO[bytes], layout: str, wanted: set[int]) -> Iterator[tuple[int, Any]]:
    if not wanted:
        return
    if layout == ARRAY:
        yield from ((pos, obj) for pos, obj in _array(stream) if pos in wanted)
    else:
        yield from _lines(stream, wanted)


def _plain(value: Any) -> bool:
    """No number and no NUL anywhere: jsonb keeps it exactly as Python reads it."""
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, bool)


def _key(obj: Any) -> str | None:
    code = obj.get("MaHoSo") if isinstance(obj, dict) else None
    return code.strip() if isinstance(code, str) else None


class _Stager:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.cursor = cursor
        self.read_one = False

    def lines(self, stream: IO[bytes]) -> None:
        number, buf = 0, b""
        while True:
            data = stream.read(BLOCK)
            if data:
                buf += data
                cut = buf.rfind(b"\n")
                if cut < 0:
                    if len(buf) > MAX_LINE_BYTES:  # one line longer than a record can be
                        number += 1
                        self._rows([(number, None, None)])
                        buf = _skip_line(stream)
                    continue
                chunk, buf = buf[: cut + 1], buf[cut + 1 :]
            else:
                chunk, buf = buf, b""
            if chunk:
                count = chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
                copied = len(chunk) <= MAX_LINE_BYTES and self._copy_block(number + 1, chunk)
                if not copied and self._line_by_line(number, chunk):
                    return
                number += count
            if not data:
                return

    def _copy_block(self, first: int, chunk: bytes) -> bool:
        """COPY the lines as they are (PostgreSQL parses them); False if it refuses one."""
        escaped = chunk.replace(b"\\", b"\\\\").replace(b"\t", b"\\t").replace(b"\r", b"\\r")
        if not escaped.endswith(b"\n"):
            escaped += b"\n"
        try:
            with transaction.atomic():
                self.cursor.execute("SELECT setval(%s, %s, false)", [POS, first])
                with self.cursor.copy(f"COPY {STAGE} (doc) FROM STDIN") as copy:
                    copy.write(escaped)
        except psycopg.Error:
            return False
        self.read_one = True
        return True

    def _line_by_line(self, number: int, chunk: bytes) -> bool:
        """The reader's rules line by line (`reader.parse_line`); True when reading stops."""
        rows: list[tuple[int, str | None, str | None]] = []
        stop = False
        for line in chunk.split(b"\n")[: chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)]:
            number += 1
            if len(line) > MAX_LINE_BYTES:
                rows.append((number, None, None))
                continue
            obj, stop = parse_line(line, number, self.read_one)
            if obj is BLANK:
                continue
            if isinstance(obj, Reject):
                rows.append((number, None, None))
            else:
                self.read_one = True
                rows.append((number, _doc(obj, line), _key(obj)))
            if stop:
                break
        self._rows(rows)
        return stop

    def array(self, stream: IO[bytes]) -> None:
        rows: list[tuple[int, str | None, str | None]] = []
        for position, obj in _array(stream):
            rows.append((position, None if isinstance(obj, Reject) else _doc(obj), _key(obj)))
            if len(rows) >= 5000:
                self._rows(rows)
                rows = []
        self._rows(rows)

    def _rows(self, rows: list[tuple[int, str | None, str | None]]) -> None:
        if not rows:
            return
        try:
            with transaction.atomic(), self.cursor.copy(f"COPY {STAGE} (pos, doc, key) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error:
            if len(rows) == 1:  # jsonb refuses what Python read: the Python path takes it
                self._rows([(rows[0][0], None, rows[0][2])])
                return
            for row in rows:
                self._rows([row])


def _doc(obj: Any, line: bytes | None = None) -> str | None:
    if not isinstance(obj, dict) or not _plain(obj):
        return None
    try:
        return orjson.dumps(obj).decode()
    except (TypeError, orjson.JSONEncodeError):
        return None


def _skip_line(stream: IO[bytes]) -> bytes:
    """Read past the end of the current line; what follows it."""
    while True:
        data = stream.read(BLOCK)
        if not data:
            return b""
        cut = data.find(b"\n")
        if cut >= 0:
            return data[cut + 1 :]


def _insert(cursor: Any, source_system: str, now: Any) -> tuple[int, Counter[str], set[int]]:
    quote = connection.ops.quote_name
    records, events = quote(Record._meta.db_table), quote(RecordEvent._meta.db_table)
    clock = time.perf_counter()
    cursor.execute(f"ANALYZE {STAGE}")
    cursor.execute(
        f"CREATE UNLOGGED TABLE {DUPS} AS SELECT k FROM (SELECT coalesce(key, "
        f"btrim(doc ->> 'MaHoSo', {q.lit(q.PY_SPACES)})) AS k FROM {STAGE}) x "
        "WHERE k IS NOT NULL GROUP BY k HAVING count(*) > 1"
    )
    # Record ids: the sequence's next value plus the position (unique), reserved at once; no
    # nextval() in the statement, which would forbid parallel workers.
    cursor.execute(
        f"SELECT nextval(pg_get_serial_sequence(%s, 'id')), (SELECT coalesce(max(pos), 0) FROM {STAGE})",
        [Record._meta.db_table],
    )
    base, last = cursor.fetchone()
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [Record._meta.db_table, base + last]
    )
    clock = _timed("prepare", clock)
    calc = q.calc_select(
        STAGE, quote(Agency._meta.db_table), quote(Procedure._meta.db_table), quote(Field._meta.db_table)
    )
    cursor.execute(
        f"""CREATE UNLOGGED TABLE {CALC} AS
        SELECT t.*, %s::bigint + t.pos AS id
        FROM (SELECT c.*, c.ok AND c.agency_id IS NOT NULL AND c.procedure_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM {DUPS} u WHERE u.k = c.code)
              AND NOT EXISTS (SELECT 1 FROM {records} r WHERE r.code = c.code) AS take
              FROM ({calc}) c) t""",
        [base],
    )
    clock = _timed("compute", clock)
    columns, values, params = _record_columns(source_system, now)
    cursor.execute(
        f"INSERT INTO {records} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {CALC} c WHERE c.take",
        params,
    )
    added = cursor.rowcount
    clock = _timed("insert records", clock)
    history = q.lit(mapping.HISTORY_FIELD)
    items = f"CASE WHEN jsonb_typeof(s.doc -> {history}) = 'array' THEN s.doc -> {history} END"
    state = q.state_of_code("coalesce(h.item ->> 'TrangThai', '')").replace("END", "ELSE c.state END", 1)
    previous = state.replace("h.item", f"(s.doc -> {history} -> (h.n::int - 2))")
    at = f"coalesce({q.jtime("(h.item -> 'ThoiDiemXuLy')")}, {q.jtime("(h.item -> 'NgayBatDau')")})"
    # Built in parallel, then inserted as they are: one record's items stay in their order, so
    # its events get ascending ids as the Python path gives them.
    cursor.execute(
        f"""CREATE UNLOGGED TABLE {EVENTS} AS
        SELECT c.id AS record_id, {at} AS at, NULL::bigint AS actor_id, %s::text AS action,
          CASE WHEN h.n = 1 THEN '' ELSE {previous} END AS from_state, {state} AS to_state,
          coalesce(h.item ->> 'NoiDungXuLy', '') AS reason, ''::text AS form,
          {q.jtime("(h.item -> 'NgayKetThucTheoQuyDinh')")} AS due_at,
          jsonb_build_object('source', %s::text, 'item', h.item) AS detail
        FROM {CALC} c JOIN {STAGE} s ON s.pos = c.pos
        CROSS JOIN LATERAL jsonb_array_elements({items}) WITH ORDINALITY h(item, n)
        WHERE c.take""",
        [mapping.SYNC_HISTORY, source_system],
    )
    clock = _timed("compute events", clock)
    names = "record_id, at, actor_id, action, from_state, to_state, reason, form, due_at, detail"
    # The item's export text here, not in the parallel statement above (the function is not
    # parallel safe); an INSERT runs on one CPU anyway.
    cursor.execute(
        f"INSERT INTO {events} ({names}, sync_item) SELECT {names}, {sqlpath.item_sql("(detail -> 'item')")} "
        f"FROM {EVENTS}"
    )
    clock = _timed("insert events", clock)
    cursor.execute(
        f"SELECT key, count(*) FROM {CALC} c, jsonb_object_keys(c.extra -> 'unknown') key WHERE c.take "
        "AND c.extra ? 'unknown' GROUP BY key"
    )
    unknown: Counter[str] = Counter(dict(cursor.fetchall()))
    cursor.execute(f"SELECT pos FROM {CALC} WHERE NOT take")
    wanted = {pos for (pos,) in cursor.fetchall()}
    return added, unknown, wanted


def _record_columns(source_system: str, now: Any) -> tuple[list[str], list[str], list[Any]]:
    """The Record columns and their values: computed by SQL, set by the import, or the model's
    default (as `fastpath.RecordCopier` writes them)."""
    from psycopg.types.json import Jsonb

    computed = {
        "state", "channel", "applicant_name", "applicant_id_number", "applicant_phone", "applicant_email",
        "applicant_kind", "summary", "search_text", "submitted_at", "received_at", "due_at", "original_due_at",
        "finished_at", "returned_at", "ended_at", "clock_paused_at", "supplement_requested_at",
        "supplement_count", "rule_set", "approved", "fees_total_vnd", "paid_online", "has_digitized_components",
        "has_e_result", "vneid_verified", "submitted_on_national_portal", "used_population_db", "reused_data",
        "from_national_data_store", "extra", "code", "id", "agency_id", "unit_id", "procedure_id",
    }  # fmt: skip
    same = {"receiving_agency_id": "agency_id", "receiving_unit_id": "unit_id"}
    given = {"source_system": source_system, "imported_at": now}
    if source_system == PORTAL:
        given["portal_synced_at"] = now  # records.sync.records_mark_imported_from_portal
    columns, values, params = [], [], []
    for f in Record._meta.concrete_fields:
        assert f.column is not None  # concrete fields have a column
        columns.append(connection.ops.quote_name(f.column))
        name = f.attname
        if name in computed:
            values.append(f"c.{name}")
        elif name == "sync_kept":
            values.append(sqlpath.kept_sql("c.extra"))
        elif name in same:
            values.append(f"c.{same[name]}")
        else:
            if name in given:
                value = given[name]
            elif getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                value = now
            else:
                value = f.get_default()
            values.append("%s")
            params.append(Jsonb(value) if isinstance(f, models.JSONField) else value)
    return columns, values, params
