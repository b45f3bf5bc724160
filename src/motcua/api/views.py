"""API v1 views: thin, they validate the query, call a selector or a service, and serialize.

Reference data (units, agencies, procedures) is public knowledge and readable by any
authenticated caller; a unit's offerings are scoped: outside the caller's units they do not
exist (404, never 403, so that the API does not confirm what it will not show).
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.permissions import Permission
from motcua.accounts.scope import can, units_in_scope
from motcua.catalog.models import Offering, Procedure
from motcua.catalog.offerings import (
    OfferingChanged,
    offering_set_online_level,
    offering_version,
    offerings_of_unit,
    offerings_visible,
)
from motcua.catalog.selectors import procedure_search
from motcua.units.models import AdministrativeUnit, Agency

from . import serializers as s


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"
    default_detail = "Dữ liệu đã thay đổi kể từ lần đọc; hãy đọc lại rồi gửi lại."


def _query(request: Request, serializer_class: type[s.serializers.Serializer]) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


@extend_schema(tags=["Tài khoản"], summary="Tài khoản đang gọi và các vai trò của nó")
class MeView(generics.RetrieveAPIView):
    serializer_class = s.MeSerializer

    def get_object(self) -> Any:
        return self.request.user


@extend_schema(tags=["Đơn vị"], parameters=[s.UnitQuerySerializer])
class UnitList(generics.ListAPIView):
    serializer_class = s.UnitSerializer

    def get_queryset(self) -> QuerySet[AdministrativeUnit]:
        query = _query(self.request, s.UnitQuerySerializer)
        units = AdministrativeUnit.objects.all()
        if "at" in query:
            units = units.valid_at(query["at"])
        if "level" in query:
            units = units.filter(level=query["level"])
        if "parent" in query:
            units = units.filter(parent_id=query["parent"])
        return units.order_by("code", "valid_from", "pk")


@extend_schema(tags=["Đơn vị"])
class UnitDetail(generics.RetrieveAPIView):
    serializer_class = s.UnitSerializer
    queryset = AdministrativeUnit.objects.all()


@extend_schema(tags=["Đơn vị"], parameters=[s.AgencyQuerySerializer])
class AgencyList(generics.ListAPIView):
    serializer_class = s.AgencySerializer

    def get_queryset(self) -> QuerySet[Agency]:
        query = _query(self.request, s.AgencyQuerySerializer)
        agencies = Agency.objects.all()
        if "at" in query:
            agencies = agencies.valid_at(query["at"])
        if "unit" in query:
            agencies = agencies.filter(unit_id=query["unit"])
        return agencies.order_by("code")


@extend_schema(tags=["Đơn vị"])
class AgencyDetail(generics.RetrieveAPIView):
    serializer_class = s.AgencySerializer
    queryset = Agency.objects.all()


@extend_schema(tags=["Thủ tục"], parameters=[s.ProcedureQuerySerializer])
class ProcedureList(generics.ListAPIView):
    serializer_class = s.ProcedureSerializer

    def get_queryset(self) -> QuerySet[Procedure]:
        query = _query(self.request, s.ProcedureQuerySerializer)
        return procedure_search(query=query.get("q", ""))


@extend_schema(tags=["Thủ tục"])
class ProcedureDetail(generics.RetrieveAPIView):
    serializer_class = s.ProcedureSerializer
    queryset = Procedure.objects.select_related("field")


@extend_schema(
    tags=["Thủ tục tại đơn vị"],
    summary="Thủ tục các cơ quan của một đơn vị cung cấp",
    parameters=[s.OfferingQuerySerializer],
)
class UnitOfferingList(generics.ListAPIView):
    serializer_class = s.OfferingSerializer

    def get_queryset(self) -> QuerySet[Offering]:
        query = _query(self.request, s.OfferingQuerySerializer)
        unit_id = self.kwargs["unit_id"]
        if not units_in_scope(self.request.user).filter(pk=unit_id).exists():
            raise Http404
        return offerings_of_unit(user=self.request.user, unit_id=unit_id, at=query.get("at"))


class OfferingDetail(APIView):
    serializer_class = s.OfferingSerializer

    def _offering(self, pk: int) -> Offering:
        try:
            return offerings_visible(user=self.request.user).get(pk=pk)
        except Offering.DoesNotExist:
            raise Http404 from None

    def _respond(self, offering: Offering) -> Response:
        response = Response(s.OfferingSerializer(offering).data)
        response["ETag"] = f'"{offering_version(offering)}"'
        return response

    @extend_schema(tags=["Thủ tục tại đơn vị"], responses=s.OfferingSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return self._respond(self._offering(pk))

    @extend_schema(
        tags=["Thủ tục tại đơn vị"],
        summary="Đổi mức dịch vụ trực tuyến",
        request=s.OfferingUpdateSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match", str, OpenApiParameter.HEADER, required=False, description="ETag đã đọc"
            )
        ],
        responses={
            200: s.OfferingSerializer,
            400: OpenApiResponse(description="Dữ liệu không hợp lệ"),
            403: OpenApiResponse(description="Được xem nhưng không được sửa"),
            404: OpenApiResponse(description="Không có, hoặc ngoài phạm vi của bạn"),
            412: OpenApiResponse(description="Đã có người sửa trước"),
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        offering = self._offering(pk)
        if not can(request.user, Permission.CHANGE_SETTINGS, offering.agency.unit):
            raise PermissionDenied("Bạn chỉ được xem, không được thay đổi thủ tục của đơn vị này.")
        body = s.OfferingUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        expected = (
            body.validated_data.get("version") or request.headers.get("If-Match", "").strip('"') or None
        )
        try:
            offering = offering_set_online_level(
                offering=offering,
                online_level=body.validated_data["online_level"],
                actor=request.user,
                expected_version=expected,
            )
        except OfferingChanged as exc:
            raise PreconditionFailed(str(exc)) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return self._respond(offering)
