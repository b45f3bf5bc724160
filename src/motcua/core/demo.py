"""The Khánh Hòa demo: each step is idempotent, so `motcua demo` can run again safely.

Order matters: units first (agencies, calendars and staff hang on them), then the calendar
settings, the catalogue with its offerings, and the staff accounts."""

from collections.abc import Callable, Iterator
from importlib import import_module
from typing import Any

STEPS = (
    "motcua.units.demo",
    "motcua.calendars.demo",
    "motcua.catalog.demo",
    "motcua.accounts.demo",
    "motcua.metrics.demo",  # targets (reports)
    "motcua.records.demo",  # a year of records needs all of the above (MOTCUA_DEMO_RECORDS)
    "motcua.metrics.rollups",  # last: the index's rollups recounted once over the demo records
    "motcua.metrics.snapshots",  # then the closed months' index counts kept for the dashboard
)


def build(*, stdout: Any = None, steps: tuple[str, ...] = STEPS) -> Iterator[str]:
    """Yields one progress line per step."""
    for module in steps:
        step: Callable[[], Iterator[str]] = import_module(module).build_demo
        yield from step()
    yield "Demo: xong."
