"""Errors as RFC 9457 problem details with a stable `code`, so systems can branch on them."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(*, status_code: int, code: str, title: str, detail: Any = None, **extra: Any) -> Response:
    body: dict[str, Any] = {
        "type": f"urn:motcua:problem:{code}",
        "title": title,
        "status": status_code,
        "code": code,
    }
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            status_code=status.HTTP_400_BAD_REQUEST,
            code="invalid",
            title="Dữ liệu không hợp lệ",
            errors=response.data,
        )
    detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
    resp = problem(status_code=response.status_code, code=str(code), title=str(detail), detail=str(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            resp[header] = response[header]
    return resp
