"""Officer inbox and record search on 1,000,000 records in PostgreSQL.

Run (starts a throwaway PostgreSQL, builds the schema with `migrate`, fills it, measures):
    scripts/with-postgres.sh .venv/bin/python bench/bench_inbox_search.py [--n 1000000] [--rounds 200]

To keep the million records between runs (the fill takes 6–8 minutes), point DATABASE_URL at a
PostgreSQL server you keep (any data directory, e.g. under /tmp) instead of the throwaway one:
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/motcua .venv/bin/python bench/bench_inbox_search.py
A database that already holds --n records is not filled again; `migrate` still runs first.

Fills the records table fast in SQL (INSERT … SELECT generate_series, not the services): the
Khánh Hòa units and agencies of the demo, about two years of records spread unevenly over the 65
communes, ~2 % still open with due dates around today, Vietnamese names with diacritics. Then, as
officers of several communes (a fresh user object per query, so the scope is computed each time
as in a request), times each inbox box (first page of 25 and its count), all counts together, and
`record_search` by code, ID number and part of a name; prints p50/p95 in milliseconds."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
django.setup()

from django.db import connection  # noqa: E402

from motcua.accounts.models import Role, RoleGrant, User  # noqa: E402
from motcua.catalog.models import Procedure  # noqa: E402
from motcua.core.text import search_key  # noqa: E402
from motcua.records.models import Record  # noqa: E402
from motcua.records.selectors import Inbox, inbox, inbox_counts, record_search, visible_records  # noqa: E402
from motcua.units.models import Agency, AgencyKind, UnitLevel  # noqa: E402
from pgdb import prepare, record_defaults  # noqa: E402

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLES = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh", "Đức", "Thu", "Quốc", "Kim"]
GIVENS = [
    "An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hoa", "Hương", "Hùng", "Lan", "Linh", "Long", "Mai",
    "Minh", "Nam", "Ngân", "Phong", "Phương", "Quân", "Sơn", "Thảo", "Thắng", "Trang", "Tuấn", "Yến",
]  # fmt: skip
NAME_QUERIES = ["nguyen thi huong", "Trần Văn", "hoàng ngọc thảo", "le minh", "Phương", "vo duc thang"]

FILL_SQL = """
INSERT INTO records_record (
    code, procedure_id, agency_id, receiving_agency_id, unit_id, receiving_unit_id, state, channel,
    assisted, applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address,
    applicant_kind, summary, search_text, submitted_at, received_at, due_at, original_due_at,
    finished_at, returned_at, ended_at, supplement_count, extension_count, rule_set, outcome_reason,
    version, created_at{other_columns})
SELECT
    code, procedure_id, agency_id, agency_id, unit_id, unit_id, state, channel,
    false, name, id_number, '09' || lpad((i %% 100000000)::text, 8, '0'), '', '', '1', '',
    lower(code) || ' ' || name_key || ' ' || id_number,
    submitted_at, received_at, due_at, due_at,
    CASE WHEN state IN ('resolved', 'returned') THEN finished_at END,
    CASE WHEN state = 'returned' THEN finished_at + interval '1 day' END,
    CASE WHEN state IN ('resolved', 'returned', 'refused', 'withdrawn', 'stopped', 'closed') THEN finished_at END,
    CASE WHEN state = 'supplement' THEN 1 ELSE 0 END, 0, 'nd118-2025', '', 1, submitted_at{other_values}
FROM (
    SELECT i, submitted_at, state,
        (%(agency_codes)s::text[])[c] || '-' || to_char(submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYMMDD')
            || '-' || lpad(i::text, 7, '0') AS code,
        (%(procedures)s::bigint[])[1 + (i * 7919) %% cardinality(%(procedures)s::bigint[])] AS procedure_id,
        (%(agencies)s::bigint[])[c] AS agency_id,
        (%(units)s::bigint[])[c] AS unit_id,
        CASE WHEN rch < 0.45 THEN '2' WHEN rch < 0.95 THEN '1' ELSE '3' END AS channel,
        (%(surnames)s::text[])[a] || ' ' || (%(middles)s::text[])[b] || ' ' || (%(givens)s::text[])[g] AS name,
        (%(surname_keys)s::text[])[a] || ' ' || (%(middle_keys)s::text[])[b] || ' ' || (%(given_keys)s::text[])[g] AS name_key,
        '056' || (i %% 4)::text || lpad((i %% 100)::text, 2, '0') || lpad((i * 104729 %% 1000000)::text, 6, '0')
            AS id_number,
        CASE WHEN state = 'submitted' THEN NULL ELSE submitted_at + interval '2 hours' END AS received_at,
        CASE
            WHEN state = 'submitted' THEN NULL
            WHEN state IN ('received', 'in_progress') THEN now() + (rdue * 14 - 4) * interval '1 day'
            ELSE submitted_at + (1 + rdue * 10) * interval '1 day'
        END AS due_at,
        submitted_at + (rdue * 12) * interval '1 day' AS finished_at
    FROM (
        SELECT i, c, a, b, g, rch, rdue, submitted_at,
            CASE WHEN submitted_at > now() - interval '30 days' THEN
                CASE WHEN rs < 0.40 THEN 'returned' WHEN rs < 0.50 THEN 'resolved'
                     WHEN rs < 0.80 THEN 'in_progress' WHEN rs < 0.85 THEN 'received'
                     WHEN rs < 0.93 THEN 'submitted' ELSE 'supplement' END
            ELSE
                CASE WHEN rs < 0.95 THEN 'returned' WHEN rs < 0.97 THEN 'refused'
                     WHEN rs < 0.985 THEN 'withdrawn' WHEN rs < 0.995 THEN 'stopped' ELSE 'closed' END
            END AS state
        FROM (
            SELECT i,
                1 + floor(power(random(), 1.8) * cardinality(%(agencies)s::bigint[]))::int AS c,
                1 + floor(power(random(), 1.5) * cardinality(%(surnames)s::text[]))::int AS a,
                1 + floor(random() * cardinality(%(middles)s::text[]))::int AS b,
                1 + floor(random() * cardinality(%(givens)s::text[]))::int AS g,
                random() AS rch, random() AS rdue, random() AS rs,
                now() - random() * interval '730 days' AS submitted_at
            FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS i
        ) raw
    ) picked
) rows
"""


def setup_world() -> tuple[list[Agency], list[User]]:
    """Khánh Hòa's units and agencies (the demo loaders) and one officer per commune."""
    from motcua.catalog.demo import build_demo as catalog_demo
    from motcua.units.demo import build_demo as units_demo

    if not Agency.objects.filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit__level=UnitLevel.COMMUNE).exists():
        for line in (*units_demo(), *catalog_demo()):
            print("  " + line)
    agencies = list(
        Agency.objects.filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit__level=UnitLevel.COMMUNE, valid_to=None)
        .select_related("unit")
        .order_by("code")
    )
    officers = []
    for agency in agencies:
        user, _ = User.objects.get_or_create(username=f"bench.{agency.unit.code}")
        RoleGrant.objects.get_or_create(user=user, role=Role.DESK_OFFICER, unit=agency.unit, agency=agency)
        officers.append(user)
    return agencies, officers


def fill(n: int, agencies: list[Agency]) -> None:
    have = Record.objects.count()
    if have >= n:
        print(f"  already {have:,} records")
        return
    procedures = list(Procedure.objects.filter(levels__contains=["commune"]).values_list("pk", flat=True))
    params = {
        "agencies": [a.pk for a in agencies],
        "units": [a.unit_id for a in agencies],
        "agency_codes": [a.code for a in agencies],
        "procedures": procedures or list(Procedure.objects.values_list("pk", flat=True)),
        "surnames": SURNAMES,
        "middles": MIDDLES,
        "givens": GIVENS,
        "surname_keys": [search_key(s) for s in SURNAMES],
        "middle_keys": [search_key(s) for s in MIDDLES],
        "given_keys": [search_key(s) for s in GIVENS],
    }
    sql = FILL_SQL.format(**record_defaults(FILL_SQL, params))
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.20251201)")
        step = 100_000
        for first in range(have + 1, n + 1, step):
            cursor.execute(sql, {**params, "first": first, "last": min(first + step - 1, n)})
            print(f"  {min(first + step - 1, n):,} records ({time.perf_counter() - start:.0f} s)", flush=True)
        cursor.execute(
            "VACUUM ANALYZE records_record"
        )  # as autovacuum would have by the time anyone searches
    print(f"  filled in {time.perf_counter() - start:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each query once")
    parser.add_argument("--search-only", action="store_true", help="only the record search rows")
    parser.add_argument(
        "--compare-global",
        action="store_true",
        help="also time the name search through 0002's province-wide trigram index "
        "(create it first: records 0006 drops it)",
    )
    args = parser.parse_args()
    prepare("bench_inbox_search.py")
    agencies, officers = setup_world()
    fill(args.n, agencies)
    print(
        f"PostgreSQL {connection.pg_version // 10000}, {Record.objects.count():,} records, {len(agencies)} communes"
    )

    rng = random.Random(7)
    # Officers of the busiest, a middle and a quiet commune take turns.
    sample = [officers[0], officers[1], officers[len(officers) // 2], officers[-1]]
    ids = [o.pk for o in sample]

    def viewer(i: int) -> User:
        return User.objects.get(pk=ids[i % len(ids)])  # fresh: scope computed as in a request

    codes, numbers = [], []
    for officer in sample:
        mine = Record.objects.filter(unit__grants__user=officer).order_by("?")[:100]
        codes += [r.code for r in mine]
        numbers += [r.applicant_id_number for r in mine]
    cases: list[tuple[str, Callable[[User, int], object]]] = []
    for box in [] if args.search_only else Inbox:
        cases.append((f"inbox {box.value}: first 25", lambda v, i, box=box: list(inbox(v, box)[:25])))
        cases.append((f"inbox {box.value}: count", lambda v, i, box=box: inbox(v, box).count()))
    if not args.search_only:
        cases.append(("inbox_counts (all boxes)", lambda v, i: inbox_counts(v)))
    cases += [
        ("search by record code", lambda v, i: list(record_search(v, rng.choice(codes))[:25])),
        ("search by ID number", lambda v, i: list(record_search(v, rng.choice(numbers))[:25])),
        ("search by part of a name", lambda v, i: list(record_search(v, NAME_QUERIES[i % 6])[:25])),
        ("  same, page + capped count", lambda v, i: search_page(v, NAME_QUERIES[i % 6])),
    ]
    if args.compare_global:
        cases.append(
            (
                "  same, before 0006 (global index)",
                lambda v, i: list(global_index_search(v, NAME_QUERIES[i % 6])[:25]),
            )
        )
    print(f"\n{'query':<36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  (n={args.rounds} each)")
    worst = 0.0
    for label, run in cases:
        run(viewer(0), 0)  # warm the plan cache and the calendar
        samples = []
        for i in range(args.rounds):
            v = viewer(i)
            t0 = time.perf_counter()
            run(v, i)
            samples.append((time.perf_counter() - t0) * 1000)
        p95 = statistics.quantiles(samples, n=20)[-1]
        worst = max(worst, p95)
        print(f"{label:<36} {statistics.median(samples):8.1f} {p95:8.1f} {max(samples):8.1f}", flush=True)
    print(f"\nworst p95: {worst:.1f} ms (target ≤ 50 ms)")
    if args.explain:
        explain(viewer(0), codes[0], numbers[0])


def search_page(v: User, query: str) -> None:
    """What the workspace search page reads: the first 25 and the capped count."""
    from motcua.workspace.records.views import PAGE_SIZE, CappedPaginator

    page = CappedPaginator(record_search(v, query), PAGE_SIZE).get_page(1)
    list(page)


def global_index_search(v: User, query: str):
    """The name search as it was before records 0006 (the province-wide trigram index), measured
    in the same run for comparison under the same load."""
    return visible_records(v).filter(search_text__contains=search_key(query)).order_by("-submitted_at")


def explain(v: User, code: str, number: str) -> None:
    queries = [inbox(v, box)[:25] for box in Inbox] + [
        record_search(v, code)[:25],
        record_search(v, number)[:25],
        record_search(v, NAME_QUERIES[0])[:25],
    ]
    for qs in queries:
        print("\n" + qs.explain(analyze=True))


if __name__ == "__main__":
    main()
