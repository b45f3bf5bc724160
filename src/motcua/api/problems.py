"""Errors as RFC 9457 problem details with a stable `code`, so systems can branch on them.

The `code` is DRF's error code (`not_authenticated`, `not_found`, `parse_error`, …, and
`invalid` for field errors); the `title` is a fixed Vietnamese sentence per code; `detail` says
what went wrong this time.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"

logger = logging.getLogger(__name__)

TITLES = {
    "invalid": "Dữ liệu không hợp lệ",
    "parse_error": "Nội dung yêu cầu không đọc được",
    "not_authenticated": "Chưa xác thực",
    "authentication_failed": "Xác thực không thành công",
    "permission_denied": "Không có quyền",
    "not_found": "Không tìm thấy",
    "method_not_allowed": "Phương thức không được hỗ trợ",
    "not_acceptable": "Không đáp ứng được định dạng yêu cầu",
    "unsupported_media_type": "Kiểu nội dung không được hỗ trợ",
    "throttled": "Quá nhiều yêu cầu",
    "stale": "Dữ liệu đã thay đổi",
    "payload_too_large": "Nội dung yêu cầu quá lớn",
    "server_error": "Lỗi hệ thống",
}


# A code of the domain's own (new-date-not-later, assignee-not-in-agency …) has no title above:
# its status says what kind of problem it is.
STATUS_TITLES = {
    400: "Dữ liệu không hợp lệ",
    403: "Không có quyền",
    404: "Không tìm thấy",
    409: "Xung đột với trạng thái hiện tại",
    413: "Nội dung yêu cầu quá lớn",
    422: "Không thực hiện được thao tác",
    429: "Quá nhiều yêu cầu",
}


class TooLarge(exceptions.APIException):
    """Django refused the body (over DATA_UPLOAD_MAX_MEMORY_SIZE) before a parser saw it."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "Nội dung yêu cầu quá lớn."


def _body(
    *, status_code: int, code: str, title: str | None, detail: Any, extra: dict[str, Any]
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:motcua:problem:{code}",
        "title": title or TITLES.get(code) or STATUS_TITLES.get(status_code, "Lỗi"),
        "status": status_code,
        "code": code,
    }
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    return body


def problem(
    *, status_code: int, code: str, title: str | None = None, detail: Any = None, **extra: Any
) -> Response:
    body = _body(status_code=status_code, code=code, title=title, detail=detail, extra=extra)
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """For addresses under /api/v1/ that match no endpoint (outside DRF, so built by hand)."""
    body = _body(status_code=404, code="not_found", title=None, detail="Không có địa chỉ API này.", extra={})
    return JsonResponse(
        body, status=404, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    if request is not None:
        # A problem is JSON even when a browser asked for the browsable HTML API.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    if isinstance(exc, RequestDataTooBig):
        exc = TooLarge()
    elif isinstance(exc, RecursionError):
        exc = exceptions.ParseError("JSON có các mảng/đối tượng lồng nhau quá sâu.")
    elif isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*(exc.args[:1] or ()))
    response = exception_handler(exc, context)
    if response is None:
        if settings.DEBUG:
            return None  # the developer's traceback page
        logger.exception("Unhandled API error", exc_info=exc)
        return problem(
            status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
            code="server_error",
            detail="Đã xảy ra lỗi; thao tác không được ghi. Vui lòng thử lại sau.",
        )
    if isinstance(exc, exceptions.ValidationError):
        return problem(status_code=status.HTTP_400_BAD_REQUEST, code="invalid", errors=response.data)
    code = str(getattr(exc, "default_code", "error"))
    detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
    resp = problem(status_code=response.status_code, code=code, detail=str(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            resp[header] = response[header]
    return resp
