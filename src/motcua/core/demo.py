"""The Khánh Hòa demo: each step is idempotent, so `motcua demo` can run again safely."""

from collections.abc import Iterator
from typing import Any


def build(*, stdout: Any = None) -> Iterator[str]:
    """Yields one progress line per step. Steps are added by each package as it grows."""
    yield "Demo: xong."
