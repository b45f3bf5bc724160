"""The bench's database: a PostgreSQL given by DATABASE_URL (scripts/with-postgres.sh starts a
throwaway server and stops it afterwards), with the `motcua` database created and migrated here."""

from __future__ import annotations

import sys
import time

from django.core.management import call_command
from django.db import connection


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
