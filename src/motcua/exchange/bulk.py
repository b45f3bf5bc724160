"""Insert many rows fast: COPY on PostgreSQL (the ORM's bulk INSERT spends most of an import's
time adapting values in Python), `bulk_create` elsewhere. Same rows either way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def insert_rows(model: type[models.Model], objs: Sequence[models.Model], *, with_ids: bool) -> None:
    """Insert `objs`; with `with_ids` their primary keys are set afterwards (others need them)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    opts = model._meta
    pk = opts.pk
    if with_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, pk.column, len(objs)],
            )
            for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = value
    fields = [f for f in opts.concrete_fields if with_ids or not f.primary_key]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    names = [f.attname for f in fields]
    json_columns = {f.attname for f in fields if isinstance(f, models.JSONField)}
    from psycopg.types.json import Jsonb

    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objs:
            row: list[Any] = [getattr(obj, name) for name in names]
            if json_columns:
                row = [Jsonb(v) if n in json_columns else v for n, v in zip(names, row, strict=True)]
            copy.write_row(row)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_tuples(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows given as tuples of the attributes `names` (no model instance on PostgreSQL:
    building millions of them costs more than the COPY itself)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(names, row, strict=True))) for row in rows])
        return
    from psycopg.types.json import Jsonb

    opts = model._meta
    fields = [
        opts.get_field(name.removesuffix("_id")) if name.endswith("_id") else opts.get_field(name)
        for name in names
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_positions = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            if json_positions:
                row = list(row)
                for i in json_positions:
                    row[i] = Jsonb(row[i])
            copy.write_row(row)
