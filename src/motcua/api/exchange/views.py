"""POST /api/v1/exchange/dvcqg/import: a sync file in (multipart field `file`, or the raw body),
the import summary out. Runs in the request for now; large files will go to a background task."""

from __future__ import annotations

from typing import IO, Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.models import Role, User
from motcua.api.problems import problem
from motcua.exchange.dvcqg.reader import UnreadableFile
from motcua.exchange.importer import DEFAULT_BATCH, import_sync_file

RAW_TYPES = ("application/json", "application/x-ndjson", "application/jsonl", "application/octet-stream")


def may_import(user: User) -> bool:
    """Imports write records of any agency: the province's administrators only."""
    return bool(user.is_superuser or user.grants.filter(role=Role.PROVINCE_ADMIN).exists())


class _RawBody:
    """Accepts the raw body untouched; the view reads it as a stream."""

    def __init__(self, media_type: str) -> None:
        self.media_type = media_type

    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> dict:
        return {}


class DvcqgImport(APIView):
    def get_parsers(self) -> list[Any]:
        return [MultiPartParser(), *(_RawBody(t) for t in RAW_TYPES)]

    @extend_schema(
        tags=["Trao đổi dữ liệu"],
        summary="Nhập hồ sơ đồng bộ DVCQG (mảng JSON hoặc JSON Lines)",
        parameters=[OpenApiParameter("create_missing", bool, description="Tạo thủ tục/cơ quan chưa có")],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            },
            "application/json": {"type": "array", "items": {"type": "object"}},
        },
        responses={
            200: inline_serializer(
                "DvcqgImportSummary",
                {
                    "added": serializers.IntegerField(),
                    "updated": serializers.IntegerField(),
                    "unchanged": serializers.IntegerField(),
                    "rejected": serializers.IntegerField(),
                    "rejects": serializers.ListField(child=serializers.DictField()),
                },
            ),
            400: OpenApiResponse(description="Tệp không đọc được (problem details)"),
            403: OpenApiResponse(description="Không có quyền nhập"),
        },
    )
    def post(self, request: Request) -> Response:
        if not may_import(request.user):
            raise exceptions.PermissionDenied("Chỉ quản trị cấp tỉnh được nhập hồ sơ đồng bộ.")
        if request.content_type.startswith("multipart/"):
            upload = request.FILES.get("file")
            if upload is None:
                return problem(
                    status_code=status.HTTP_400_BAD_REQUEST,
                    code="file-required",
                    title="Thiếu tệp",
                    detail="Gửi tệp trong trường “file” (multipart/form-data).",
                )
            stream, name = upload, upload.name or "upload"
        else:
            stream, name = request._request, "request-body"
        try:
            summary = import_sync_file(
                stream=stream,
                source_name=name,
                create_missing=request.query_params.get("create_missing") in ("1", "true"),
                batch_size=DEFAULT_BATCH,
                user=request.user,
            )
        except UnreadableFile as error:
            return problem(
                status_code=status.HTTP_400_BAD_REQUEST,
                code="unreadable-file",
                title="Tệp không đọc được",
                detail=str(error),
            )
        return Response(summary.as_dict())
