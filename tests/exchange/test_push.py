"""Pushing record changes to the national portal (issue 4 §2): through the outbox, against an
HTTP double of the portal that validates every payload and can fail, time out or say "exists"."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from motcua.exchange.delivery import backoff, deliver_due
from motcua.exchange.models import ConnectorConfig, Delivery
from motcua.exchange.outbox import delivery_resend, failed_deliveries
from motcua.records.lifecycle import Action
from motcua.records.services import record_intake_at_counter, record_perform
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
        max_attempts=4,
    )


@pytest.fixture
def received(national_portal, procedure, van_hung, staff, applicant):
    return record_intake_at_counter(
        procedure=procedure,
        agency=van_hung,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 9, 0),
    )


def later(seconds: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


def only_delivery(record) -> Delivery:
    (delivery,) = Delivery.objects.filter(record=record)
    return delivery


def test_a_change_is_pushed_and_the_record_is_marked_synced(received, portal):
    assert deliver_due() == 1
    sent = portal.records[received.code]
    # What the citizen and the counter know about the record, as the portal received it.
    assert sent["ChuHoSo"] == "Nguyễn Thị Ánh"
    assert sent["TrangThaiHoSo"] == "2"  # received
    assert sent["NgayTiepNhan"] == "20260302090000"
    assert sent["MaTTHC"].startswith("1.001612")
    delivery = only_delivery(received)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (Delivery.Status.SYNCED, 1, "")
    assert delivery.synced_at is not None
    assert portal.answers == [(received.code, 201)]


def test_portal_failing_twice_then_succeeding_syncs_after_three_attempts(received, portal):
    portal.fail(times=2)
    assert deliver_due() == 1
    delivery = only_delivery(received)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
    assert "500" in delivery.last_error
    assert deliver_due() == 0  # backing off: not due yet
    first_wait = delivery.next_attempt_at
    assert deliver_due(now=first_wait + dt.timedelta(seconds=1)) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    # Exponential: the second wait is twice the first.
    assert backoff(2) == 2 * backoff(1)
    assert deliver_due(now=delivery.next_attempt_at + dt.timedelta(seconds=1)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SYNCED, 3)
    assert [status for _, status in portal.answers] == [500, 500, 201]


def test_a_timeout_is_retried_and_the_record_is_not_sent_twice_as_new(received, portal):
    portal.time_out(times=1)  # the portal stores it but answers after the client gave up
    deliver_due()
    delivery = only_delivery(received)
    assert delivery.status == Delivery.Status.PENDING
    assert "0.5 giây" in delivery.last_error
    deliver_due(now=later(3600))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SYNCED, 2)
    assert portal.created[received.code] == 1


def test_already_exists_means_update_and_synced_without_resending(received, portal):
    portal.already_exists()
    deliver_due()
    delivery = only_delivery(received)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SYNCED, 1)
    assert "409" in delivery.answer
    assert deliver_due(now=later(3600)) == 0
    assert len(portal.answers) == 1


def test_statuses_are_sent_as_they_are(received, portal, staff):
    desk, specialist, leader = staff["desk"], staff["specialist"], staff["leader"]
    record = record_perform(
        record=received, action=Action.ASSIGN, actor=desk, to_user=specialist, at=local(2026, 3, 2, 10, 0)
    )
    record = record_perform(
        record=record,
        action=Action.REQUEST_SUPPLEMENT,
        actor=specialist,
        missing=["Bản sao CCCD"],
        at=local(2026, 3, 3, 9, 0),
    )
    deliver_due()
    assert portal.records[record.code]["TrangThaiHoSo"] == "5"  # waiting for a supplement, not 9
    record_perform(
        record=record,
        action=Action.STOP,
        actor=leader,
        reason="Dừng theo yêu cầu",
        at=local(2026, 3, 4, 9, 0),
    )
    deliver_due()
    assert portal.records[record.code]["TrangThaiHoSo"] == "8"  # stopped, not 9
    assert portal.created[record.code] == 1
    assert portal.updated[record.code] == 1


def test_permanent_failure_is_failed_with_reason_listed_and_resend_starts_over(
    received,
    portal,
    staff,
):
    portal.fail(times=4)  # max_attempts of the connector
    now = timezone.now()
    for _ in range(4):
        deliver_due(now=now)
        now += dt.timedelta(hours=3)
    delivery = only_delivery(received)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 4)
    assert "HTTP 500" in delivery.last_error
    assert deliver_due(now=now) == 0  # failed stays failed until someone resends
    assert list(failed_deliveries(viewer=staff["desk"])) == [delivery]

    assert delivery_resend(delivery=delivery, actor=staff["desk"]) is True
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.resent_by) == (
        Delivery.Status.PENDING,
        0,
        staff["desk"],
    )
    assert deliver_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SYNCED, 1)
    assert list(failed_deliveries(viewer=staff["desk"])) == []
    assert delivery_resend(delivery=delivery, actor=staff["desk"]) is False  # nothing to resend


def test_a_payload_the_portal_refuses_fails_at_once_with_its_reason(received, portal):
    delivery = only_delivery(received)
    payload = {**delivery.payload, "NgayTiepNhan": "02/03/2026"}  # not yyyyMMddHHmmss
    Delivery.objects.filter(pk=delivery.pk).update(payload=payload)
    deliver_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert "400" in delivery.last_error and "NgayTiepNhan" in delivery.last_error
    assert portal.records == {}


def test_many_changes_never_send_the_record_twice_as_new(received, portal, staff):
    desk, specialist, leader = staff["desk"], staff["specialist"], staff["leader"]
    record = record_perform(
        record=received, action=Action.ASSIGN, actor=desk, to_user=specialist, at=local(2026, 3, 2, 10, 0)
    )
    deliver_due()
    record = record_perform(record=record, action=Action.APPROVE, actor=leader, at=local(2026, 3, 3, 9, 0))
    deliver_due()
    record_perform(record=record, action=Action.RETURN_RESULT, actor=desk, at=local(2026, 3, 3, 15, 0))
    deliver_due()
    assert portal.created[record.code] == 1
    assert portal.updated[record.code] == 2
    assert portal.records[record.code]["TrangThaiHoSo"] == "10"
    assert Delivery.objects.filter(record=record, status=Delivery.Status.SYNCED).count() == 3


def test_a_change_rolled_back_enqueues_nothing(
    national_portal, procedure, van_hung, staff, applicant, portal
):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_intake_at_counter(
            procedure=procedure,
            agency=van_hung,
            applicant=applicant,
            actor=staff["desk"],
            at=local(2026, 3, 2, 9, 0),
        )
        assert Delivery.objects.count() == 1  # written with the change…
        raise RuntimeError("something later in the same transaction failed")
    assert Delivery.objects.count() == 0  # …and gone with it
    assert deliver_due() == 0
    assert portal.answers == []
