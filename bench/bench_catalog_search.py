"""Benchmark of the diacritics-insensitive procedure search on a large synthetic catalogue.

Run:  .venv/bin/python bench/bench_catalog_search.py [--n 50000]
      scripts/with-postgres.sh sh -c 'psql -h 127.0.0.1 -p $PG_PORT -U postgres -c "create database motcua";
          .venv/bin/motcua migrate -v0 && .venv/bin/python bench/bench_catalog_search.py'
Builds N procedures (demo names with a numbered suffix) inside a transaction that is rolled back,
then times the first result page (20 rows) of a few queries: best of 5, in milliseconds."""

from __future__ import annotations

import argparse
import json
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from motcua.catalog.demo import DEMO_FILE  # noqa: E402
from motcua.catalog.models import Field, Procedure  # noqa: E402
from motcua.catalog.selectors import procedure_search  # noqa: E402
from motcua.catalog.services import search_text_for  # noqa: E402

QUERIES = [
    "dang ky ho kinh doanh",
    "chứng thực bản sao",
    "1.0012",
    "giay phep xay dung sua chua",
    "khong co gi",
]


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=50_000)
    args = parser.parse_args()
    names = [p["name"] for p in json.loads(DEMO_FILE.read_text(encoding="utf-8"))["procedures"]]
    try:
        with transaction.atomic():
            field = Field.objects.create(code="bench", name="Bench")
            rows = []
            for i in range(args.n):
                code = f"9.{i:06d}"
                name = f"{names[i % len(names)]} (biến thể {i})"
                rows.append(
                    Procedure(code=code, name=name, field=field, search_text=search_text_for(name, code))
                )
            Procedure.objects.bulk_create(rows, batch_size=2000)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE catalog_procedure")
            print(f"{connection.vendor}: {args.n:,} procedures")
            for query in QUERIES:
                best = float("inf")
                for _ in range(5):
                    start = time.perf_counter()
                    qs = procedure_search(query=query)
                    page = list(qs[:20])
                    total = qs.count()
                    best = min(best, time.perf_counter() - start)
                print(
                    f"  {query!r:35} {total:>7,} hits  first page + count {best * 1000:7.1f} ms ({len(page)} rows)"
                )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
