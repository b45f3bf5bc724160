"""The bench's database: a PostgreSQL given by DATABASE_URL (scripts/with-postgres.sh starts a
throwaway server and stops it afterwards), with the `motcua` database created and migrated here."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from django.core.management import call_command
from django.db import connection

from motcua.records.models import Record


def prepare(script: str) -> None:
    """Create the database if the server has none yet, then `migrate`; refuse anything but PostgreSQL."""
    if connection.vendor != "postgresql":
        sys.exit(
            f"Cần PostgreSQL / needs PostgreSQL: scripts/with-postgres.sh .venv/bin/python bench/{script}"
        )
    start = time.perf_counter()
    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    call_command("migrate", verbosity=0)
    print(f"PostgreSQL {connection.pg_version // 10000}: schema ready in {time.perf_counter() - start:.0f} s")


def record_defaults(fill_sql: str, params: dict) -> dict[str, str]:
    """For a fill `INSERT INTO records_record (…{other_columns}) SELECT …{other_values}`: the
    columns it does not name (added to Record later) get their model default, so the bench keeps
    working as the model grows; nullable ones stay NULL. Adds the defaults to `params`."""
    head = fill_sql.split("SELECT", 1)[0].replace("{other_columns}", "")
    named = {word.strip("() \n") for word in head.split("(", 1)[1].split(",")}
    columns, values = [], []
    for f in Record._meta.concrete_fields:
        if f.primary_key or f.null or f.column in named:
            continue
        params[f"default_{f.column}"] = f.get_db_prep_save(f.get_default(), connection)
        columns.append(f.column)
        values.append(f"%(default_{f.column})s")
    return {
        "other_columns": "".join(f", {c}" for c in columns),
        "other_values": "".join(f", {v}" for v in values),
    }


def timed(run: Callable[[], object], rounds: int, before: Callable[[], object] | None = None) -> list[float]:
    """Milliseconds of `rounds` calls of `run` after one warm-up call; `before` runs untimed ahead of each."""
    run()
    samples = []
    for _ in range(rounds):
        if before is not None:
            before()
        t0 = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples
