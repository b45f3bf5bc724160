"""Test doubles of the connectors: plugins like the others, registered by id, that keep what
they receive in memory instead of calling out. Used by tests and by a demo without a network."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from .base import Outcome, Result
from .household_business import HouseholdBusiness
from .registry import register

if TYPE_CHECKING:
    from ..models import ConnectorConfig


class MemorySystem:
    """What a double 'received', by MaHoSo: the last payload and how often it came as new."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.records: dict[str, dict[str, Any]] = {}
        self.created: dict[str, int] = {}
        self.updated: dict[str, int] = {}

    def receive(self, payload: dict[str, Any]) -> Outcome:
        code = str(payload.get("MaHoSo") or "")
        if not code:
            return Outcome(Result.FAILED, "thiếu MaHoSo")
        with self.lock:
            if code in self.records:
                if self.records[code] != payload:
                    self.updated[code] = self.updated.get(code, 0) + 1
                    self.records[code] = payload
                return Outcome(Result.DELIVERED, "đã có: cập nhật")
            self.records[code] = payload
            self.created[code] = self.created.get(code, 0) + 1
            return Outcome(Result.DELIVERED, "tạo mới")

    def clear(self) -> None:
        with self.lock:
            self.records.clear()
            self.created.clear()
            self.updated.clear()


HOUSEHOLD_BUSINESS_SYSTEM = MemorySystem()


@register
class HouseholdBusinessDouble(HouseholdBusiness):
    """The household-business system, in memory: same choice of records as the real one."""

    id = "household_business_double"
    name = _("Hệ thống đăng ký hộ kinh doanh (mô phỏng)")

    def deliver(self, config: ConnectorConfig, payload: dict[str, Any]) -> Outcome:
        return HOUSEHOLD_BUSINESS_SYSTEM.receive(payload)
