"""Connectors are plugins by id; the household-business system gets each of its records once
from motcua, and what it sends back is matched by code — never a second record."""

import io
import json

import pytest
from django.core.management import call_command

from motcua.exchange.connectors import registry
from motcua.exchange.connectors.doubles import HOUSEHOLD_BUSINESS_SYSTEM
from motcua.exchange.connectors.inbound import connector_inbound
from motcua.exchange.delivery import deliver_due
from motcua.exchange.models import ConnectorConfig, Delivery
from motcua.records.lifecycle import Action
from motcua.records.models import Record
from motcua.records.services import record_intake_at_counter, record_perform, record_submit
from tests.catalog.factories import make_procedure
from tests.exchange.sync import sync_record
from tests.records.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def household_system():
    HOUSEHOLD_BUSINESS_SYSTEM.clear()
    config = ConnectorConfig.objects.create(
        plugin="household_business_double", name="Đăng ký hộ kinh doanh (mô phỏng)", enabled=True
    )
    yield config
    HOUSEHOLD_BUSINESS_SYSTEM.clear()


def test_plugins_are_registered_by_id():
    ids = {plugin_id for plugin_id, _ in registry.choices()}
    assert {"dvcqg", "household_business", "household_business_double"} <= ids
    assert registry.get("dvcqg").id == "dvcqg"
    assert registry.get("no-such-system") is None


def test_a_connector_whose_plugin_is_gone_queues_nothing(procedure, van_hung, staff, applicant):
    config = ConnectorConfig.objects.create(plugin="removed_plugin", name="Hệ thống cũ", enabled=True)
    record = record_intake_at_counter(
        procedure=procedure,
        agency=van_hung,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 9, 0),
    )
    assert Delivery.objects.filter(connector=config, record=record).count() == 0  # unknown plugin: not queued


def test_household_business_records_are_delivered_once(
    household_system, procedure, van_hung, staff, applicant
):
    desk, specialist, leader = staff["desk"], staff["specialist"], staff["leader"]
    record = record_submit(
        procedure=procedure, agency=van_hung, applicant=applicant, actor=desk, at=local(2026, 3, 2, 9, 0)
    )
    assert Delivery.objects.count() == 0  # submitted, not received: not for the registration office
    record = record_perform(record=record, action=Action.RECEIVE, actor=desk, at=local(2026, 3, 2, 9, 5))
    deliver_due()
    record = record_perform(
        record=record, action=Action.ASSIGN, actor=desk, to_user=specialist, at=local(2026, 3, 2, 10, 0)
    )
    record_perform(record=record, action=Action.APPROVE, actor=leader, at=local(2026, 3, 3, 9, 0))
    deliver_due()
    assert Delivery.objects.filter(record=record).count() == 1
    assert HOUSEHOLD_BUSINESS_SYSTEM.created == {record.code: 1}
    assert HOUSEHOLD_BUSINESS_SYSTEM.records[record.code]["TrangThaiHoSo"] == "2"


def test_other_procedures_are_not_sent_to_the_household_business_system(
    household_system, van_hung, staff, applicant
):
    civil = make_procedure(code="1.000656", name="Đăng ký khai sinh", field="ho-tich")
    record_intake_at_counter(
        procedure=civil, agency=van_hung, applicant=applicant, actor=staff["desk"], at=local(2026, 3, 2, 9, 0)
    )
    assert Delivery.objects.count() == 0


def test_a_record_coming_back_from_that_system_is_matched_not_added(
    household_system, procedure, van_hung, staff, applicant
):
    record = record_intake_at_counter(
        procedure=procedure,
        agency=van_hung,
        applicant=applicant,
        actor=staff["desk"],
        at=local(2026, 3, 2, 9, 0),
    )
    deliver_due()
    # The household-business system sends back what it holds: the very record motcua sent.
    returned = json.dumps([HOUSEHOLD_BUSINESS_SYSTEM.records[record.code]], ensure_ascii=False).encode()
    summary = connector_inbound(config=household_system, stream=io.BytesIO(returned), source_name="hkd.json")
    assert (summary.added, summary.updated, summary.unchanged, summary.rejected) == (0, 0, 1, 0)
    assert Record.objects.count() == 1


def test_records_made_in_that_system_are_imported_once(household_system, procedure, van_hung, tmp_path):
    path = tmp_path / "hkd.jsonl"
    path.write_text(json.dumps(sync_record(7), ensure_ascii=False) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("connector_inbound", "household_business_double", str(path), stdout=out)
    assert "Thêm mới 1" in out.getvalue()
    call_command("connector_inbound", "household_business_double", str(path), stdout=out)
    assert "không đổi 1" in out.getvalue()
    (record,) = Record.objects.all()
    assert (record.code, record.source_system) == ("H56.57.01-260302-0007", "household_business_double")
    assert Delivery.objects.count() == 0  # an import is not a change motcua sends back out
