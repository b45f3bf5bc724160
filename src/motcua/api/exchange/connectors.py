"""POST /api/v1/exchange/connectors/<id>/inbound: records a connected system (the household-
business registry, …) sends back, in the sync shape — a JSON array, JSON Lines or one record.
They are imported through exchange/connectors/inbound.py and matched by MaHoSo, so a record
motcua delivered there and that comes back is "unchanged", never a second record.

The body is at most DATA_UPLOAD_MAX_MEMORY_SIZE, read whole: it is checked to be JSON before
anything is written, and imported in one transaction, so a failure leaves nothing half-written.
A record that is JSON but not a valid sync record is rejected on its own (position, field,
reason), as in every import."""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.api.problems import problem
from motcua.exchange.connectors.inbound import connector_inbound
from motcua.exchange.dvcqg.reader import UnreadableFile
from motcua.exchange.models import ConnectorConfig

from .views import RAW_TYPES, _check_may_import, _RawBody


class MalformedBody(Exception):
    pass


def sync_body(raw: bytes) -> bytes:
    """The body as the importer reads it (one record becomes an array of one); `MalformedBody`
    when it is not JSON, not an array of records, nor JSON Lines."""
    text = raw.lstrip(b"\xef\xbb\xbf").strip()
    if not text:
        raise MalformedBody("Nội dung rỗng: không có hồ sơ nào.")
    try:
        # Decoded first: json.loads would take UTF-16 bytes too, which the importer does not.
        whole = json.loads(text.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise MalformedBody("Nội dung không phải UTF-8.") from error
    except json.JSONDecodeError as error:
        if text[:1] != b"{":
            raise MalformedBody(f"Nội dung không phải JSON ({error.msg}, vị trí {error.pos}).") from error
        _check_lines(text)
        return text
    if isinstance(whole, dict):
        return b"[" + text + b"]"
    if not isinstance(whole, list):
        raise MalformedBody("Nội dung phải là một hồ sơ {…}, một mảng hồ sơ […] hoặc JSON Lines.")
    return text


def _check_lines(text: bytes) -> None:
    for number, line in enumerate(text.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise MalformedBody(
                f"Dòng {number} không phải một hồ sơ JSON trọn vẹn; JSON Lines cần mỗi hồ sơ trên một dòng."
            ) from error


class ConnectorInbound(APIView):
    def get_parsers(self) -> list[Any]:
        return [_RawBody(t) for t in RAW_TYPES]

    @extend_schema(
        tags=["Trao đổi dữ liệu"],
        summary="Nhận hồ sơ do một hệ thống kết nối gửi về (hồ sơ đồng bộ), đối chiếu theo mã hồ sơ",
        request={"application/json": {"type": "array", "items": {"type": "object"}}},
        responses={
            200: inline_serializer(
                "ConnectorInboundSummary",
                {
                    "connector": serializers.IntegerField(),
                    "added": serializers.IntegerField(),
                    "updated": serializers.IntegerField(),
                    "unchanged": serializers.IntegerField(),
                    "rejected": serializers.IntegerField(),
                    "rejects": serializers.ListField(child=serializers.DictField()),
                },
            ),
            400: OpenApiResponse(description="Nội dung không phải JSON / hồ sơ đồng bộ (problem details)"),
            403: OpenApiResponse(description="Không có quyền nhập"),
            404: OpenApiResponse(description="Không có kết nối này"),
            409: OpenApiResponse(description="Kết nối đang tắt"),
            413: OpenApiResponse(description="Nội dung quá lớn"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        _check_may_import(request.user)
        config = ConnectorConfig.objects.filter(pk=pk).first()
        if config is None:
            return problem(
                status_code=status.HTTP_404_NOT_FOUND,
                code="connector-not-found",
                title="Không có kết nối này",
                detail=f"Không có kết nối số {pk} (trang quản trị, mục Kết nối hệ thống khác).",
            )
        if not config.enabled:
            return problem(
                status_code=status.HTTP_409_CONFLICT,
                code="connector-disabled",
                title="Kết nối đang tắt",
                detail=f"Kết nối “{config.name}” đang tắt: bật nó trong trang quản trị rồi gửi lại.",
            )
        try:
            body = sync_body(request._request.body)
        except RequestDataTooBig:
            return problem(
                status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                code="body-too-large",
                title="Nội dung quá lớn",
                detail="Gửi ít hồ sơ hơn mỗi lần, hoặc dùng POST /api/v1/exchange/dvcqg/import cho tệp lớn.",
            )
        except MalformedBody as error:
            return problem(
                status_code=status.HTTP_400_BAD_REQUEST,
                code="malformed-body",
                title="Nội dung không đọc được",
                detail=str(error),
            )
        try:
            with transaction.atomic():
                summary = connector_inbound(
                    config=config,
                    stream=io.BytesIO(body),
                    source_name=f"{config.name} (API)",
                    user=request.user,
                )
        except UnreadableFile as error:  # what the importer's reader refuses, sync_body let through
            return problem(
                status_code=status.HTTP_400_BAD_REQUEST,
                code="malformed-body",
                title="Nội dung không đọc được",
                detail=str(error),
            )
        return Response({"connector": config.pk, **summary.as_dict()})
