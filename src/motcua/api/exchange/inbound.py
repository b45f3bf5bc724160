"""POST /api/v1/exchange/dvcqg/inbound: the national portal delivers one online dossier (a sync
record, spec/dvcqg-sync.md); motcua takes it into intake. Idempotent by MaHoSo: 201 with the new
record, 200 with the existing one when the same dossier comes again."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.api.problems import problem
from motcua.exchange.inbound import DELIVER_PERMISSION, InboundRejected, inbound_receive
from motcua.records.models import Record

TITLES = {
    "not-a-record": "Nội dung không phải một hồ sơ đồng bộ",
    "invalid-field": "Trường dữ liệu không hợp lệ",
    "not-online": "Không phải hồ sơ nộp trực tuyến",
    "not-from-national-portal": "Không phải hồ sơ nộp trên Cổng DVCQG",
    "not-new": "Hồ sơ không ở trạng thái mới đăng ký",
    "unknown-agency": "Chưa có cơ quan này",
    "unknown-procedure": "Chưa có thủ tục này",
    "record-code-taken": "Mã hồ sơ đã được dùng",
}


def _body(record: Record, created: bool) -> dict[str, object]:
    return {
        "id": record.pk,
        "code": record.code,
        "state": record.state,
        "created": created,
        "intake_alert_due_at": _local(record.intake_alert_due_at),
        "intake_confirm_due_at": _local(record.intake_confirm_due_at),
    }


def _local(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


class DvcqgInbound(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["Trao đổi dữ liệu"],
        summary="Nhận một hồ sơ trực tuyến do Cổng DVCQG chuyển về (hồ sơ đồng bộ, TrangThaiHoSo 1)",
        request={"application/json": {"type": "object"}},
        responses={
            201: inline_serializer(
                "DvcqgInboundRecord",
                {
                    "id": serializers.IntegerField(),
                    "code": serializers.CharField(),
                    "state": serializers.CharField(),
                    "created": serializers.BooleanField(),
                    "intake_alert_due_at": serializers.DateTimeField(allow_null=True),
                    "intake_confirm_due_at": serializers.DateTimeField(allow_null=True),
                },
            ),
            200: OpenApiResponse(description="Hồ sơ đã nhận trước đó (cùng MaHoSo): không tạo mới"),
            400: OpenApiResponse(description="Không phải hồ sơ đồng bộ hợp lệ (problem details)"),
            403: OpenApiResponse(description="Tài khoản không có quyền chuyển hồ sơ trực tuyến"),
            409: OpenApiResponse(description="Mã hồ sơ đã dùng cho hồ sơ không nộp trực tuyến"),
            422: OpenApiResponse(description="Thủ tục/cơ quan chưa có, hoặc hồ sơ không phải mới đăng ký"),
        },
    )
    def post(self, request: Request) -> Response:
        if not request.user.has_perm(DELIVER_PERMISSION):
            raise exceptions.PermissionDenied("Tài khoản này không được chuyển hồ sơ trực tuyến vào motcua.")
        try:
            result = inbound_receive(payload=request.data)
        except InboundRejected as error:
            extra = {"field": error.field} if error.field else {}
            return problem(
                status_code=error.status,
                code=error.code,
                title=TITLES.get(error.code),
                detail=error.message,
                **extra,
            )
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(_body(result.record, result.created), status=code)
