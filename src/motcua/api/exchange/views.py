"""POST /api/v1/exchange/dvcqg/import: a sync file in (multipart field `file`, or the raw body);
the import is queued for a worker (exchange/imports.py) and the answer, at once, is 202 with the
run and its status address, `GET /api/v1/exchange/dvcqg/import/<id>`, which gives the summary
once the run is done. A failed run, or one whose worker died, is restarted by POST …/restart."""

from __future__ import annotations

from typing import IO, Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.models import Role, User
from motcua.api.problems import problem
from motcua.exchange.dvcqg.reader import UnreadableFile
from motcua.exchange.imports import NotRestartable, import_enqueue, import_restart
from motcua.exchange.models import ImportRun

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


RUN_SCHEMA = inline_serializer(
    "DvcqgImportRun",
    {
        "id": serializers.IntegerField(),
        "status": serializers.ChoiceField(choices=ImportRun.Status.choices),
        "status_url": serializers.CharField(),
        "source_name": serializers.CharField(),
        "file_sha256": serializers.CharField(),
        "file_size": serializers.IntegerField(allow_null=True),
        "started_at": serializers.DateTimeField(),
        "finished_at": serializers.DateTimeField(allow_null=True),
        "attempts": serializers.IntegerField(),
        "processed": serializers.IntegerField(),
        "added": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "rejected": serializers.IntegerField(),
        "rejects": serializers.ListField(child=serializers.DictField()),
        "unknown_fields": serializers.DictField(),
        "error": serializers.CharField(),
    },
)


def _local(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def run_body(request: Request, run: ImportRun) -> dict[str, Any]:
    current = run.current_status
    done = current == ImportRun.Status.DONE
    return {
        "id": run.pk,
        "status": current,
        "status_url": request.build_absolute_uri(reverse("api-exchange:dvcqg-import-run", args=[run.pk])),
        "source_name": run.source_name,
        "file_sha256": run.file_sha256,
        "file_size": run.file_size,
        "started_at": _local(run.started_at),
        "finished_at": _local(run.finished_at),
        "attempts": run.attempts,
        "processed": run.processed,
        # Counts of a run not yet done are those of no import at all: say so by zeros, as stored.
        "added": run.added if done else 0,
        "updated": run.updated if done else 0,
        "unchanged": run.unchanged if done else 0,
        "rejected": run.rejected if done else 0,
        "rejects": run.sample_rejects if done else [],
        "unknown_fields": run.unknown_fields if done else {},
        "error": run.error,
    }


def _accepted(request: Request, run: ImportRun) -> Response:
    body = run_body(request, run)
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]})


def _run_or_none(pk: int) -> ImportRun | None:
    return ImportRun.objects.filter(pk=pk).first()


def _run_not_found(pk: int) -> Response:
    return problem(
        status_code=status.HTTP_404_NOT_FOUND,
        code="import-run-not-found",
        title="Không tìm thấy lượt nhập",
        detail=f"Không có lượt nhập số {pk}.",
    )


def _check_may_import(user: User) -> None:
    if not may_import(user):
        raise exceptions.PermissionDenied("Chỉ quản trị cấp tỉnh được nhập hồ sơ đồng bộ.")


class DvcqgImport(APIView):
    def get_parsers(self) -> list[Any]:
        return [MultiPartParser(), *(_RawBody(t) for t in RAW_TYPES)]

    @extend_schema(
        tags=["Trao đổi dữ liệu"],
        summary="Nhập hồ sơ đồng bộ DVCQG (mảng JSON hoặc JSON Lines): đưa vào hàng chờ nhập",
        parameters=[OpenApiParameter("create_missing", bool, description="Tạo thủ tục/cơ quan chưa có")],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            },
            "application/json": {"type": "array", "items": {"type": "object"}},
        },
        responses={
            202: RUN_SCHEMA,
            400: OpenApiResponse(description="Tệp không đọc được (problem details)"),
            403: OpenApiResponse(description="Không có quyền nhập"),
        },
    )
    def post(self, request: Request) -> Response:
        _check_may_import(request.user)
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
            run = import_enqueue(
                stream=stream,
                source_name=name,
                create_missing=request.query_params.get("create_missing") in ("1", "true"),
                user=request.user,
            )
        except UnreadableFile as error:
            return problem(
                status_code=status.HTTP_400_BAD_REQUEST,
                code="unreadable-file",
                title="Tệp không đọc được",
                detail=str(error),
            )
        return _accepted(request, run)


class DvcqgImportRun(APIView):
    @extend_schema(
        tags=["Trao đổi dữ liệu"],
        summary="Tình trạng một lượt nhập hồ sơ đồng bộ (đang chờ, đang nhập, xong, không thành công)",
        responses={200: RUN_SCHEMA, 404: OpenApiResponse(description="Không có lượt nhập này")},
    )
    def get(self, request: Request, pk: int) -> Response:
        _check_may_import(request.user)
        run = _run_or_none(pk)
        if run is None:
            return _run_not_found(pk)
        return Response(run_body(request, run))


class DvcqgImportRestart(APIView):
    @extend_schema(
        tags=["Trao đổi dữ liệu"],
        summary="Chạy lại một lượt nhập không thành công, hoặc bị dừng giữa chừng",
        request=None,
        responses={
            202: RUN_SCHEMA,
            404: OpenApiResponse(description="Không có lượt nhập này"),
            409: OpenApiResponse(description="Lượt nhập đã xong, đang chờ, hoặc vẫn đang chạy"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        _check_may_import(request.user)
        run = _run_or_none(pk)
        if run is None:
            return _run_not_found(pk)
        try:
            run = import_restart(run=run)
        except NotRestartable as error:
            return problem(
                status_code=status.HTTP_409_CONFLICT,
                code="import-not-restartable",
                title="Không chạy lại được lượt nhập này",
                detail=str(error),
                run_status=run.status,
            )
        return _accepted(request, run)
