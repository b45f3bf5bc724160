"""The transactional outbox: a record change enqueues its delivery in its own transaction,
one open delivery per record and connector, and the task only after commit."""

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.exchange.connectors.base import Outcome, Result
from motcua.exchange.delivery import claim, deliver_due, finish
from motcua.exchange.models import ConnectorConfig, Delivery
from motcua.records.lifecycle import Action
from motcua.records.services import record_intake_at_counter, record_perform, record_submit
from tests.catalog.factories import make_procedure
from tests.exchange.portal_double import TOKEN
from tests.records.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def national_portal(portal):
    return ConnectorConfig.objects.create(
        plugin="dvcqg",
        name="Cổng DVCQG",
        endpoint_url=portal.url,
        token=TOKEN,
        enabled=True,
        timeout_seconds=0.5,
    )


def intake(procedure, agency, staff, applicant, hour=9):
    return record_intake_at_counter(
        procedure=procedure,
        agency=agency,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, hour, 0),
    )


def test_the_task_is_enqueued_only_after_commit(
    national_portal, procedure, van_hung, staff, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record = intake(procedure, van_hung, staff, applicant)
        assert Delivery.objects.filter(record=record).count() == 1
    assert DBTaskResult.objects.count() == 0  # nothing handed to a worker before the commit
    for callback in callbacks:
        callback()
    (task,) = DBTaskResult.objects.filter(task_path="motcua.exchange.tasks.deliver")
    assert task.args_kwargs["kwargs"] == {"delivery_id": Delivery.objects.get(record=record).pk}
    assert task.queue_name == "exchange"


def test_changes_before_delivery_are_coalesced_into_one_pending_payload(
    national_portal, procedure, van_hung, staff, applicant
):
    record = record_submit(
        procedure=procedure,
        agency=van_hung,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 9, 0),
    )
    record_perform(record=record, action=Action.RECEIVE, actor=staff["desk"], at=local(2026, 3, 2, 9, 5))
    (delivery,) = Delivery.objects.filter(record=record)
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.revision == 2  # the second change updated the first one's payload
    assert delivery.payload["TrangThaiHoSo"] == "2"  # the latest state: received
    assert delivery.payload["NgayTiepNhan"] == "20260302090500"


def test_no_connector_enabled_means_nothing_is_queued(procedure, van_hung, staff, applicant, portal):
    ConnectorConfig.objects.create(plugin="dvcqg", name="Cổng DVCQG", endpoint_url=portal.url, enabled=False)
    intake(procedure, van_hung, staff, applicant)
    assert Delivery.objects.count() == 0


def test_a_connector_limited_to_some_fields_takes_only_their_records(
    national_portal, procedure, van_hung, staff, applicant
):
    national_portal.field_codes = "ho-tich"
    national_portal.save()
    intake(procedure, van_hung, staff, applicant)  # procedure of the field ho-kinh-doanh
    assert Delivery.objects.count() == 0
    civil = make_procedure(code="1.000656", name="Đăng ký khai sinh", field="ho-tich")
    record = intake(civil, van_hung, staff, applicant, hour=10)
    assert list(Delivery.objects.values_list("record_id", flat=True)) == [record.pk]


def test_a_change_while_the_payload_is_on_the_wire_is_sent_after_it(
    national_portal, procedure, van_hung, staff, applicant, portal
):
    record = intake(procedure, van_hung, staff, applicant)
    in_flight = claim()
    assert in_flight.payload["TrangThaiHoSo"] == "2"
    record_perform(
        record=record,
        action=Action.ASSIGN,
        actor=staff["desk"],
        to_user=staff["specialist"],
        at=local(2026, 3, 2, 10, 0),
    )
    finish(in_flight, Outcome(Result.DELIVERED, "HTTP 201"))
    delivery = Delivery.objects.get(pk=in_flight.pk)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 0)  # not synced: newer change
    assert deliver_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SYNCED
    assert portal.records[record.code]["TrangThaiHoSo"] == "4"  # in processing: the newer payload


def test_a_new_change_gives_a_failed_delivery_a_new_chance(
    national_portal, procedure, van_hung, staff, applicant
):
    record = intake(procedure, van_hung, staff, applicant)
    Delivery.objects.update(status=Delivery.Status.FAILED, attempts=8, last_error="HTTP 500")
    record_perform(
        record=record,
        action=Action.ASSIGN,
        actor=staff["desk"],
        to_user=staff["specialist"],
        at=local(2026, 3, 2, 10, 0),
    )
    (delivery,) = Delivery.objects.filter(record=record)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (Delivery.Status.PENDING, 0, "")
    assert delivery.next_attempt_at <= timezone.now()


def test_after_a_synced_delivery_the_next_change_opens_a_new_one(
    national_portal, procedure, van_hung, staff, applicant
):
    record = intake(procedure, van_hung, staff, applicant)
    deliver_due()
    record_perform(
        record=record,
        action=Action.ASSIGN,
        actor=staff["desk"],
        to_user=staff["specialist"],
        at=local(2026, 3, 2, 10, 0),
    )
    statuses = list(Delivery.objects.filter(record=record).order_by("pk").values_list("status", flat=True))
    assert statuses == [Delivery.Status.SYNCED, Delivery.Status.PENDING]
