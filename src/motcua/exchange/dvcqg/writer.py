"""Write sync records one at a time, as a JSON array or JSON Lines: memory stays flat."""

from __future__ import annotations

from types import TracebackType
from typing import IO, Any

import orjson

FORMATS = ("json", "jsonl")


def dumps(obj: dict[str, Any]) -> str:
    # UTF-8 text as it is (no \\u escapes: the files are read by people as well), compact, as
    # json.dumps(ensure_ascii=False, separators=(",", ":")) writes it, several times faster.
    return orjson.dumps(obj).decode()


class SyncWriter:
    def __init__(self, out: IO[str], fmt: str = "json") -> None:
        if fmt not in FORMATS:
            raise ValueError(f"Định dạng “{fmt}” không hỗ trợ; chọn json hoặc jsonl.")
        self.out, self.fmt, self.count = out, fmt, 0

    def __enter__(self) -> SyncWriter:
        if self.fmt == "json":
            self.out.write("[")
        return self

    def write(self, obj: dict[str, Any]) -> None:
        if self.fmt == "json":
            self.out.write(("\n" if self.count == 0 else ",\n") + dumps(obj))
        else:
            self.out.write(dumps(obj) + "\n")
        self.count += 1

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n")
