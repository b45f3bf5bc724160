"""The body of each action endpoint: one serializer per `lifecycle.Action`, turned into the
keyword arguments `records.services.record_perform` takes."""

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from motcua.records.lifecycle import Action
from motcua.records.services import SUBMIT_ACTIONS
from motcua.units.models import Agency

from .fields import StrictSerializer, date, integer, text, text_list

REASON_MAX = 4000
MAX_VERSION = 2**31 - 1


class ActionPayload(StrictSerializer):
    expected_version = integer(
        required=False,
        min_value=1,
        max_value=MAX_VERSION,
        help_text=_("Phiên bản hồ sơ đã đọc; nếu đã đổi, thao tác bị từ chối (409 conflict)."),
    )

    def params(self) -> dict[str, Any]:
        """Keyword arguments for `record_perform` (without `expected_version`)."""
        return {k: v for k, v in self.validated_data.items() if k != "expected_version"}


class NoBodyPayload(ActionPayload):
    pass


class OptionalReasonPayload(ActionPayload):
    reason = text(max_length=REASON_MAX, required=False, help_text=_("Ghi chú / lý do (không bắt buộc)"))


class RequiredReasonPayload(ActionPayload):
    reason = text(max_length=REASON_MAX, help_text=_("Lý do (bắt buộc)"))


class RequestSupplementPayload(OptionalReasonPayload):
    missing = text_list(
        item_max_length=500, max_length=50, allow_empty=False, help_text=_("Các giấy tờ phải bổ sung")
    )


def _agency_by_code(code: str) -> Agency:
    agency: Agency | None = Agency.objects.filter(code=code).first()
    if agency is None:
        raise serializers.ValidationError(_("Không có cơ quan mã “%(code)s”.") % {"code": code})
    return agency


class AssignPayload(ActionPayload):
    to_user = text(max_length=150, help_text=_("Tên đăng nhập của cán bộ được phân công"))

    def validate_to_user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(_("Không có cán bộ “%(u)s”.") % {"u": username})
        return user


class ForwardPayload(OptionalReasonPayload):
    to_user = text(max_length=150, help_text=_("Tên đăng nhập của lãnh đạo phê duyệt"))

    validate_to_user = AssignPayload.validate_to_user


class TransferPayload(OptionalReasonPayload):
    to_agency = text(max_length=35, help_text=_("Mã định danh cơ quan nhận hồ sơ"))

    def validate_to_agency(self, code: str) -> Agency:
        return _agency_by_code(code)


class ConsultPayload(ActionPayload):
    agency = text(max_length=35, help_text=_("Mã định danh cơ quan được hỏi ý kiến"))
    days = integer(min_value=1, max_value=60, help_text=_("Thời hạn trả lời, ngày làm việc"))
    question = text(max_length=REASON_MAX, help_text=_("Nội dung xin ý kiến"))

    def validate_agency(self, code: str) -> Agency:
        return _agency_by_code(code)


class ConsultReplyPayload(ActionPayload):
    reply = text(max_length=REASON_MAX, help_text=_("Nội dung ý kiến trả lời"))


class ExtendPayload(RequiredReasonPayload):
    new_due_on = date(help_text=_("Ngày hẹn trả mới (YYYY-MM-DD hoặc dd/mm/yyyy)"))


class CorrectResultPayload(RequiredReasonPayload):
    reported_on = date(required=False, help_text=_("Ngày phát hiện sai sót; mặc định hôm nay"))


PAYLOADS: dict[Action, type[ActionPayload]] = {
    Action.RECEIVE: NoBodyPayload,
    Action.REFUSE_INTAKE: RequiredReasonPayload,
    Action.REQUEST_SUPPLEMENT: RequestSupplementPayload,
    Action.SUPPLEMENT_RECEIVED: NoBodyPayload,
    Action.CLOSE_UNSUPPLEMENTED: NoBodyPayload,
    Action.ASSIGN: AssignPayload,
    Action.FORWARD: ForwardPayload,
    Action.TRANSFER: TransferPayload,
    Action.CONSULT: ConsultPayload,
    Action.CONSULT_REPLY: ConsultReplyPayload,
    Action.EXTEND: ExtendPayload,
    Action.STOP: RequiredReasonPayload,
    Action.WITHDRAW: OptionalReasonPayload,
    Action.APPROVE: OptionalReasonPayload,
    Action.REFUSE: RequiredReasonPayload,
    Action.RETURN_RESULT: OptionalReasonPayload,
    Action.CORRECT_RESULT: CorrectResultPayload,
}

# Every action that happens to an existing record has its endpoint (a test keeps this in step).
RECORD_ACTIONS = [a for a in Action if a not in SUBMIT_ACTIONS]
