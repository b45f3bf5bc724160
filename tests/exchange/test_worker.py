"""`motcua worker`: runs the queued tasks and sweeps the outbox; any number of workers never
deliver the same delivery twice, and a worker killed mid-delivery loses nothing."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.exchange.connectors.base import Outcome, Result
from motcua.exchange.delivery import claim, deliver_due, finish, lease_for
from motcua.exchange.models import ConnectorConfig, Delivery
from motcua.records.services import record_intake_at_counter
from tests.exchange.portal_double import TOKEN
from tests.records.conftest import local


def national_portal(url: str) -> ConnectorConfig:
    return ConnectorConfig.objects.create(
        plugin="dvcqg", name="Cổng DVCQG", endpoint_url=url, token=TOKEN, enabled=True, timeout_seconds=0.5
    )


def intake(procedure, agency, staff, applicant, n=0):
    return record_intake_at_counter(
        procedure=procedure,
        agency=agency,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 8, 0) + dt.timedelta(minutes=n),
    )


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks, as in production
def test_worker_once_runs_the_delivery_task(portal, procedure, van_hung, staff, applicant):
    national_portal(portal.url)
    record = intake(procedure, van_hung, staff, applicant)  # committed: its task is queued
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("worker", "--once", verbosity=0)
    assert Delivery.objects.get(record=record).status == Delivery.Status.SYNCED
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert portal.created[record.code] == 1


@pytest.mark.django_db
def test_a_worker_killed_mid_delivery_loses_nothing(portal, procedure, van_hung, staff, applicant):
    config = national_portal(portal.url)
    record = intake(procedure, van_hung, staff, applicant)
    abandoned = claim()  # this worker dies before it sends or records anything
    assert abandoned is not None
    assert deliver_due() == 0  # its lease still holds: nobody else takes it
    after_lease = timezone.now() + lease_for(config.timeout_seconds) + dt.timedelta(seconds=1)
    assert deliver_due(now=after_lease) == 1
    delivery = Delivery.objects.get(record=record)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SYNCED, 1)
    # The dead worker comes back to life and reports: its stale claim changes nothing.
    finish(abandoned, Outcome(Result.RETRY, "HTTP 500"))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (Delivery.Status.SYNCED, 1, "")
    assert portal.created[record.code] == 1 and len(portal.answers) == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_deliver_the_same_delivery_twice(portal, procedure, van_hung, staff, applicant):
    national_portal(portal.url)
    codes = [intake(procedure, van_hung, staff, applicant, n).code for n in range(12)]
    counts: list[int] = []

    def work() -> None:
        try:
            counts.append(deliver_due())
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert sum(counts) == 12
    assert sorted(code for code, _ in portal.answers) == sorted(codes)  # each sent exactly once
    assert Delivery.objects.filter(status=Delivery.Status.SYNCED).count() == 12
