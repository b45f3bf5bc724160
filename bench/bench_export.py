"""National sync export on PostgreSQL: seconds, CPU and memory, up to 1,000,000 records.

Run:  scripts/with-postgres.sh .venv/bin/python bench/bench_export.py --n 200000
      DATABASE_URL=postgres://… .venv/bin/python bench/bench_export.py --n 1000000   (kept database)

Fill: a realistic file of --base records (bench_dvcqg.py's generator: two history items, a fee, a
document, an e-result each) is imported with today's import, then multiplied in SQL to --n
records (INSERT … SELECT with new codes and ids for the records and their events and files).
Importing a million records through the import would take ~20 min; a kept database that already
holds --n records of the bench's agency is reused as it is (no fill), one that holds --base is
multiplied without importing again.

Then exports them with `export_records` (what `motcua export dvcqg` runs) for each --workers
value and format, to a file, and prints wall seconds, records/s, the CPU seconds of this process
and of the whole PostgreSQL server (its processes and the ones that ended: on a shared machine
wall time also counts waiting for a CPU), peak RSS, and the load average. With --check the files
of every run are compared byte for byte (and with the Python path's at --n ≤ 50,000).
Target (issue 4 §5): 1,000,000 exported ≤ 60 s."""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import os
import resource
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from django.db import connection, transaction

import bench_dvcqg
from motcua.exchange.exporter import export_records
from motcua.exchange.importer import import_sync_file
from motcua.records.models import Record, RecordAttachment, RecordEvent
from pgdb import prepare

FROM, TO = dt.date(2020, 1, 1), dt.date(2030, 12, 31)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _ticks(pid: int, children: bool = False) -> int:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    # utime, stime (+ cutime, cstime: processes that ended, e.g. the export's extra backends)
    return sum(int(f) for f in fields[11 : 15 if children else 13])


def server_cpu() -> float:
    """CPU seconds of the local PostgreSQL server: the postmaster's children, living and ended."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        with open(f"/proc/{backend}/stat") as stat:
            postmaster = int(stat.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0.0
    total = _ticks(postmaster, children=True)
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == postmaster:
                        total += _ticks(int(name))
            except OSError:
                continue
    return total / os.sysconf("SC_CLK_TCK")


def table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model: type, skip: set[str]) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column not in skip]


def multiply(base: int, n: int) -> None:
    """Copies of the first `base` records (and their events and files) until there are `n`: copy
    k of sequence s gets sequence s + k·base in its code (and in its history items' MaHoSo)."""
    records, events, files = table(Record), table(RecordEvent), table(RecordAttachment)
    rcols = _columns(Record, {"id", "code", "search_text"})
    ecols = _columns(RecordEvent, {"id", "record_id", "detail", "sync_item"})
    fcols = _columns(RecordAttachment, {"id", "record_id"})
    new_code = (
        "regexp_replace(b.code, '-[0-9]+$', '') || '-' || "
        "lpad((substring(b.code from '[0-9]+$')::bigint + k * %(base)s)::text, 7, '0')"
    )
    copies = (n - 1) // base
    with transaction.atomic(), connection.cursor() as cursor:
        # Secondary indexes (the trigram one above all) are built once at the end, not row by row.
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename IN (%s, %s)
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [Record._meta.db_table, RecordEvent._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        cursor.execute(
            f"CREATE TEMP TABLE bench_base ON COMMIT DROP AS SELECT * FROM {records} ORDER BY code"
        )
        for first in range(1, copies + 1, 10):  # ten copies a statement: progress, smaller sorts
            last = min(first + 9, copies)
            keep = "k < %(last)s OR substring(b.code from '[0-9]+$')::bigint + k * %(base)s <= %(n)s"
            params = {"base": base, "first": first, "last": last, "n": n}
            cursor.execute(
                f"""INSERT INTO {records} (code, search_text, {", ".join(rcols)})
                SELECT {new_code}, replace(b.search_text, lower(b.code), lower({new_code})), {", ".join("b." + c for c in rcols)}
                FROM bench_base b CROSS JOIN generate_series(%(first)s, %(last)s) k WHERE {keep}""",
                params,
            )
            cursor.execute(
                f"""INSERT INTO {events} (record_id, detail, sync_item, {", ".join(ecols)})
                SELECT r.id, CASE WHEN e.detail ? 'item' THEN jsonb_set(e.detail, '{{item,MaHoSo}}',
                  to_jsonb(r.code)) ELSE e.detail END,
                  replace(e.sync_item, '"MaHoSo":' || to_json(b.code)::text, '"MaHoSo":' || to_json(r.code)::text),
                  {", ".join("e." + c for c in ecols)}
                FROM bench_base b CROSS JOIN generate_series(%(first)s, %(last)s) k
                JOIN {records} r ON r.code = {new_code} JOIN {events} e ON e.record_id = b.id WHERE {keep}""",
                params,
            )
            cursor.execute(
                f"""INSERT INTO {files} (record_id, {", ".join(fcols)})
                SELECT r.id, {", ".join("a." + c for c in fcols)}
                FROM bench_base b CROSS JOIN generate_series(%(first)s, %(last)s) k
                JOIN {records} r ON r.code = {new_code} JOIN {files} a ON a.record_id = b.id WHERE {keep}""",
                params,
            )
            print(f"    {min(n, (last + 1) * base)} records", flush=True)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys checked before indexing
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"ANALYZE {records}")
        cursor.execute(f"ANALYZE {events}")


def fill(agency, n: int, base: int) -> None:
    have = Record.objects.filter(agency=agency).count()
    if have == n:
        print(f"reusing the {n} records already there")
        return
    base = min(base, n)
    if have == base:
        print(f"multiplying the {base} records already there")
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table(Record)} CASCADE")
        load(base)
    if n > base:
        start = time.perf_counter()
        multiply(base, n)
        print(f"multiplied to {n} records in SQL in {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # visibility map + statistics, as a settled database has


def load(base: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "base.json")
        bench_dvcqg.write_file(source, base, "json")
        start = time.perf_counter()
        with open(source, "rb") as stream:
            summary = import_sync_file(stream=stream, source_name=source)
        print(f"imported {summary.added} records in {time.perf_counter() - start:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--base", type=int, default=10_000, help="records imported before multiplying")
    parser.add_argument("--workers", default="1,0", help="comma-separated; 0 = one per CPU (the default)")
    parser.add_argument("--formats", default="json,jsonl")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="compare the files of every run byte for byte")
    parser.add_argument("--keep", help="directory to keep the exported files in")
    args = parser.parse_args()
    prepare("bench_export.py")
    agency = bench_dvcqg.setup()
    fill(agency, args.n, args.base)
    print(f"load average {os.getloadavg()}; peak RSS after fill {peak_mb():.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or tmp
        first: dict[str, str] = {}
        for fmt in args.formats.split(","):
            runs = [("python", None)] if args.check and args.n <= 50_000 else []
            runs += [(f"workers={w}", int(w) or None) for w in args.workers.split(",")]
            for label, workers in runs * args.rounds if args.rounds > 1 else runs:
                path = os.path.join(folder, f"out-{label}.{fmt}")
                start, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
                with open(path, "w", encoding="utf-8", newline="\n") as out:
                    kwargs = (
                        {"python": True} if workers is None and label == "python" else {"workers": workers}
                    )
                    count = export_records(
                        agency=agency, date_from=FROM, date_to=TO, out=out, fmt=fmt, **kwargs
                    )
                seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
                same = ""
                if args.check:
                    same = (
                        "same"
                        if filecmp.cmp(first.setdefault(fmt, path), path, shallow=False)
                        else "DIFFERENT"
                    )
                print(
                    f"  {fmt:<5} {label:<10} {seconds:7.1f} s {count / seconds:9.0f} records/s  CPU: process "
                    f"{cpu:6.1f} s, server {server_cpu() - server:6.1f} s  peak RSS {peak_mb():4.0f} MB  "
                    f"{count} records {os.path.getsize(path) / 1024 / 1024:.0f} MB  load {os.getloadavg()[0]:.1f} {same}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
