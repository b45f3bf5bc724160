"""Clients that retry at once with the same Idempotency-Key get one record between them."""

import threading

import pytest
from django.db import connection

from motcua.records.models import IdempotencyKey, Record

from .conftest import client_for, create_body

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_simultaneous_retries_create_one_record(procedure, van_hung, staff):
    threads, start = 6, threading.Barrier(6)
    body = create_body(procedure, van_hung)
    answers: list[tuple[int, str]] = []

    def retry() -> None:
        try:
            client = client_for(staff["desk"])
            start.wait(timeout=30)
            response = client.post("/api/v1/records/", body, format="json", HTTP_IDEMPOTENCY_KEY="cung-luc")
            answers.append((response.status_code, response.json().get("code", response.content)))
        finally:
            connection.close()

    workers = [threading.Thread(target=retry) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert Record.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    code = Record.objects.get().code
    assert sorted(status for status, _ in answers) == [200] * (threads - 1) + [201]
    assert {c for _, c in answers} == {code}
    # The losers' numbers were rolled back: the next record continues the sequence without a gap.
    nxt = client_for(staff["desk"]).post("/api/v1/records/", body, format="json").json()["code"]
    assert int(nxt.rsplit("-", 1)[1]) == int(code.rsplit("-", 1)[1]) + 1
