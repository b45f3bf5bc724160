"""What a connector is, and the one way motcua talks HTTP to another system.

A connector says which record changes it wants, what it sends (by default the national sync
record, exchange/dvcqg/mapping.py), and delivers one payload, answering an `Outcome`: delivered,
retry later (the other side is down or slow), or failed for good (it refused the payload)."""

from __future__ import annotations

import enum
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from django.utils.functional import Promise

from ..dvcqg.mapping import record_to_sync

StrOrPromise = str | Promise

if TYPE_CHECKING:
    from motcua.records.models import Record, RecordEvent

    from ..models import ConnectorConfig


class Result(enum.StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    result: Result
    detail: str = ""


class Connector(Protocol):
    id: ClassVar[str]
    name: ClassVar[StrOrPromise]
    # Deliver each record once (its first change), not every later change.
    once: ClassVar[bool]
    default_field_codes: ClassVar[frozenset[str]]

    def wants(self, record: Record, event: RecordEvent) -> bool: ...

    def payload(self, record: Record) -> dict[str, Any]: ...

    def deliver(self, config: ConnectorConfig, payload: dict[str, Any]) -> Outcome: ...


class SyncRecordConnector:
    """Sends the national sync record of every change (subclasses narrow what they want)."""

    id: ClassVar[str] = ""
    name: ClassVar[StrOrPromise] = ""
    once: ClassVar[bool] = False
    default_field_codes: ClassVar[frozenset[str]] = frozenset()

    def wants(self, record: Record, event: RecordEvent) -> bool:
        return True

    def payload(self, record: Record) -> dict[str, Any]:
        return record_to_sync(record)

    def deliver(self, config: ConnectorConfig, payload: dict[str, Any]) -> Outcome:
        return post_json(config, payload)


# HTTP answers that mean "the record is there": 409 is the portal saying it already has this
# MaHoSo — an update of a record it knows, never a reason to send it again as new.
ALREADY_EXISTS = 409
# The other side refused this payload: sending it again unchanged cannot help.
REFUSED = frozenset({400, 401, 403, 404, 405, 413, 415, 422})


def post_json(config: ConnectorConfig, payload: dict[str, Any]) -> Outcome:
    """POST `payload` to the connector's endpoint with its token and timeout."""
    if not config.endpoint_url:
        return Outcome(Result.FAILED, "Chưa cấu hình địa chỉ nhận (endpoint) cho kết nối.")
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(
        config.endpoint_url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
    )
    if config.token:
        request.add_header("Authorization", f"Bearer {config.token}")
    try:
        with urllib.request.urlopen(request, timeout=config.timeout_seconds) as response:
            return Outcome(Result.DELIVERED, _answer(response.status, response.read()))
    except urllib.error.HTTPError as error:
        text = _answer(error.code, error.read())
        if error.code == ALREADY_EXISTS:
            return Outcome(Result.DELIVERED, text)
        if error.code in REFUSED:
            return Outcome(Result.FAILED, f"Hệ thống nhận từ chối dữ liệu: {text}")
        return Outcome(Result.RETRY, f"Hệ thống nhận báo lỗi: {text}")
    except TimeoutError:
        return Outcome(Result.RETRY, f"Quá {config.timeout_seconds:g} giây không có trả lời.")
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return Outcome(Result.RETRY, f"Quá {config.timeout_seconds:g} giây không có trả lời.")
        return Outcome(Result.RETRY, f"Không kết nối được: {error.reason}")
    except OSError as error:  # connection reset mid-answer, …
        return Outcome(Result.RETRY, f"Lỗi kết nối: {error}")


def _answer(status: int, body: bytes) -> str:
    return f"HTTP {status} {body[:500].decode('utf-8', 'replace')}".strip()
