"""Shapes of the API v1 resources. Read-only except the offering's online level."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from motcua.accounts.models import Role, RoleGrant, User
from motcua.catalog.models import Offering, OnlineLevel, Procedure
from motcua.catalog.offerings import offering_version
from motcua.units.models import AdministrativeUnit, Agency, UnitLevel


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdministrativeUnit
        fields = ["id", "code", "name", "level", "kind", "parent", "valid_from", "valid_to"]


class UnitQuerySerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=UnitLevel.choices, required=False, help_text=_("Cấp đơn vị"))
    at = serializers.DateField(
        required=False, help_text=_("Chỉ các đơn vị có hiệu lực vào ngày này (YYYY-MM-DD).")
    )
    parent = serializers.IntegerField(required=False, help_text=_("Mã số (id) đơn vị cấp trên"))


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "code", "name", "kind", "unit", "valid_from", "valid_to"]


class AgencyQuerySerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False, help_text=_("Mã số (id) đơn vị hành chính"))
    at = serializers.DateField(required=False, help_text=_("Chỉ các cơ quan có hiệu lực vào ngày này."))


class ProcedureSerializer(serializers.ModelSerializer):
    field = serializers.CharField(source="field.name", read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "id",
            "code",
            "name",
            "field",
            "levels",
            "online_level",
            "full_online_eligible",
            "time_value",
            "time_unit",
            "is_active",
        ]


class ProcedureQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=200, help_text=_("Tìm theo tên hoặc mã, không phân biệt dấu.")
    )


class ProcedureBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Procedure
        fields = ["id", "code", "name"]


class AgencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "code", "name", "unit"]


class OfferingSerializer(serializers.ModelSerializer):
    procedure = ProcedureBriefSerializer(read_only=True)
    agency = AgencyBriefSerializer(read_only=True)
    version = serializers.SerializerMethodField(
        help_text=_("Gửi lại khi sửa để phát hiện thay đổi đồng thời.")
    )

    class Meta:
        model = Offering
        fields = [
            "id",
            "procedure",
            "agency",
            "online_level",
            "local_service_code",
            "valid_from",
            "valid_to",
            "version",
        ]

    def get_version(self, offering: Offering) -> str:
        return offering_version(offering)


class OfferingQuerySerializer(serializers.Serializer):
    at = serializers.DateField(required=False, help_text=_("Chỉ các thủ tục có hiệu lực vào ngày này."))


class OfferingUpdateSerializer(serializers.Serializer):
    online_level = serializers.ChoiceField(choices=OnlineLevel.choices)
    version = serializers.CharField(
        required=False,
        max_length=64,
        help_text=_("Giá trị `version` đã đọc; nếu thủ tục đã đổi, yêu cầu bị từ chối (412)."),
    )


class GrantSerializer(serializers.ModelSerializer):
    role_name = serializers.SerializerMethodField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["role", "role_name", "unit", "unit_name", "agency"]

    def get_role_name(self, grant: RoleGrant) -> str:
        return str(Role(grant.role).label)


class MeSerializer(serializers.ModelSerializer):
    grants = GrantSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["username", "full_name", "grants"]
