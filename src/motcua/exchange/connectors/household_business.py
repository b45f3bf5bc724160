"""The household-business registration system (hệ thống đăng ký hộ kinh doanh).

A household-business record is delivered there once, from motcua, so that nobody types it into
both systems; records coming back from that system are imported and matched by MaHoSo
(exchange/outbox.py `connector_inbound`), so they are never counted twice."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from motcua.records.lifecycle import State

from .base import SyncRecordConnector
from .registry import register

if TYPE_CHECKING:
    from motcua.records.models import Record, RecordEvent

# The catalogue's field of household-business procedures; a config may name others.
HOUSEHOLD_BUSINESS_FIELDS = frozenset({"thanh-lap-va-hoat-dong-doanh-nghiep-ho-kinh-doanh", "ho-kinh-doanh"})


@register
class HouseholdBusiness(SyncRecordConnector):
    id = "household_business"
    name = _("Hệ thống đăng ký hộ kinh doanh")
    once = True
    default_field_codes = HOUSEHOLD_BUSINESS_FIELDS

    def wants(self, record: "Record", event: "RecordEvent") -> bool:
        # The registration office works on received records, not on mere submissions.
        return record.received_at is not None and record.state != State.REFUSED
