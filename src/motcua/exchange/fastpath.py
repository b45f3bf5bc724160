"""The import's write path on PostgreSQL: plain rows and COPY, no model instance per record.

A batch is split by what the database already holds (one indexed query): new codes are copied
in with their history; a known imported record whose columns and history are what the file says
is "unchanged" without a write. Everything else — a changed record, motcua's own record — goes
to the ORM path (`importer._Importer._write_orm`), which is rare and so may be slow: both paths
give the same rows (tests/exchange/test_import_fastpath.py).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import orjson
from django.db import connection, models, transaction

from motcua.records.models import Record, RecordEvent

Row = dict[str, Any]  # Record attname → value


def enabled() -> bool:
    return connection.vendor == "postgresql"


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class RecordCopier:
    """COPY writer for records and their events, with every column the model has: those the
    import does not set get the model's default, as `Model.objects.create` would give them."""

    def __init__(self, now: dt.datetime) -> None:
        opts = Record._meta
        self.fields = [f for f in opts.concrete_fields if not f.primary_key]
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                self.defaults[f.attname] = now
            else:
                self.defaults[f.attname] = f.get_default()
        self.json_columns = {f.attname for f in self.fields if isinstance(f, models.JSONField)}
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in [opts.pk, *self.fields])
        self.record_sql = f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN"
        event_opts = RecordEvent._meta
        event_columns = ", ".join(
            quote(event_opts.get_field(n.removesuffix("_id")).column) for n in EVENT_COLUMNS
        )
        self.event_sql = f"COPY {quote(event_opts.db_table)} ({event_columns}) FROM STDIN"
        self.names = [f.attname for f in self.fields]

    def reserve_ids(self, count: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Record._meta.db_table, count],
            )
            return [value for (value,) in cursor.fetchall()]

    def copy_records(self, rows: Sequence[tuple[int, Row]]) -> None:
        defaults, names, json_columns = self.defaults, self.names, self.json_columns
        with connection.cursor() as cursor, cursor.cursor.copy(self.record_sql) as copy:
            for pk, row in rows:
                values: list[Any] = [pk]
                for name in names:
                    value = row[name] if name in row else defaults[name]
                    values.append(_dumps(value) if name in json_columns else value)
                copy.write_row(values)

    def copy_events(self, rows: Sequence[Sequence[Any]]) -> None:
        """Rows of `EVENT_COLUMNS`; the last column (detail) is JSON."""
        if not rows:
            return
        with connection.cursor() as cursor, cursor.cursor.copy(self.event_sql) as copy:
            for row in rows:
                copy.write_row((*row[:-1], _dumps(row[-1])))


EVENT_COLUMNS = (
    "record_id",
    "at",
    "actor_id",
    "action",
    "from_state",
    "to_state",
    "reason",
    "form",
    "due_at",
    "sync_item",
    "detail",  # last: copy_events writes it as JSON
)


def existing(codes: list[str], fields: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """code → (id, source_system, *fields) of the records already there."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT code, id, source_system, {columns} FROM {quote(Record._meta.db_table)} "
            "WHERE code = ANY(%s)",
            [codes],
        )
        rows = cursor.fetchall()
    # Django has psycopg hand jsonb back as text (JSONField decodes it): decode it likewise.
    json_at = [i for i, f in enumerate(fields, start=2) if isinstance(_field(f), models.JSONField)]
    out = {}
    for code, *values in rows:
        for i in json_at:
            values[i] = _loads(values[i])
        out[code] = tuple(values)
    return out


def _field(name: str) -> models.Field[Any, Any]:
    return Record._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)  # type: ignore[return-value]


def _loads(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def history_of(record_ids: list[int], action: str, canonical: Callable[[Any], str]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    if not record_ids:
        return out
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT record_id, detail -> 'item' FROM {connection.ops.quote_name(RecordEvent._meta.db_table)} "
            "WHERE record_id = ANY(%s) AND action = %s",
            [record_ids, action],
        )
        for record_id, item in cursor.fetchall():
            out.setdefault(record_id, set()).add(canonical(_loads(item)))
    return out


# --- a first load into an empty table ---

# Secondary indexes are cheaper built once over a million rows than kept up row by row (the
# trigram index above all), and foreign keys cheaper checked once by a join than by a trigger per
# row. The unique index on code stays: duplicates are found through it.
_TABLES = (Record._meta.db_table, RecordEvent._meta.db_table)


def _secondary_indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace
              AND NOT x.indisprimary AND NOT x.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY i.relname
            """,
            [list(_TABLES)],
        )
        return list(cursor.fetchall())


def _foreign_keys() -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE c.contype = 'f' AND t.relname = ANY(%s)
              AND t.relnamespace = current_schema()::regnamespace
            ORDER BY t.relname, c.conname
            """,
            [list(_TABLES)],
        )
        return list(cursor.fetchall())


# Index builds sort in memory up to this (the machine has 23 GB; the trigram GIN index is the big one).
MAINTENANCE_WORK_MEM = "1GB"
# Seconds of each step of the last bulk load's end (the benchmark prints them).
last_timings: dict[str, float] = {}


def table_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {connection.ops.quote_name(_TABLES[0])})")
        return bool(cursor.fetchone()[0])


@contextmanager
def bulk_loading() -> Iterator[None]:
    """One transaction around the whole load, without the records' secondary indexes and foreign
    keys; both come back, checked, at its end. DDL is transactional in PostgreSQL: if the load
    fails or is killed, everything is rolled back, the indexes and keys included. The tables
    are locked meanwhile — this is for a first load into an empty table."""
    quote = connection.ops.quote_name
    with transaction.atomic():
        indexes, keys = _secondary_indexes(), _foreign_keys()
        with connection.cursor() as cursor:
            # Django's foreign keys are deferred; checks still pending (an enclosing transaction's)
            # would forbid ALTER TABLE and CREATE INDEX: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, _ in keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
            started = time.perf_counter()
            for table, name, definition in keys:
                cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
            last_timings["foreign keys"] = time.perf_counter() - started
            for name, definition in indexes:
                started = time.perf_counter()
                cursor.execute(definition)
                last_timings[f"index {name}"] = time.perf_counter() - started
            started = time.perf_counter()
            cursor.execute(f"ANALYZE {', '.join(quote(t) for t in _TABLES)}")
            last_timings["analyze"] = time.perf_counter() - started


def canonical(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)
