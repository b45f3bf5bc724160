"""An import started from a page or the API, on PostgreSQL: how long the page waits (the upload is
hashed and stored, the run queued) and how long the worker then takes.

Run:  scripts/with-postgres.sh nice -n 10 .venv/bin/python bench/bench_import_task.py --n 100000

Writes N sync records (bench_dvcqg.py's records) to a temporary file; `import_enqueue` stores it
under its SHA-256 and queues the run (what POST /api/v1/exchange/dvcqg/import does before it
answers 202); `motcua worker --once` then runs the task. Prints seconds and peak RSS of each."""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from bench_dvcqg import peak_mb, setup, write_file  # first: it sets Django up
from motcua.exchange.imports import import_enqueue
from motcua.exchange.models import ImportRun
from motcua.records.models import Record
from pgdb import prepare


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    prepare("bench_import_task.py")
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Record._meta.db_table} CASCADE")
    setup()
    with tempfile.TemporaryDirectory() as tmp:
        settings.MEDIA_ROOT = os.path.join(tmp, "media")
        source = os.path.join(tmp, "hs.jsonl")
        write_file(source, args.n, "jsonl")
        size = os.path.getsize(source) / 1024 / 1024
        print(f"load average {os.getloadavg()[0]:.1f}; {args.n} records, {size:.0f} MB")

        start = time.perf_counter()
        with open(source, "rb") as stream:
            run = import_enqueue(stream=stream, source_name="hs.jsonl", user=None)
        queued = time.perf_counter() - start
        print(
            f"  queued (hash + store)   {queued:7.2f} s  {size / queued:6.0f} MB/s  peak RSS {peak_mb():4.0f} MB"
        )

        start = time.perf_counter()
        call_command("worker", "--once", verbosity=0)
        seconds = time.perf_counter() - start
        run = ImportRun.objects.get(pk=run.pk)
        print(
            f"  worker ran the import   {seconds:7.1f} s  {args.n / seconds:6.0f} records/s  "
            f"peak RSS {peak_mb():4.0f} MB  status {run.status}, added {run.added}, rejected {run.rejected}"
        )


if __name__ == "__main__":
    main()
