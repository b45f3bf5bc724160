"""Records API v1 views: thin — read the request, call a selector or a record service, answer.

Errors come out as problem details: the record services' `TransitionError`s keep their stable
`code` and `status`; another unit's record is "not found" (404), never "forbidden"."""

import re
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.accounts.permissions import Permission
from motcua.accounts.scope import can
from motcua.records.actors import actors_for
from motcua.records.errors import RecordNotVisible
from motcua.records.lifecycle import Action, ActorNotAllowed, State, allowed_actions
from motcua.records.models import Record, RecordEvent, RecordStep
from motcua.records.offerings import ensure_offered
from motcua.records.selectors import visible_records
from motcua.records.services import Applicant, record_intake_at_counter, record_perform, record_submit

from . import serializers as s
from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .idempotency import create_once, read_key
from .parsers import BoundedJSONParser
from .payloads import PAYLOADS, RECORD_ACTIONS, ActionPayload
from .problems import problem_responses, record_problem
from .queries import filtered_records

TAG = "Hồ sơ"
CODE_PARAM = OpenApiParameter("code", str, OpenApiParameter.PATH, description="Mã hồ sơ")
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Phiên bản hồ sơ đã đọc (ETag của GET), thay cho expected_version trong nội dung",
)
MAX_CODE_LENGTH: int = getattr(Record._meta.get_field("code"), "max_length", None) or 60
# Agency e-ID, date and sequence: anything else (a NUL byte PostgreSQL refuses…) is simply not found.
CODE_CHARACTERS = re.compile(r"[0-9A-Za-z.\-]+")


class UnknownAction(exceptions.APIException):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "unknown-action"


class RecordAPIView(generics.GenericAPIView):
    parser_classes = [BoundedJSONParser]

    def handle_exception(self, exc: Exception) -> Response:
        return record_problem(self.request, exc) or super().handle_exception(exc)

    def visible_record(self, code: str) -> Record:
        record = None
        if len(code) <= MAX_CODE_LENGTH and CODE_CHARACTERS.fullmatch(code):
            record = (
                visible_records(self.request.user)
                .select_related("agency", "procedure")
                .filter(code=code)
                .first()
            )
        if record is None:
            shown = "".join(ch for ch in code[:MAX_CODE_LENGTH] if ch.isprintable())
            raise RecordNotVisible(_("Không có hồ sơ mã “%(code)s” trong phạm vi của bạn.") % {"code": shown})
        return record

    def respond(self, record: Record, status_code: int = status.HTTP_200_OK, **headers: str) -> Response:
        """The record as GET shows it, with its version as the ETag."""
        full = (
            Record.objects.select_related("procedure", "agency__unit", "receiving_agency__unit", "holder")
            .prefetch_related(
                Prefetch("events", RecordEvent.objects.select_related("actor")),
                Prefetch("steps", RecordStep.objects.select_related("agency", "holder")),
            )
            .get(pk=record.pk)
        )
        data = s.RecordDetailSerializer(full, context={"request": self.request}).data
        response = Response(data, status=status_code, headers=headers)
        response["ETag"] = f'"{full.version}"'
        return response


@extend_schema(tags=[TAG])
class RecordCollection(RecordAPIView):
    @extend_schema(
        summary="Danh sách hồ sơ trong phạm vi của bạn",
        operation_id="records_list",
        parameters=[s.RecordQuerySerializer],
        responses={200: s.RecordSummarySerializer(many=True), **problem_responses(400, 401)},
    )
    def get(self, request: Request) -> Response:
        query = s.RecordQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        records = filtered_records(request.user, query.validated_data)
        page = self.paginate_queryset(records)
        data = s.RecordSummarySerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Nộp / tiếp nhận một hồ sơ (idempotent với Idempotency-Key)",
        request=s.RecordCreateSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Khóa do hệ thống gọi tạo (nên là UUID). Gửi lại cùng khóa và cùng nội dung: "
                "nhận lại hồ sơ đã tạo (200, Idempotent-Replayed: true), không tạo hồ sơ mới.",
            )
        ],
        responses={
            201: OpenApiResponse(s.RecordDetailSerializer, description="Đã tạo hồ sơ"),
            200: OpenApiResponse(
                s.RecordDetailSerializer, description="Yêu cầu lặp lại: hồ sơ đã tạo lần đầu"
            ),
            **problem_responses(400, 401, 403, 413, 415, 422),
        },
    )
    def post(self, request: Request) -> Response:
        key = read_key(request.headers)
        body = request.data
        outcome = create_once(user=request.user, key=key, body=body, create=lambda: self._create(body))
        location = request.build_absolute_uri(f"/api/v1/records/{outcome.record.code}/")
        if not outcome.created:  # a replay still answers only within the caller's scope today
            self.visible_record(outcome.record.code)
        if outcome.created:
            return self.respond(outcome.record, status.HTTP_201_CREATED, Location=location)
        return self.respond(
            outcome.record, status.HTTP_200_OK, Location=location, **{"Idempotent-Replayed": "true"}
        )

    def _create(self, body: Any) -> Record:
        form = s.RecordCreateSerializer(data=body)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user = self.request.user
        receiving = data.get("receiving_agency") or data["agency"]
        if not can(user, Permission.RECEIVE, receiving.unit):
            raise ActorNotAllowed(
                _("Tài khoản này không có quyền tiếp nhận hồ sơ cho “%(agency)s”.")
                % {"agency": receiving.name}
            )
        ensure_offered(procedure=data["procedure"], agency=data["agency"], on=timezone.localdate())
        common = {
            "procedure": data["procedure"],
            "agency": data["agency"],
            "receiving_agency": data.get("receiving_agency"),
            "applicant": Applicant(**data["applicant"]),
            "summary": data["summary"],
        }
        action = s.CHANNEL_ACTIONS[data["channel"]]
        if data["receive"]:
            return record_intake_at_counter(**common, action=action, actor=user)
        # Online filings are the applicant's own act, relayed by the calling system.
        actor = None if action == Action.SUBMIT_ONLINE else user
        return record_submit(**common, action=action, actor=actor)


@extend_schema(tags=[TAG], parameters=[CODE_PARAM])
class RecordDetail(RecordAPIView):
    @extend_schema(
        summary="Một hồ sơ, với lịch sử (events) và các bước xử lý (steps)",
        responses={200: s.RecordDetailSerializer, **problem_responses(401, 404)},
    )
    def get(self, request: Request, code: str) -> Response:
        return self.respond(self.visible_record(code))


@extend_schema(tags=[TAG], parameters=[CODE_PARAM])
class RecordActions(RecordAPIView):
    @extend_schema(
        summary="Các thao tác bạn được làm với hồ sơ lúc này",
        responses={200: s.RecordAllowedActionsSerializer, **problem_responses(401, 404)},
    )
    def get(self, request: Request, code: str) -> Response:
        record = self.visible_record(code)
        transitions = allowed_actions(State(record.state), actors_for(request.user, record))
        actions = [
            {
                "action": t.action.value,
                "label": str(t.action.label),
                "to_state": t.to_state.value,
                "form": t.form.value if t.form else None,
                "url": request.build_absolute_uri(f"/api/v1/records/{record.code}/actions/{t.action.value}/"),
            }
            for t in transitions
        ]
        body = {"code": record.code, "state": record.state, "version": record.version, "actions": actions}
        response = Response(s.RecordAllowedActionsSerializer(body).data)
        response["ETag"] = f'"{record.version}"'
        return response


def _expected_version(request: Request, in_body: int | None) -> int | None:
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return in_body
    raw = header.strip().removeprefix("W/").strip('"')
    if not raw.isdigit() or len(raw) > 10:
        raise exceptions.ValidationError({"If-Match": [_('If-Match phải là phiên bản hồ sơ, ví dụ "3".')]})
    if in_body is not None and in_body != int(raw):
        raise exceptions.ValidationError({"expected_version": [_("Khác với phiên bản trong If-Match.")]})
    return int(raw)


class RecordActionView(RecordAPIView):
    """POST one lifecycle action; subclassed once per action below."""

    action_name: Action
    payload: type[ActionPayload]

    def post(self, request: Request, code: str) -> Response:
        record = self.visible_record(code)
        if not actors_for(request.user, record):
            raise ActorNotAllowed(_("Bạn chỉ được xem hồ sơ này, không được thao tác."))
        payload = self.payload(data=request.data)
        payload.is_valid(raise_exception=True)
        record = record_perform(
            record=record,
            action=self.action_name,
            actor=request.user,
            expected_version=_expected_version(request, payload.validated_data.get("expected_version")),
            **payload.params(),
        )
        return self.respond(record)


def _action_view(action: Action) -> type[RecordActionView]:
    payload = PAYLOADS[action]

    # Each action gets its own method object: the schema annotation is stored on it.
    @extend_schema(
        tags=[TAG],
        operation_id=f"records_action_{action.value}",
        summary=str(action.label),
        parameters=[CODE_PARAM, IF_MATCH],
        request=payload,
        responses={
            200: s.RecordDetailSerializer,
            **problem_responses(400, 401, 403, 404, 409, 413, 415, 422),
        },
    )
    def post(self: RecordActionView, request: Request, code: str) -> Response:
        return RecordActionView.post(self, request, code)

    name = "Record" + action.value.title().replace("_", "") + "View"
    return type(name, (RecordActionView,), {"action_name": action, "payload": payload, "post": post})


ACTION_VIEWS: dict[Action, type[RecordActionView]] = {
    action: _action_view(action) for action in RECORD_ACTIONS
}


@extend_schema(exclude=True)
class UnknownActionView(RecordAPIView):
    def _refuse(self, request: Request, code: str, name: str) -> Response:
        known = ", ".join(a.value for a in RECORD_ACTIONS)
        raise UnknownAction(
            _("Không có thao tác “%(name)s”. Các thao tác: %(known)s.") % {"name": name[:50], "known": known}
        )

    get = post = put = patch = delete = _refuse
