"""Reads shared within one page.

A dashboard page asks the same things more than once at the same judging moment — the running
year and, for its trend, the running month: the same records changed today, the same catalogue
offered today, the same units. Within `reading()` such answers are kept and handed back; outside
it nothing is kept. Only for one page's reads: records and the catalogue may change between pages.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from typing import Any

_kept: ContextVar[dict[Hashable, Any] | None] = ContextVar("metrics_onepage", default=None)


@contextlib.contextmanager
def reading() -> Iterator[None]:
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def kept() -> dict[Hashable, Any] | None:
    """What this page has kept so far (None outside `reading()`)."""
    return _kept.get()


def remembered[T](key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), once per page for the key (every time outside `reading()`)."""
    found = _kept.get()
    if found is None:
        return compute()
    if key not in found:
        found[key] = compute()
    value: T = found[key]
    return value
