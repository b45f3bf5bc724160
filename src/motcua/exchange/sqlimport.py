"""The set-based import on PostgreSQL: a big file is loaded by the database, not record by record.

1. The file's records go, as raw JSON, into staging tables by COPY: JSON Lines block by block
   without parsing a line in Python (the line number is the position); a JSON array through
   ijson. A block PostgreSQL refuses (a malformed line, bytes not UTF-8, a blank line) is staged
   again line by line with the reader's own rules. A big file's blocks are dealt to parts, each
   staged and computed on its own connection at once (`sqlimport_work`).
2. One `CREATE TABLE … AS SELECT` per part computes every Record column from the staged jsonb
   with the SQL twins of the mapping (`sqlimport_sql.py`), another the history events
   (`jsonb_array_elements … WITH ORDINALITY`). SQL takes only a plain, valid record with a new,
   unique MaHoSo whose agency and procedure are known; the import's transaction inserts them.
3. Every other record — invalid ones (their reject needs the Python reasons), known codes
   (updates, unchanged, motcua's own records), codes twice in the file, unknown procedures or
   agencies — is read again from the file, by position, and goes through the Python path
   (`importer._Importer`), in file order. The rows those records need are independent of the
   ones SQL wrote (their codes differ), so the result is the Python path's.

The caller runs the inserts in one transaction: a failure leaves no record (and, once the
transaction has ended, `Work.drop` no work table).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db import connection, models

from motcua.catalog.models import Field, Procedure
from motcua.records.models import Record, RecordEvent
from motcua.records.sync import PORTAL
from motcua.units.models import Agency

from . import sqlimport_sql as q
from . import sqlpath
from .dvcqg import mapping
from .dvcqg.reader import ARRAY, _array, _lines, detect_layout
from .sqlimport_work import PREFIX, Part, Work

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


def prepare(stream: IO[bytes], own_connections: int = 0, tick: Callable[[], None] | None = None) -> Work:
    """Stage the file and compute its rows into work tables (`sqlimport_work`): on
    `own_connections` connections of their own, in parts at once, before the import's
    transaction; or, with 0, on the import's connection inside its transaction. `tick` is called
    every few seconds meanwhile. Raises `reader.UnreadableFile` before writing anything."""
    start = stream.tell()
    layout, _ = detect_layout(stream)
    stream.seek(start)
    if stream.read(3) != _BOM:
        stream.seek(start)
    body = stream.tell()
    last_timings.clear()
    work = Work(own_connections, tick)
    work.layout, work.body = layout, body
    try:
        for part in work.parts:
            _settings(part)
        work.create()
        clock = time.perf_counter()
        if layout == ARRAY:
            work.stage_array(stream)
        else:
            work.stage_lines(stream)
        clock = _timed("stage", clock)
        stages = " UNION ALL ".join(
            f"SELECT coalesce(key, btrim(doc ->> 'MaHoSo', {q.lit(q.PY_SPACES)})) AS k FROM {p.stage}"
            for p in work.parts
        )
        work.first.run(
            f"CREATE UNLOGGED TABLE {work.dups} AS SELECT k FROM ({stages}) x "
            "WHERE k IS NOT NULL GROUP BY k HAVING count(*) > 1"
        )
        work.each(lambda part: _compute(part, work.dups))
        _timed("compute", clock)
    except BaseException:
        work.drop()
        raise
    return work


def _settings(part: Part) -> None:
    """For the part's session, or for the import's transaction when the part works inside it."""
    local = "LOCAL " if part.conn is None else ""
    # Work tables are rebuilt by the next load if lost: no need to wait for the disk.
    part.run(f"SET {local}synchronous_commit = off")
    # Memoize would hash each staged document to cache per-document subqueries that never
    # repeat: pure cost.
    part.run(f"SET {local}enable_memoize = off")
    # Off in settings already, but a deployment may turn JIT on: compiling the compute
    # statement's ~70 KB of expressions costs more than it saves (100.000 records: 31-38 s
    # with it, 18-21 s without).
    part.run(f"SET {local}jit = off")
    # The export's function for JSON text in the file's key order (Record.sync_kept, sync_item).
    part.run("SELECT current_setting('check_function_bodies')")
    row = part.cursor.fetchone()
    assert row is not None
    part.run(f"SET {local}check_function_bodies = off")  # the function calls itself
    part.run(sqlpath.ORDERED_FN)
    part.run("SELECT set_config('check_function_bodies', %s, %s)", [row[0], part.conn is None])


def _compute(part: Part, dups: str) -> None:
    """Every Record column of the part's staged records, and the history events of those SQL may
    take (`fit`: plain, valid, known agency and procedure, MaHoSo once in the file)."""
    quote = connection.ops.quote_name
    clock = time.perf_counter()
    part.run(f"ANALYZE {part.stage}")
    calc = q.calc_select(
        part.stage, quote(Agency._meta.db_table), quote(Procedure._meta.db_table), quote(Field._meta.db_table)
    )
    # The export text of what the record keeps, here where the parts run at once (OFFSET 0: each
    # column computed once, not once more inside the text's expression).
    part.run(
        f"""CREATE UNLOGGED TABLE {part.calc} AS
        SELECT t.*, CASE WHEN t.fit THEN {sqlpath.kept_sql("t.extra")} END AS kept
        FROM (SELECT c.*, c.ok AND c.agency_id IS NOT NULL AND c.procedure_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM {dups} u WHERE u.k = c.code) AS fit
              FROM ({calc}) c OFFSET 0) t"""
    )
    clock = _timed(f"compute rows {part.index}", clock)
    history = q.lit(mapping.HISTORY_FIELD)
    items = f"CASE WHEN jsonb_typeof(s.doc -> {history}) = 'array' THEN s.doc -> {history} END"
    state = q.state_of_code("coalesce(h.item ->> 'TrangThai', '')").replace("END", "ELSE c.state END", 1)
    previous = state.replace("h.item", f"(s.doc -> {history} -> (h.n::int - 2))")
    at = f"coalesce({q.jtime("(h.item -> 'ThoiDiemXuLy')")}, {q.jtime("(h.item -> 'NgayBatDau')")})"
    # One record's items stay together and in their order: inserted as they are, its events
    # get ascending ids as the Python path gives them.
    part.run(
        f"""CREATE UNLOGGED TABLE {part.events} AS
        SELECT c.pos, {at} AS at, NULL::bigint AS actor_id, %s::text AS action,
          CASE WHEN h.n = 1 THEN '' ELSE {previous} END AS from_state, {state} AS to_state,
          coalesce(h.item ->> 'NoiDungXuLy', '') AS reason, ''::text AS form,
          {q.jtime("(h.item -> 'NgayKetThucTheoQuyDinh')")} AS due_at,
          h.item, h.n, {sqlpath.item_sql("h.item")} AS sync_item
        FROM {part.calc} c JOIN {part.stage} s ON s.pos = c.pos
        CROSS JOIN LATERAL jsonb_array_elements({items}) WITH ORDINALITY h(item, n)
        WHERE c.fit""",
        [mapping.SYNC_HISTORY],
    )
    _timed(f"compute events {part.index}", clock)


def load(stream: IO[bytes], *, source_system: str, now: Any, work: Work | None = None) -> Result:
    """Insert what SQL can take of the file `prepare` staged (`work`; prepared here, on the
    import's connection, when not given); `Result.rest` yields the other records (position,
    object or Reject) for the Python path, in file order. Raises `reader.UnreadableFile`
    before writing anything."""
    if work is None:
        work = prepare(stream, 0)
    with connection.cursor() as cursor:
        # Nothing of a half-done load survives a crash anyway (one transaction): no need to wait
        # for the commit record to reach the disk.
        cursor.execute("SET LOCAL synchronous_commit = off")
        # One load at a time: a second waits here for the first one's commit.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["motcua_sync_stage"])
        added, unknown, wanted = _insert(cursor, work, source_system, now)
        work.drop_in_transaction(cursor)
    stream.seek(work.body)
    return Result(work.layout, added, unknown, _rest(stream, work.layout, wanted))


def _rest(stream: IO[bytes], layout: str, wanted: set[int]) -> Iterator[tuple[int, Any]]:
    if not wanted:
        return
    if layout == ARRAY:
        yield from ((pos, obj) for pos, obj in _array(stream) if pos in wanted)
    else:
        yield from _lines(stream, wanted)


def _insert(cursor: Any, work: Work, source_system: str, now: Any) -> tuple[int, Counter[str], set[int]]:
    quote = connection.ops.quote_name
    records, events = quote(Record._meta.db_table), quote(RecordEvent._meta.db_table)
    clock = time.perf_counter()
    # Record ids: the sequence's next value plus the position (unique), reserved at once.
    last = " UNION ALL ".join(f"SELECT max(pos) AS pos FROM {p.stage}" for p in work.parts)
    cursor.execute(
        f"SELECT nextval(pg_get_serial_sequence(%s, 'id')), (SELECT coalesce(max(pos), 0) FROM ({last}) x)",
        [Record._meta.db_table],
    )
    base, top = cursor.fetchone()
    cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [Record._meta.db_table, base + top])
    # The records SQL could take whose MaHoSo motcua already holds: updates and unchanged ones,
    # for the Python path. Read before inserting (this transaction's view of the table).
    clash = f"{PREFIX}{work.tag}_clash"
    fits = " UNION ALL ".join(f"SELECT pos, code FROM {p.calc} WHERE fit" for p in work.parts)
    cursor.execute(
        f"CREATE UNLOGGED TABLE {clash} AS SELECT c.pos FROM ({fits}) c JOIN {records} r ON r.code = c.code"
    )
    clock = _timed("prepare", clock)
    columns, values, params = _record_columns(source_system, now, base)
    names = "record_id, at, actor_id, action, from_state, to_state, reason, form, due_at, detail, sync_item"
    added = 0
    unknown: Counter[str] = Counter()
    wanted: set[int] = set()
    new = f"NOT EXISTS (SELECT 1 FROM {clash} x WHERE x.pos = c.pos)"
    for part in work.parts:
        cursor.execute(
            f"INSERT INTO {records} ({', '.join(columns)}) SELECT {', '.join(values)} "
            f"FROM {part.calc} c WHERE c.fit AND {new}",
            params,
        )
        added += cursor.rowcount
    clock = _timed("insert records", clock)
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {clash})")
    clashed = cursor.fetchone()[0]
    for part in work.parts:
        # A record's events get ascending ids in item order. Read as stored (a first load: no
        # clash) they come in that order; a filter's plan may not keep it: then sorted.
        rest = f"WHERE {new} ORDER BY c.pos, c.n" if clashed else ""
        cursor.execute(
            f"""INSERT INTO {events} ({names})
            SELECT %s::bigint + c.pos, at, actor_id, action, from_state, to_state, reason, form, due_at,
              jsonb_build_object('source', %s::text, 'item', item), sync_item
            FROM {part.events} c {rest}""",
            [base, source_system],
        )
    clock = _timed("insert events", clock)
    for part in work.parts:
        cursor.execute(
            f"SELECT key, count(*) FROM {part.calc} c, jsonb_object_keys(c.extra -> 'unknown') key "
            f"WHERE c.fit AND c.extra ? 'unknown' AND {new} GROUP BY key"
        )
        unknown.update(dict(cursor.fetchall()))
        cursor.execute(f"SELECT pos FROM {part.calc} WHERE NOT fit")
        wanted.update(pos for (pos,) in cursor.fetchall())
    cursor.execute(f"SELECT pos FROM {clash}")
    wanted.update(pos for (pos,) in cursor.fetchall())
    cursor.execute(f"DROP TABLE {clash}")
    return added, unknown, wanted


def _record_columns(source_system: str, now: Any, base: int) -> tuple[list[str], list[str], list[Any]]:
    """The Record columns and their values: computed by SQL, set by the import, or the model's
    default (as `fastpath.RecordCopier` writes them)."""
    from psycopg.types.json import Jsonb

    computed = {
        "state", "channel", "applicant_name", "applicant_id_number", "applicant_phone", "applicant_email",
        "applicant_kind", "summary", "search_text", "submitted_at", "received_at", "due_at", "original_due_at",
        "finished_at", "returned_at", "ended_at", "clock_paused_at", "supplement_requested_at",
        "supplement_count", "rule_set", "approved", "fees_total_vnd", "paid_online", "has_digitized_components",
        "has_e_result", "vneid_verified", "submitted_on_national_portal", "used_population_db", "reused_data",
        "from_national_data_store", "extra", "code", "agency_id", "unit_id", "procedure_id",
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
        elif name == "id":
            values.append("%s::bigint + c.pos")
            params.append(base)
        elif name == "sync_kept":
            values.append("c.kept")
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
