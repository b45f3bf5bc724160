"""Record errors as problem details, and their shape in the OpenAPI schema.

The services raise `TransitionError` subclasses that already carry a stable `code` and the HTTP
`status` they deserve; this module only turns them into RFC 9457 bodies."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.api.problems import PROBLEM_CONTENT_TYPE, problem
from motcua.records.errors import InvalidRecordInput
from motcua.records.lifecycle import TransitionError
from motcua.records.rules import NoRuleSet

TITLES = {
    "not-found": "Không tìm thấy hồ sơ",
    "conflict": "Hồ sơ vừa được người khác cập nhật",
    "action-not-allowed-in-state": "Thao tác không hợp lệ ở trạng thái hiện tại",
    "actor-not-allowed": "Không có quyền thực hiện thao tác",
    "idempotency-key-reuse": "Khóa Idempotency-Key đã dùng cho một yêu cầu khác",
    "unknown-action": "Không có thao tác này",
    "no-rule-set": "Không có quy định áp dụng",
    "invalid-idempotency-key": "Khóa Idempotency-Key không hợp lệ",
    "payload_too_large": "Nội dung yêu cầu quá lớn",
}


class RecordProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details as motcua writes them."""

    type = serializers.CharField(help_text="urn:motcua:problem:<code>")
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField(help_text="Mã lỗi ổn định để hệ thống khác rẽ nhánh.")
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Lỗi theo từng trường (chỉ với mã `invalid` và lỗi dữ liệu).",
    )


ERRORS = {
    400: "Dữ liệu không hợp lệ (`invalid`, `parse_error` hoặc mã lỗi riêng của trường)",
    401: "Chưa xác thực (`not_authenticated`, `authentication_failed`)",
    403: "Không có quyền (`actor-not-allowed`, `permission_denied`)",
    404: "Không có hồ sơ, hoặc hồ sơ ngoài phạm vi của bạn (`not-found`, `unknown-action`)",
    409: "Thao tác không hợp lệ lúc này (`action-not-allowed-in-state`) hoặc phiên bản cũ (`conflict`)",
    413: "Nội dung yêu cầu quá lớn (`payload_too_large`)",
    415: "Chỉ nhận JSON (`unsupported_media_type`)",
    422: "Vi phạm quy định (mã lỗi riêng, ví dụ `extension-too-late`, `idempotency-key-reuse`)",
}


def problem_responses(*statuses: int) -> dict[Any, OpenApiResponse]:
    """Schema entries for the problem responses an endpoint can give."""
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(RecordProblemSerializer, description=ERRORS[status])
        for status in statuses
    }


def record_problem(request: Request | None, exc: Exception) -> Response | None:
    """The problem response for a record error, or None to leave `exc` to the API-wide handler."""
    if request is not None:  # a problem is JSON even for a browser asking for HTML
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    if isinstance(exc, NoRuleSet):
        return problem(status_code=422, code=exc.code, title=TITLES[exc.code], detail=str(exc))
    if isinstance(exc, exceptions.ParseError):
        detail = _("Nội dung yêu cầu không phải JSON hợp lệ (%(why)s).") % {"why": exc.detail}
        return problem(status_code=exc.status_code, code="parse_error", detail=detail)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        detail = _("Chỉ nhận nội dung JSON (Content-Type: application/json).")
        return problem(status_code=exc.status_code, code="unsupported_media_type", detail=detail)
    if isinstance(exc, APIException) and exc.default_code in TITLES:
        return problem(
            status_code=exc.status_code,
            code=exc.default_code,
            title=TITLES[exc.default_code],
            detail=str(exc.detail),
        )
    if not isinstance(exc, TransitionError):
        return None
    extra: dict[str, Any] = {}
    if isinstance(exc, InvalidRecordInput) and exc.field:
        extra["errors"] = {exc.field: [str(exc.message)]}
    return problem(
        status_code=exc.status,
        code=exc.code,
        title=TITLES.get(exc.code),
        detail=str(exc.message),
        **extra,
    )
