"""The service index (QĐ 766) counted live from 1,000,000 records in PostgreSQL.

Run (starts a throwaway PostgreSQL, builds the schema with `migrate`, fills it, measures):
    nice -n 10 scripts/with-postgres.sh .venv/bin/python bench/bench_index.py [--n 1000000] [--rounds 50]
    DATABASE_URL=… .venv/bin/python bench/bench_index.py --parts b --changes 60 [--burn 2] [--profile]

Fills the records table in SQL (INSERT … SELECT generate_series): the Khánh Hòa units and agencies
of the demo (65 communes and the provincial bodies), twelve months of receipts up to now, ~3 % of
older records and about half of last month's still open, the sync facts (online, fees, online
payment, e-result, digitization, reuse, population database) at fixed rates. Then measures:

(a) the full recomputation `rollups_rebuild()` against DuckDB running the same GROUP BY over the
    same rows (copied out of PostgreSQL with psycopg's COPY; only DuckDB's query is timed);
(b) a record taken in at a counter through the service, until `metric_counts` shows it: p50 / p95 /
    max over --changes changes, optionally with --burn CPU-bound processes alongside and --profile;
(c) `unit_index` (all 21 metrics and the score) for the province and for a commune over the
    running year and the running month: p50 / p95.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from motcua.accounts.models import Role, RoleGrant, User  # noqa: E402
from motcua.catalog.models import Offering, Procedure  # noqa: E402
from motcua.metrics import counting, periods, scopes  # noqa: E402
from motcua.metrics.models import ProcedureRollup, RecordRollup  # noqa: E402
from motcua.metrics.rollups import rollups_rebuild  # noqa: E402
from motcua.records.models import Record  # noqa: E402
from motcua.records.services import Applicant, record_intake_at_counter  # noqa: E402
from motcua.units.models import Agency, AgencyKind, UnitLevel  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from pgdb import prepare, record_defaults, timed  # noqa: E402

FILL_SQL = """
INSERT INTO records_record (
    code, procedure_id, agency_id, receiving_agency_id, unit_id, receiving_unit_id, state, channel,
    assisted, applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address,
    applicant_kind, summary, search_text, submitted_at, received_at, due_at, original_due_at,
    finished_at, returned_at, ended_at, supplement_count, extension_count, rule_set, outcome_reason,
    version, created_at, fees_total_vnd, paid_online, has_digitized_components, has_e_result,
    vneid_verified, submitted_on_national_portal, used_population_db, reused_data,
    from_national_data_store, source_system, extra{other_columns})
SELECT
    'BENCH-' || lpad(i::text, 8, '0'), procedure_id, agency_id, agency_id, unit_id, unit_id,
    CASE WHEN ended THEN (CASE WHEN rs < 0.96 THEN 'returned' ELSE 'stopped' END)
         ELSE 'in_progress' END,
    CASE WHEN rch < 0.45 THEN '2' WHEN rch < 0.95 THEN '1' ELSE '3' END,
    false, 'Nguyễn Văn An', '056190' || lpad((i %% 1000000)::text, 6, '0'), '', '', '', '1', '', '',
    received_at, received_at, due_at, due_at,
    CASE WHEN ended AND rs < 0.96 THEN ended_at END,
    CASE WHEN ended AND rs < 0.96 THEN ended_at END,
    CASE WHEN ended THEN ended_at END,
    CASE WHEN rs2 < 0.03 THEN 2 WHEN rs2 < 0.2 THEN 1 ELSE 0 END, 0, 'nd118-2025', '', 1, received_at,
    CASE WHEN rf < 0.3 THEN 50000 ELSE 0 END,
    CASE WHEN rf < 0.15 THEN '1' ELSE '0' END,
    rf2 < 0.7, ended AND rs < 0.96 AND rf2 < 0.6, false, rch < 0.45, rf3 < 0.5, rf3 < 0.2, false, '', '{{}}'
    {other_values}
FROM (
    SELECT i, received_at, received_at + (1 + (i %% 15)) * interval '1 day' AS due_at,
        rch, rs, rs2, rf, rf2, rf3,
        (%(procedures)s::bigint[])[1 + (i * 7919) %% cardinality(%(procedures)s::bigint[])] AS procedure_id,
        (%(agencies)s::bigint[])[c] AS agency_id,
        (%(units)s::bigint[])[c] AS unit_id,
        received_at + (rend * 14) * interval '1 day' AS ended_at,
        received_at + (rend * 14) * interval '1 day' < now()
            AND (received_at < now() - interval '30 days' OR rs < 0.5)
            AND rs3 > 0.03 AS ended
    FROM (
        SELECT i, random() AS rch, random() AS rs, random() AS rs2, random() AS rs3, random() AS rend,
            random() AS rf, random() AS rf2, random() AS rf3,
            1 + floor(power(random(), 1.6) * cardinality(%(agencies)s::bigint[]))::int AS c,
            now() - random() * interval '365 days' AS received_at
        FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS i
    ) raw
) rows
"""


def setup_world() -> list[Agency]:
    from motcua.catalog.demo import build_demo as catalog_demo
    from motcua.units.demo import build_demo as units_demo

    if not Agency.objects.filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit__level=UnitLevel.COMMUNE).exists():
        for line in (*units_demo(), *catalog_demo()):
            print("  " + line)
    today = timezone.localdate()
    return list(Agency.objects.valid_at(today).select_related("unit").order_by("code"))


def fill(n: int, agencies: list[Agency]) -> bool:
    """Fill up to n records in SQL (no hooks: the roll-ups are left behind); whether it wrote any."""
    have = Record.objects.count()
    if have >= n:
        print(f"  already {have:,} records")
        return False
    params: dict = {
        "agencies": [a.pk for a in agencies],
        "units": [a.unit_id for a in agencies],
        "procedures": list(Procedure.objects.values_list("pk", flat=True)),
    }
    sql = FILL_SQL.format(**record_defaults(FILL_SQL, params))
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.766)")
        step = 100_000
        for first in range(have + 1, n + 1, step):
            cursor.execute(sql, {**params, "first": first, "last": min(first + step - 1, n)})
        cursor.execute("ANALYZE records_record")
    print(f"  filled {n - have:,} records in {time.perf_counter() - start:.0f} s")
    return True


# --- (a) full recomputation: PostgreSQL vs DuckDB --------------------------------------------

DUCK_SQL = """
SELECT unit_id, agency_id,
    CAST(timezone('Asia/Ho_Chi_Minh', received_at) AS DATE) AS received_on,
    CAST(date_trunc('month', timezone('Asia/Ho_Chi_Minh', ended_at)) AS DATE) AS ended_month,
    count(*) AS received,
    count(*) FILTER (WHERE due_at IS NULL OR (supplement_count <= 1 AND ended_at <= due_at)) AS on_time,
    count(*) FILTER (WHERE channel = '2') AS online,
    count(*) FILTER (WHERE fees_total_vnd > 0) AS fee_bearing,
    count(*) FILTER (WHERE fees_total_vnd > 0 AND paid_online <> '0') AS paid_online,
    count(*) FILTER (WHERE finished_at IS NOT NULL) AS resolved,
    count(*) FILTER (WHERE finished_at IS NOT NULL AND has_e_result) AS e_result,
    count(*) FILTER (WHERE has_digitized_components AND (has_e_result OR finished_at IS NULL)) AS digitized,
    count(*) FILTER (WHERE reused_data OR replaceable) AS reuse_eligible,
    count(*) FILTER (WHERE reused_data) AS reused,
    count(*) FILTER (WHERE used_population_db) AS population_db
FROM recs
WHERE received_at IS NOT NULL AND ended_at IS NOT NULL
GROUP BY ALL
"""

COPY_SQL = """
COPY (SELECT r.unit_id, r.agency_id, r.received_at AT TIME ZONE 'UTC', r.ended_at AT TIME ZONE 'UTC',
    r.due_at AT TIME ZONE 'UTC', r.finished_at AT TIME ZONE 'UTC', r.supplement_count, r.channel,
    r.fees_total_vnd, r.paid_online, r.has_e_result, r.has_digitized_components, r.reused_data,
    r.used_population_db, r.procedure_id IN (SELECT procedure_id FROM catalog_component
        WHERE replaceable_by_data OR from_data_store) AS replaceable
    FROM records_record r) TO STDOUT WITH (FORMAT csv)
"""


def full_recomputation(rounds: int) -> tuple[float, float, float]:
    import duckdb

    pg = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        rollups_rebuild()
        pg.append(time.perf_counter() - t0)
    rows = RecordRollup.objects.count()
    print(f"  rollups_rebuild(): {rows:,} record rows, {ProcedureRollup.objects.count():,} procedure rows")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.csv"
        t0 = time.perf_counter()
        with (
            connection.cursor() as cursor,
            path.open("wb") as out,
            cursor.connection.cursor().copy(COPY_SQL) as copy,
        ):
            for chunk in copy:
                out.write(chunk)
        print(f"  copied the rows out of PostgreSQL in {time.perf_counter() - t0:.1f} s (not counted)")
        duck = duckdb.connect()
        duck.execute("SET TimeZone = 'UTC'")
        duck.execute(
            f"CREATE TABLE recs AS SELECT * FROM read_csv('{path}', header = false, columns = {{"
            "'unit_id': 'BIGINT', 'agency_id': 'BIGINT', 'received_at': 'TIMESTAMP', 'ended_at': 'TIMESTAMP',"
            "'due_at': 'TIMESTAMP', 'finished_at': 'TIMESTAMP', 'supplement_count': 'INTEGER', 'channel': 'VARCHAR',"
            "'fees_total_vnd': 'BIGINT', 'paid_online': 'VARCHAR', 'has_e_result': 'BOOLEAN',"
            "'has_digitized_components': 'BOOLEAN', 'reused_data': 'BOOLEAN', 'used_population_db': 'BOOLEAN',"
            "'replaceable': 'BOOLEAN'})"
        )
        duck.execute(
            "ALTER TABLE recs ALTER received_at TYPE TIMESTAMPTZ USING received_at AT TIME ZONE 'UTC'"
        )
        duck.execute("ALTER TABLE recs ALTER ended_at TYPE TIMESTAMPTZ USING ended_at AT TIME ZONE 'UTC'")
        dk = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            duck.execute("CREATE OR REPLACE TABLE rollup AS " + DUCK_SQL)
            dk.append(time.perf_counter() - t0)
        duck_rows = duck.execute("SELECT count(*) FROM rollup").fetchone()[0]
        print(f"  DuckDB {duckdb.__version__}: {duck_rows:,} rows (PostgreSQL: {rows:,})")
    # The same GROUP BY in PostgreSQL (a plain SELECT, parallel workers allowed): the like-for-like
    # comparison. rollups_rebuild() computes more (changes by day, three coarser grains, the
    # procedure rollup) and writes it; its time is reported beside.
    same = []
    pg_sql = DUCK_SQL.replace(
        "FROM recs", "FROM (" + COPY_SQL.split("(", 1)[1].rsplit(") TO STDOUT", 1)[0] + ") recs"
    ).replace("GROUP BY ALL", "GROUP BY 1, 2, 3, 4")
    pg_sql = pg_sql.replace(" AT TIME ZONE 'UTC',", ",").replace("r.ended_at,", "r.ended_at AS ended_at,")
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 2")
        cursor.execute("SET work_mem = '256MB'")
        for _ in range(rounds):
            t0 = time.perf_counter()
            cursor.execute(f"SELECT count(*) FROM ({pg_sql}) grouped")
            same.append(time.perf_counter() - t0)
        print(f"  PostgreSQL, the same GROUP BY: {cursor.fetchone()[0]:,} rows")
    return min(pg), min(same), min(dk)


# --- (b) a change through the service, visible in metric_counts ------------------------------


def _burn() -> None:  # pragma: no cover — a CPU hog for the "under load" run
    while True:
        sum(i * i for i in range(10_000))


_spent: list[float] = []  # seconds in the roll-ups' own hooks during the current change


def _time_rollup_hooks(*, bucket_refresh: bool) -> None:
    """Time the roll-ups' hooks (before + after) per change, to tell them from the rest; with
    `bucket_refresh`, drop the before-change hook so every change takes the old path (whole
    buckets recomputed) — the comparison in the same run."""
    from motcua.metrics import rollups
    from motcua.records import hooks

    def clocked(original):
        def run(*args):
            t0 = time.perf_counter()
            try:
                return original(*args)
            finally:
                _spent.append(time.perf_counter() - t0)

        return run

    if bucket_refresh:
        hooks._before_change.pop(rollups.HOOK, None)
    else:
        hooks.register_before_change(rollups.HOOK, clocked(rollups.before_record_change))
    position = hooks._in_transaction.index(rollups.on_record_change)
    hooks._in_transaction[position] = clocked(rollups.on_record_change)


def change_visible(rounds: int, burn: int = 0) -> tuple[list[float], list[float]]:
    """Intake at the counter (submit + receive, one transaction) until the commune's running
    month shows it; with `burn` CPU-bound processes running alongside."""
    import multiprocessing

    agency = Agency.objects.filter(unit__level=UnitLevel.COMMUNE, valid_to=None).order_by("code").first()
    procedure = Procedure.objects.filter(clock_value__isnull=False).order_by("code").first()
    Offering.objects.get_or_create(procedure=procedure, agency=agency, defaults={"online_level": "partial"})
    desk, _ = User.objects.get_or_create(username="bench.index.desk")
    RoleGrant.objects.get_or_create(user=desk, role=Role.DESK_OFFICER, unit=agency.unit, agency=agency)
    scope = scopes.parse_scope(f"xa-{agency.unit.code}")
    now = timezone.now()
    period = periods.month(now.year, now.month)
    hogs = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(burn)]
    for hog in hogs:
        hog.start()
    samples, hook_ms = [], []
    try:
        time.sleep(2 if burn else 0)
        for i in range(rounds):
            before = counting.metric_counts(scope, period)["DOSSIER_ON_TIME"].denominator
            _spent.clear()
            t0 = time.perf_counter()
            record_intake_at_counter(
                procedure=procedure, agency=agency, applicant=Applicant(name=f"Lê Thị Hoa {i}"), actor=desk
            )
            after = counting.metric_counts(scope, period)["DOSSIER_ON_TIME"].denominator
            samples.append(time.perf_counter() - t0)
            hook_ms.append(sum(_spent) * 1000)
            assert after == before + 1, (before, after)
    finally:
        for hog in hogs:
            hog.terminate()
    return samples, hook_ms


def profile_one_change() -> None:
    """cProfile of one intake, and EXPLAIN ANALYZE of the statement reading a record's contribution."""
    import cProfile
    import pstats

    from motcua.metrics import rollup_deltas

    agency = Agency.objects.filter(unit__level=UnitLevel.COMMUNE, valid_to=None).order_by("code").first()
    procedure = Procedure.objects.filter(clock_value__isnull=False).order_by("code").first()
    desk = User.objects.get(username="bench.index.desk")
    record_intake_at_counter(
        procedure=procedure, agency=agency, applicant=Applicant(name="Lê Văn Tâm"), actor=desk
    )
    profiler = cProfile.Profile()
    profiler.enable()
    record = record_intake_at_counter(
        procedure=procedure, agency=agency, applicant=Applicant(name="Lê Văn Tâm"), actor=desk
    )
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"motcua/(metrics|records/services)", 12)
    sql, template, slots = rollup_deltas._record_statement()
    params = [record.pk if i in slots else p for i, p in enumerate(template)]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    print("  EXPLAIN ANALYZE, one record's contribution:\n    " + "\n    ".join(plan[-3:]))


# --- (c) unit_index ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--parts", default="abc", help="which parts to run, e.g. b")
    parser.add_argument("--changes", type=int, default=60, help="(b): changes measured")
    parser.add_argument("--burn", type=int, default=0, help="(b): CPU-bound processes alongside")
    parser.add_argument("--profile", action="store_true", help="(b): profile one change first")
    parser.add_argument(
        "--bucket-refresh", action="store_true", help="(b): the old path, whole buckets recomputed per change"
    )
    args = parser.parse_args()
    prepare("bench_index.py")
    agencies = setup_world()
    if fill(args.n, agencies) and "a" not in args.parts:
        rollups_rebuild()  # (a) rebuilds them itself; (b) and (c) read them
    units = len({a.unit_id for a in agencies})
    print(f"PostgreSQL {connection.pg_version // 10000}, {Record.objects.count():,} records, {units} units")

    if "a" in args.parts:
        pg, same, duck = full_recomputation(3)
        print(
            f"\n(a) the same GROUP BY: PostgreSQL {same:.2f} s, DuckDB {duck:.2f} s → {same / duck:.1f} × "
            f"(target ≤ 3 ×); rollups_rebuild() (all rollups, written) {pg:.2f} s"
        )

    if "b" in args.parts:
        _time_rollup_hooks(bucket_refresh=args.bucket_refresh)
        change_visible(3)  # warm: the compiled statements, the scope
        if args.profile:
            profile_one_change()
        seconds, hook_ms = change_visible(args.changes, args.burn)
        ms = sorted(x * 1000 for x in seconds)
        p95 = statistics.quantiles(ms, n=20, method="inclusive")[-1]
        print(
            f"(b) intake through the service → visible in metric_counts, {len(ms)} changes"
            f"{' (old path: whole buckets recomputed)' if args.bucket_refresh else ''}"
            f"{f', {args.burn} CPU-bound processes alongside' if args.burn else ''}, "
            f"load average {os.getloadavg()[0]:.1f}: p50 {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, "
            f"max {ms[-1]:.0f} ms (target ≤ 1 s); of which the roll-ups' hooks p50 "
            f"{statistics.median(hook_ms):.1f} ms, max {max(hook_ms):.1f} ms"
        )
    if "c" not in args.parts:
        return

    now = timezone.now()
    year = periods.between((now - dt.timedelta(days=364)).date(), timezone.localdate())
    month = periods.month(now.year, now.month)
    busiest = (
        Record.objects.values("unit_id").order_by().annotate(n=django.db.models.Count("pk")).order_by("-n")
    )
    commune_unit = next(
        row["unit_id"]
        for row in busiest
        if Agency.objects.filter(unit_id=row["unit_id"], unit__level=UnitLevel.COMMUNE).exists()
    )
    commune = scopes.parse_scope(f"xa-{Agency.objects.filter(unit_id=commune_unit).first().unit.code}")
    province = scopes.parse_scope("tinh-56")
    print(f"\n(c) unit_index, {args.rounds} rounds each{'':<14} {'p50 ms':>8} {'p95 ms':>8}")
    worst_p95 = 0.0
    for label, scope, period in [
        (f"province, 12 months ({year.label})", province, year),
        (f"province, {month.label}", province, month),
        (f"{commune.label}, 12 months", commune, year),
        (f"{commune.label}, {month.label}", commune, month),
    ]:
        samples = timed(lambda scope=scope, period=period: counting.unit_index(scope, period), args.rounds)
        p95 = statistics.quantiles(samples, n=20)[-1]
        worst_p95 = max(worst_p95, p95)
        print(f"  {label:<48} {statistics.median(samples):8.1f} {p95:8.1f}", flush=True)
    from motcua.metrics.ranking import commune_ranking

    samples = timed(lambda: commune_ranking(month), max(5, args.rounds // 3))
    p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]
    print(
        f"  {'ranking of the 65 communes, ' + month.label:<48} {statistics.median(samples):8.1f} {p95:8.1f}"
    )
    print(f"\nworst p95: {worst_p95:.1f} ms (dashboard target ≤ 200 ms per page)")


if __name__ == "__main__":
    main()
