"""Benchmark of the working-day clock: 1,000,000 due-date computations on one core.

Run:  .venv/bin/python bench/bench_workdays.py [--n 1000000] [--repeat 3]
Prints the best of --repeat runs for each operation. Target (issue §4): 1,000,000 working-day
due dates ≤ 2 s."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import random
import sys
import time
from collections.abc import Callable

from motcua.workdays import VN_TZ, Term, Unit, build_calendar, due_changes


def best_of(repeat: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
        gc.enable()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.n

    start = time.perf_counter()
    calendar = build_calendar(first_year=2015, last_year=2035)
    built = time.perf_counter() - start

    rng = random.Random(20250124)
    origin = dt.datetime(2016, 1, 1, tzinfo=VN_TZ)
    minutes = 12 * 365 * 24 * 60
    received = [origin + dt.timedelta(minutes=rng.randrange(minutes)) for _ in range(n)]
    days = [rng.randrange(0, 31) for _ in range(n)]
    hours = [rng.randrange(1, 41) for _ in range(n)]
    terms = [Term(d) for d in days]
    utc = [r.astimezone(dt.UTC) for r in received]

    add_days = calendar.add_working_days
    add_hours = calendar.add_working_hours
    due = calendar.due
    cases: list[tuple[str, Callable[[], object]]] = [
        (
            "add_working_days(received, n)",
            lambda: [add_days(r, k) for r, k in zip(received, days, strict=True)],
        ),
        (
            "add_working_days(received, n, cutoff=True)",
            lambda: [add_days(r, k, cutoff=True) for r, k in zip(received, days, strict=True)],
        ),
        (
            "add_working_days(received in UTC, n)",
            lambda: [add_days(r, k) for r, k in zip(utc, days, strict=True)],
        ),
        ("due(received, Term(n))", lambda: [due(r, t) for r, t in zip(received, terms, strict=True)]),
        (
            "due_changes(open records) — recomputation",
            lambda: sum(
                1
                for _ in due_changes(
                    ((i, r, t, None) for i, (r, t) in enumerate(zip(received, terms, strict=True))), calendar
                )
            ),
        ),
        (
            "add_working_hours(received, h)",
            lambda: [add_hours(r, h) for r, h in zip(received, hours, strict=True)],
        ),
        (
            "due(received, Term(n, CALENDAR_DAYS))",
            lambda: [due(r, Term(k, Unit.CALENDAR_DAYS)) for r, k in zip(received, days, strict=True)],
        ),
    ]
    print(
        f"Python {platform.python_version()} on {platform.machine()}, one process; calendar 2015–2035 built in {built:.2f} s"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{n:,} computations each, best of {args.repeat} (load average before: {load}; {os.cpu_count()} CPUs):"
    )
    for label, run in cases:
        seconds = best_of(args.repeat, run)
        print(f"  {label:<46} {seconds:6.2f} s  {seconds / n * 1e6:6.2f} µs/op")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
