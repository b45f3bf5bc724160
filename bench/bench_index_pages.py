"""The index dashboard pages at 1,000,000 records in PostgreSQL: province page (total, six groups,
12-month trend, ranking of every commune and provincial agency) and a commune's unit page, for the
running month and for last month (closed: metrics.snapshots).

Run (a throwaway PostgreSQL; the fill is bench_index.py's):
    nice -n 10 scripts/with-postgres.sh .venv/bin/python bench/bench_index_pages.py [--n 1000000] [--rounds 20]

or against a kept server, filled once (≈ 4–8 min for 1,000,000 records) and reused — a filled
database is not filled again (start one with scripts/lib.sh's start_postgres and stop it after):
    DATABASE_URL=postgres://postgres@127.0.0.1:PORT/motcua nice -n 10 .venv/bin/python bench/bench_index_pages.py

Each page is fetched through Django's test client as a province inspector (sessions, templates,
scope checks included). Two states: *cold* — no snapshot kept (dropped before every fetch: the
first visit after a deploy, an import or a catalogue change) and *warm* — after
`motcua index snapshot` (the closed months kept; the running month is always counted live).
Printed per page: p50 / p95 and the SQL queries of one fetch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

import bench_index
from motcua.accounts.models import Role, RoleGrant, User
from motcua.metrics import snapshots
from motcua.metrics.models import RecordRollup
from motcua.metrics.rollups import rollups_rebuild
from motcua.records.models import Record
from motcua.units.models import AdministrativeUnit, UnitLevel
from pgdb import prepare, timed


def queries_of(run: Callable[[], object]) -> int:
    """The SQL statements one call sends (counted at the driver, whatever DEBUG says)."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        run()
    return count


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--cold-rounds", type=int, default=3, help="fetches with no snapshot kept")
    args = parser.parse_args()
    prepare("bench_index_pages.py")
    agencies = bench_index.setup_world()
    bench_index.fill(args.n, agencies)
    if not RecordRollup.objects.exists():
        started = time.perf_counter()
        rollups_rebuild()
        print(f"  rollups rebuilt in {time.perf_counter() - started:.0f} s")
    today = timezone.localdate()
    province = AdministrativeUnit.objects.valid_at(today).get(level=UnitLevel.PROVINCE)
    commune = next(a.unit for a in agencies if a.unit.level == UnitLevel.COMMUNE)
    user, _ = User.objects.get_or_create(username="bench.inspector")
    RoleGrant.objects.get_or_create(user=user, role=Role.INSPECTOR, unit=province)
    client = Client()
    client.force_login(user)
    print(f"PostgreSQL {connection.pg_version // 10000}, {Record.objects.count():,} records")
    month = f"{today:%Y-%m}"
    last = today.replace(day=1) - dt.timedelta(days=1)
    last_month = f"{last:%Y-%m}"
    pages = [
        (f"province page, {month} (running)", f"/can-bo/chi-so/?ky={month}"),
        (f"province page, {last_month} (closed)", f"/can-bo/chi-so/?ky={last_month}"),
        (f"{commune.name} page, {month}", f"/can-bo/chi-so/xa-{commune.code}/?ky={month}"),
        (f"{commune.name} page, {last_month}", f"/can-bo/chi-so/xa-{commune.code}/?ky={last_month}"),
        (f"province page, year {today.year} (running)", f"/can-bo/chi-so/?ky={today.year}"),
    ]

    def fetch(url: str) -> None:
        assert client.get(url).status_code == 200

    header = f"{'page':<52} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}"
    print(f"\ncold: no snapshot kept, {args.cold_rounds} rounds\n{header}")
    for label, url in pages[:4]:
        samples = timed(lambda url=url: fetch(url), args.cold_rounds, before=snapshots.forget_all)
        snapshots.forget_all()
        asked = queries_of(lambda url=url: fetch(url))
        p95 = max(samples)
        print(f"  {label:<50} {statistics.median(samples):8.1f} {p95:8.1f} {asked:8d}", flush=True)

    snapshots.forget_all()
    started = time.perf_counter()
    call_command("index", "snapshot", "--months", "12", stdout=open("/dev/null", "w"))  # noqa: SIM115
    print(f"\n`motcua index snapshot` (12 closed months, every scope): {time.perf_counter() - started:.1f} s")

    full_before = gc.get_stats()[2]["collections"]
    print(f"\nwarm: after `motcua index snapshot`, {args.rounds} rounds\n{header}")
    worst = 0.0
    for label, url in pages:
        fetch(url)  # warm the caches of the process
        samples = timed(lambda url=url: fetch(url), args.rounds)
        asked = queries_of(lambda url=url: fetch(url))
        p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]
        worst = max(worst, p95)
        print(f"  {label:<50} {statistics.median(samples):8.1f} {p95:8.1f} {asked:8d}", flush=True)
    full = gc.get_stats()[2]["collections"] - full_before
    print(f"\nworst warm p95: {worst:.1f} ms (target ≤ 200 ms); load average {_load()}")
    # CPython's full collection (generation 2) of the process takes ~70 ms here: one in a page's
    # 20 samples is that page's p95.
    print(f"full garbage collections during the warm rounds: {full}")

    from motcua.metrics import counting, periods, ranking, scopes, trend

    period = periods.month(today.year, today.month)
    the_year = periods.year(today.year)
    commune_scope = scopes.parse_scope(f"xa-{commune.code}")
    in_province = [
        scopes.parse_scope("tinh-56"),
        *scopes.communes("tinh-56", on=today),
        *scopes.provincial_agencies("tinh-56", on=today),
    ]
    print("\nparts of the running month's pages (p50 ms, warm):")
    for label, run in [
        ("unit_index(province, month)", lambda: counting.unit_index(scopes.parse_scope("tinh-56"), period)),
        ("unit_index(commune, month)", lambda: counting.unit_index(commune_scope, period)),
        ("trend(province, 11 closed months)", lambda: trend.trend(in_province[0], end=last)),
        (f"unit_results(province + {len(in_province) - 1} units, month)", lambda: ranking.unit_results(in_province, period)),
        (f"unit_results(province + {len(in_province) - 1} units, year)", lambda: ranking.unit_results(in_province, the_year)),
        ("year's ranking + its trend, as one page", lambda: _year_page_parts(in_province, the_year)),
    ]:  # fmt: skip
        print(f"  {label:<50} {statistics.median(timed(run, 3)):8.1f}", flush=True)


def _year_page_parts(in_province: list, the_year) -> None:
    """What the running year's page counts: the ranking, then its trend (the running month taken
    along from the year's reads: metrics.onepage)."""
    from motcua.metrics import onepage, ranking, trend

    with onepage.reading():
        ranking.unit_results(in_province, the_year)
        trend.trend(in_province[0], end=the_year.end)


if __name__ == "__main__":
    main()
