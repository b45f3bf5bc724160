"""A test double of the national portal's sync endpoint: a real HTTP server on a free loopback
port, started by the `portal` fixture.

It checks every payload as strictly as the real portal would: the importer's own parser
(exchange/dvcqg/mapping.py) must accept it, and every field of the spec must be there — a
payload motcua's importer would reject gets 400. It stores what it accepts by MaHoSo and counts
how often a MaHoSo came as new. It can be told to fail (500), time out (answer after the
client gave up — having stored the record, as a slow server does), or answer 409 "already exists".
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from motcua.exchange.dvcqg.mapping import LIST_FIELDS, SCALAR_FIELDS, Reject, parse_sync_record

TOKEN = "portal-test-token"
REQUIRED = (*SCALAR_FIELDS, *LIST_FIELDS)


class PortalDouble:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.records: dict[str, dict[str, Any]] = {}
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self.answers: list[tuple[str, int]] = []  # (MaHoSo, HTTP status) of every request
        self.script: deque[str] = deque()  # what to do with the next requests: fail/timeout/exists
        self.timeout_sleep = 1.5
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                status, body = double.handle(self.headers.get("Authorization", ""), self._body())
                if status == 0:  # timed out: the client is gone
                    return
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/dongbo/hoso"

    def start(self) -> PortalDouble:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what the tests tell it ---

    def fail(self, times: int = 1) -> None:
        self.script.extend(["fail"] * times)

    def time_out(self, times: int = 1) -> None:
        self.script.extend(["timeout"] * times)

    def already_exists(self, times: int = 1) -> None:
        self.script.extend(["exists"] * times)

    # --- the endpoint ---

    def handle(self, authorization: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        if authorization != f"Bearer {TOKEN}":
            return 401, {"error": "unauthorized"}
        try:
            payload = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return 400, {"error": f"not JSON: {error}"}
        parsed = parse_sync_record(payload, 0)
        if isinstance(parsed, Reject):
            return self._answer(payload, 400, {"field": parsed.field, "error": parsed.reason})
        missing = [name for name in REQUIRED if name not in payload]
        if missing:
            return self._answer(payload, 400, {"field": missing[0], "error": "missing"})
        with self.lock:
            mode = self.script.popleft() if self.script else "ok"
        if mode == "fail":
            return self._answer(payload, 500, {"error": "internal error"})
        if mode == "exists":
            return self._answer(payload, 409, {"error": "MaHoSo đã tồn tại"})
        status, body = self._store(payload)
        if mode == "timeout":
            time.sleep(self.timeout_sleep)
            return self._answer(payload, 0, {})
        return self._answer(payload, status, body)

    def _store(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        code = payload["MaHoSo"]
        with self.lock:
            if code not in self.records:
                self.records[code] = payload
                self.created[code] += 1
                return 201, {"status": "created"}
            if self.records[code] == payload:
                return 200, {"status": "unchanged"}  # the same record again: idempotent
            self.records[code] = payload
            self.updated[code] += 1
            return 200, {"status": "updated"}

    def _answer(self, payload: Any, status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        code = payload.get("MaHoSo", "") if isinstance(payload, dict) else ""
        with self.lock:
            self.answers.append((code, status))
        return status, body


@pytest.fixture
def portal():
    double = PortalDouble().start()
    yield double
    double.stop()
