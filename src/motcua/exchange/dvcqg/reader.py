"""Stream sync records out of a file of any size: a JSON array (parsed incrementally by ijson)
or JSON Lines (each line by orjson, the standard parser when orjson refuses it: lone surrogates,
NaN, huge integers, and the messages of a bad line), told apart by the first non-space byte.
Never holds more than one record."""

from __future__ import annotations

import json
from collections.abc import Container, Iterator
from typing import IO, Any

import ijson
import orjson

from .mapping import Reject

# A record is a few kilobytes; a longer line is not a record (and must not fill the memory).
MAX_LINE_BYTES = 8 * 1024 * 1024
_CHUNK = 64 * 1024
_WHITESPACE = b" \t\r\n"
ARRAY, LINES = "array", "lines"


class UnreadableFile(Exception):
    """The file as a whole cannot be read as sync records (nothing of it is imported)."""


class _Prefixed:
    """The stream with the bytes already looked at put back in front (works on pipes too)."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        self.prefix, self.stream = prefix, stream

    def read(self, size: int = -1) -> bytes:
        if not self.prefix:
            return self.stream.read(size)
        if size < 0:
            data, self.prefix = self.prefix + self.stream.read(), b""
            return data
        data, self.prefix = self.prefix[:size], self.prefix[size:]
        return data

    def readline(self, size: int = -1) -> bytes:
        if not self.prefix:
            return self.stream.readline(size)
        newline = self.prefix.find(b"\n")
        if newline >= 0 and (size < 0 or newline < size):
            data, self.prefix = self.prefix[: newline + 1], self.prefix[newline + 1 :]
            return data
        if size >= 0 and len(self.prefix) >= size:
            data, self.prefix = self.prefix[:size], self.prefix[size:]
            return data
        data, self.prefix = self.prefix, b""
        return data + self.stream.readline(-1 if size < 0 else size - len(data))


def detect_layout(stream: IO[bytes]) -> tuple[str, IO[bytes]]:
    """'array' or 'lines' from the first non-space byte, and the stream to read from there.
    A UTF-8 byte-order mark is skipped."""
    head = stream.read(_CHUNK)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    while head and not head.lstrip(_WHITESPACE):
        more = stream.read(_CHUNK)
        if not more:
            break
        head += more
    text = head.lstrip(_WHITESPACE)
    if not text:
        raise UnreadableFile("Tệp rỗng: không có hồ sơ nào.")
    first = text[:1]
    if first == b"[":
        return ARRAY, _Prefixed(head, stream)  # type: ignore[return-value]
    if first == b"{":
        return LINES, _Prefixed(head, stream)  # type: ignore[return-value]
    if text[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in text[:4]:
        raise UnreadableFile("Tệp không phải UTF-8 (có vẻ là UTF-16); hãy lưu lại dưới dạng UTF-8.")
    raise UnreadableFile(
        "Tệp phải là một mảng JSON các hồ sơ ([…]) hoặc JSON Lines (mỗi dòng một hồ sơ {…}); "
        f"ký tự đầu tiên là “{first.decode('latin-1')}”."
    )


def read_records(stream: IO[bytes]) -> tuple[str, Iterator[tuple[int, Any]]]:
    """(layout, iterator of (position, object or Reject)). Positions are array indexes (from 0)
    or line numbers (from 1). A fault that ends the file (truncated JSON, bad bytes in an array)
    comes out as a last Reject; what came before it is good."""
    layout, stream = detect_layout(stream)
    return layout, (_array(stream) if layout == ARRAY else _lines(stream))


def _array(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
    index = -1
    try:
        for index, item in enumerate(ijson.items(stream, "item", use_float=True)):
            yield index, item
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as error:
        yield index + 1, Reject(index + 1, "", _array_fault(error))


def _array_fault(error: Exception) -> str:
    first = error.args[0] if error.args else ""
    message = (first.decode("utf-8", "replace") if isinstance(first, bytes) else str(first)).split("\n")[0]
    if isinstance(error, ijson.IncompleteJSONError) and (
        "premature EOF" in message or "incomplete" in message
    ):
        return "Tệp JSON bị cắt cụt: mảng không được đóng; các hồ sơ từ vị trí này trở đi không đọc được."
    if isinstance(error, UnicodeDecodeError) or "utf" in message.lower():
        return "Tệp có byte không phải UTF-8 tại đây; các hồ sơ từ vị trí này trở đi không đọc được."
    return f"JSON không hợp lệ ({message}); các hồ sơ từ vị trí này trở đi không đọc được."


def _lines(stream: IO[bytes], wanted: Container[int] | None = None) -> Iterator[tuple[int, Any]]:
    """The lines of `stream`; with `wanted`, only those line numbers are parsed and yielded (the
    others are known to be records: the SQL import re-reads the few it leaves to Python)."""
    number, read_one = 0, False
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            if wanted is None or number in wanted:
                yield number, long_line(number)
            continue
        if wanted is not None and number not in wanted:
            read_one = read_one or bool(line.strip())
            continue
        obj, stop = parse_line(line, number, read_one)
        if obj is BLANK:
            continue
        read_one = read_one or not isinstance(obj, Reject)
        yield number, obj
        if stop:
            return


BLANK = object()


def long_line(number: int) -> Reject:
    return Reject(
        number, "", f"Dòng dài hơn {MAX_LINE_BYTES // (1024 * 1024)} MB: không phải một hồ sơ, bỏ qua."
    )


def parse_line(line: bytes, number: int, read_one: bool) -> tuple[Any, bool]:
    """One line of JSON Lines → (object, Reject or BLANK; whether reading stops after it)."""
    if not line.strip():
        return BLANK, False
    try:
        return orjson.loads(line), False
    except orjson.JSONDecodeError:
        pass  # not plain JSON to orjson: the standard parser decides, and says why
    try:
        return json.loads(line.decode("utf-8")), False
    except UnicodeDecodeError:
        return Reject(number, "", "Dòng có byte không phải UTF-8."), False
    except RecursionError:
        return Reject(
            number, "", "Dòng có các mảng/đối tượng lồng nhau quá sâu: không phải một hồ sơ."
        ), False
    except json.JSONDecodeError as error:
        if not read_one:
            # One object spread over many lines is not JSON Lines: say so once, not per line.
            return (
                Reject(
                    number,
                    "",
                    "Tệp bắt đầu bằng “{” nhưng dòng đầu không phải một hồ sơ trọn vẹn: tệp phải là "
                    "một mảng JSON các hồ sơ ([…]) hoặc JSON Lines (mỗi dòng một hồ sơ). Không đọc tiếp.",
                ),
                True,
            )
        return (
            Reject(
                number,
                "",
                f"Dòng không phải một đối tượng JSON hoàn chỉnh ({error.msg}, cột {error.colno}); "
                "JSON Lines cần mỗi hồ sơ nằm trọn trên một dòng.",
            ),
            False,
        )


def _skip_rest_of_line(stream: IO[bytes]) -> None:
    while True:
        chunk = stream.readline(_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return
