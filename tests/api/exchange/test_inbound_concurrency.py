"""The portal retries a delivery before the first answer came: one record between them."""

import json
import threading

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from rest_framework.test import APIClient

from motcua.accounts.services import api_token_issue
from motcua.records.models import Record, RecordEvent
from tests.exchange.test_inbound import dossier
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_simultaneous_deliveries_of_one_dossier_make_one_record(procedure, van_hung):
    user = UserFactory(username="cong.dvcqg")
    user.user_permissions.add(Permission.objects.get(codename="deliver_online_dossiers"))
    token = api_token_issue(user=user).key
    body = json.dumps(dossier(9), ensure_ascii=False).encode()
    threads, start = 5, threading.Barrier(5)
    answers: list[tuple[int, object]] = []

    def deliver() -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            start.wait(timeout=30)
            response = client.generic(
                "POST", "/api/v1/exchange/dvcqg/inbound", body, content_type="application/json"
            )
            answers.append((response.status_code, response.json().get("id")))
        finally:
            connection.close()

    workers = [threading.Thread(target=deliver) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    record = Record.objects.get()
    assert RecordEvent.objects.count() == 1
    assert sorted(status for status, _ in answers) == [200] * (threads - 1) + [201]
    assert {pk for _, pk in answers} == {record.pk}
