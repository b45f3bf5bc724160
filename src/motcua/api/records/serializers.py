"""Shapes of records in API v1: what a caller sends to create or find one, what it gets back."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from motcua.catalog.models import Procedure
from motcua.records.lifecycle import Action, State
from motcua.records.models import ApplicantKind, Record, RecordEvent, RecordStep
from motcua.records.online_intake import RECOMPUTED, RECOMPUTED_LABEL, confirmation_timeliness
from motcua.records.recompute import DUE_RECOMPUTED, DUE_RECOMPUTED_LABEL
from motcua.records.rules import RULE_SETS
from motcua.records.timeliness import Timeliness, classify
from motcua.units.models import AdministrativeUnit, Agency

from .fields import StrictSerializer, boolean, choice, date, text

# The `channel` a caller chooses, and the submit action it stands for.
CHANNEL_ACTIONS: dict[str, Action] = {
    "counter": Action.SUBMIT_COUNTER,
    "online": Action.SUBMIT_ONLINE,
    "assisted": Action.SUBMIT_ASSISTED,
    "post": Action.SUBMIT_POST,
}
CHANNEL_CHOICES = [
    ("counter", _("Trực tiếp tại Bộ phận Một cửa")),
    ("online", _("Trực tuyến (người nộp tự nộp, hệ thống chuyển đến)")),
    ("assisted", _("Cán bộ nộp trực tuyến thay người nộp")),
    ("post", _("Qua bưu chính công ích")),
]
_MAX_SUPPLEMENTS = {rules.code: rules.max_supplement_requests for rules in RULE_SETS}


# --- input ---


def _agency(code: str) -> Agency:
    agency = Agency.objects.select_related("unit").filter(code=code).first()
    if agency is None:
        raise serializers.ValidationError(_("Không có cơ quan mã “%(code)s”.") % {"code": code})
    today = timezone.localdate()
    if (agency.valid_from and agency.valid_from > today) or (agency.valid_to and agency.valid_to < today):
        raise serializers.ValidationError(
            _("Cơ quan “%(name)s” không hoạt động vào ngày %(day)s.")
            % {"name": agency.name, "day": today.strftime("%d/%m/%Y")}
        )
    return agency


class RecordApplicantInputSerializer(StrictSerializer):
    name = text(max_length=255, help_text=_("Họ tên người nộp / tên tổ chức"))
    id_number = text(
        max_length=20,
        required=False,
        help_text=_("Số định danh cá nhân (12 số), CMND (9 số) hoặc mã số thuế"),
    )
    phone = text(max_length=20, required=False)
    email = serializers.EmailField(
        max_length=254,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    address = text(max_length=500, required=False)
    kind = choice(ApplicantKind.choices, required=False, default=ApplicantKind.CITIZEN)

    def validate_id_number(self, value: str) -> str:
        if value and not (value.replace("-", "").isdigit() and value.isascii() and len(value) >= 9):
            raise serializers.ValidationError(
                _("Số định danh chỉ gồm chữ số (ít nhất 9), có thể có dấu “-”.")
            )
        return value

    def validate_phone(self, value: str) -> str:
        digits = value.replace(" ", "").removeprefix("+")
        if value and not (digits.isdigit() and digits.isascii() and 8 <= len(digits) <= 15):
            raise serializers.ValidationError(_("Số điện thoại không hợp lệ."))
        return value


class RecordCreateSerializer(StrictSerializer):
    procedure = text(max_length=20, help_text=_("Mã TTHC trên CSDL quốc gia, ví dụ 1.001612"))
    agency = text(max_length=35, help_text=_("Mã định danh cơ quan giải quyết"))
    receiving_agency = text(
        max_length=35, required=False, help_text=_("Mã định danh nơi tiếp nhận, nếu khác cơ quan giải quyết")
    )
    channel = choice(CHANNEL_CHOICES, help_text=_("Cách nộp hồ sơ"))
    receive = boolean(
        required=False,
        default=False,
        help_text=_(
            "true: tiếp nhận ngay (cấp Mẫu 01) trong cùng giao dịch — chỉ với counter, assisted, post"
        ),
    )
    applicant = RecordApplicantInputSerializer()
    summary = text(max_length=4000, required=False, help_text=_("Trích yếu nội dung"))

    def validate_procedure(self, code: str) -> Procedure:
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            raise serializers.ValidationError(_("Không có thủ tục mã “%(code)s”.") % {"code": code})
        if not procedure.is_active:
            raise serializers.ValidationError(_("Thủ tục “%(code)s” không còn áp dụng.") % {"code": code})
        return procedure

    def validate_agency(self, code: str) -> Agency:
        return _agency(code)

    def validate_receiving_agency(self, code: str) -> Agency | None:
        return _agency(code) if code else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("receive") and attrs["channel"] == "online":
            raise serializers.ValidationError(
                {
                    "receive": [
                        _(
                            "Hồ sơ nộp trực tuyến chỉ được tiếp nhận sau khi cán bộ một cửa kiểm tra: "
                            "gửi thao tác receive riêng."
                        )
                    ]
                }
            )
        return attrs


FIRST_YEAR, LAST_YEAR = 1900, 2100  # a filter outside these years is a typing error, not a question


def _plausible(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise serializers.ValidationError(
            _("Năm phải trong khoảng %(first)s–%(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return day


class RecordQuerySerializer(StrictSerializer):
    reads_query_string = True  # every value is text: "true", "2026-03-01"
    unit = text(
        max_length=10, required=False, help_text=_("Mã đơn vị hành chính (GSO) của đơn vị giải quyết")
    )
    agency = text(max_length=35, required=False, help_text=_("Mã định danh cơ quan giải quyết"))
    procedure = text(max_length=20, required=False, help_text=_("Mã TTHC"))
    state = choice(State.choices, required=False, help_text=_("Trạng thái hồ sơ"))
    received_from = date(required=False, help_text=_("Tiếp nhận từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy)"))
    received_to = date(required=False, help_text=_("Tiếp nhận đến hết ngày (YYYY-MM-DD hoặc dd/mm/yyyy)"))
    overdue = boolean(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: chỉ hồ sơ đang quá hạn; false: bỏ các hồ sơ đang quá hạn"),
    )
    # Pagination parameters are read by the paginator; accepted here so they are not "unknown".
    limit = serializers.CharField(required=False, max_length=10, write_only=True)
    offset = serializers.CharField(required=False, max_length=10, write_only=True)

    def validate_unit(self, code: str) -> str:
        if code and not AdministrativeUnit.objects.filter(code=code).exists():
            raise serializers.ValidationError(_("Không có đơn vị hành chính mã “%(code)s”.") % {"code": code})
        return code

    def validate_agency(self, code: str) -> str:
        if code and not Agency.objects.filter(code=code).exists():
            raise serializers.ValidationError(_("Không có cơ quan mã “%(code)s”.") % {"code": code})
        return code

    def validate_procedure(self, code: str) -> str:
        if code and not Procedure.objects.filter(code=code).exists():
            raise serializers.ValidationError(_("Không có thủ tục mã “%(code)s”.") % {"code": code})
        return code

    def validate_received_from(self, day: dt.date) -> dt.date:
        return _plausible(day)

    def validate_received_to(self, day: dt.date) -> dt.date:
        return _plausible(day)

    def validate_limit(self, value: str) -> str:
        if not (value.isascii() and value.isdigit() and int(value) >= 1):
            raise serializers.ValidationError(_("Phải là một số nguyên dương."))
        return value

    def validate_offset(self, value: str) -> str:
        if not (value.isascii() and value.isdigit()):
            raise serializers.ValidationError(_("Phải là một số nguyên không âm."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("received_from"), attrs.get("received_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"received_to": [_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")]}
            )
        return attrs


# --- output ---


class RecordProcedureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Procedure
        fields = ["code", "name"]


class RecordAgencySerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True, help_text=_("Mã GSO của đơn vị"))

    class Meta:
        model = Agency
        fields = ["code", "name", "unit"]


class RecordSummarySerializer(serializers.ModelSerializer):
    procedure = RecordProcedureSerializer(read_only=True)
    agency = RecordAgencySerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    # Plain text, not an enum: the caller's `channel` choices on create are a different set.
    channel = serializers.CharField(
        read_only=True, help_text=_("KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 bưu chính")
    )
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    timeliness = serializers.SerializerMethodField(
        help_text=_("early, on_time, late, within, overdue, no_deadline")
    )
    timeliness_label = serializers.SerializerMethodField()
    intake_confirmed_on_time = serializers.SerializerMethodField(
        help_text=_(
            "Hồ sơ trực tuyến: true nếu đã xác nhận (tiếp nhận, yêu cầu bổ sung hoặc từ chối) "
            "không muộn hơn hạn 8 giờ làm việc, false nếu muộn; null khi chưa xác nhận hoặc không có hạn này"
        )
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Record
        fields = [
            "code",
            "url",
            "procedure",
            "agency",
            "state",
            "state_label",
            "channel",
            "channel_label",
            "assisted",
            "applicant_name",
            "submitted_at",
            "received_at",
            "due_at",
            "ended_at",
            "timeliness",
            "timeliness_label",
            "intake_alert_due_at",
            "intake_confirm_due_at",
            "intake_confirmed_at",
            "intake_confirmed_on_time",
            "version",
        ]

    def _timeliness(self, record: Record) -> Timeliness:
        now = self.context.setdefault("now", timezone.now())
        return classify(
            due_at=record.due_at,
            ended_at=record.ended_at,
            now=now,
            paused=record.clock_paused_at is not None,
            supplement_requests=record.supplement_count,
            max_supplement_requests=_MAX_SUPPLEMENTS.get(record.rule_set, 1),
        )

    def get_timeliness(self, record: Record) -> str:
        return self._timeliness(record).value

    def get_timeliness_label(self, record: Record) -> str:
        return self._timeliness(record).label

    def get_intake_confirmed_on_time(self, record: Record) -> bool | None:
        if record.intake_confirmed_at is None:
            return None
        verdict = confirmation_timeliness(record, now=self.context.setdefault("now", timezone.now()))
        return None if verdict is None else verdict != Timeliness.LATE

    def get_url(self, record: Record) -> str:
        path = f"/api/v1/records/{record.code}/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class RecordApplicantSerializer(serializers.Serializer):
    name = serializers.CharField(source="applicant_name")
    id_number = serializers.CharField(source="applicant_id_number")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")
    address = serializers.CharField(source="applicant_address")
    kind = serializers.CharField(source="applicant_kind")


class RecordEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)
    action_label = serializers.SerializerMethodField()
    detail = serializers.JSONField(read_only=True)

    class Meta:
        model = RecordEvent
        fields = [
            "at",
            "action",
            "action_label",
            "actor",
            "from_state",
            "to_state",
            "reason",
            "form",
            "due_at",
            "detail",
        ]

    def get_action_label(self, event: RecordEvent) -> str:
        if event.action == RECOMPUTED:
            return str(RECOMPUTED_LABEL)
        if event.action == DUE_RECOMPUTED:
            return str(DUE_RECOMPUTED_LABEL)
        return str(Action(event.action).label) if event.action in Action.values else event.action


class RecordStepSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    holder = serializers.CharField(source="holder.username", default=None, allow_null=True, read_only=True)
    late = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = RecordStep
        fields = [
            "position",
            "name",
            "role",
            "agency",
            "holder",
            "started_at",
            "due_at",
            "finished_at",
            "late",
        ]


class RecordDetailSerializer(RecordSummarySerializer):
    receiving_agency = RecordAgencySerializer(read_only=True)
    applicant = RecordApplicantSerializer(source="*", read_only=True)
    holder = serializers.CharField(source="holder.username", default=None, allow_null=True, read_only=True)
    events = RecordEventSerializer(many=True, read_only=True)
    steps = RecordStepSerializer(many=True, read_only=True)

    class Meta(RecordSummarySerializer.Meta):
        fields = [
            *RecordSummarySerializer.Meta.fields,
            "receiving_agency",
            "applicant",
            "summary",
            "original_due_at",
            "finished_at",
            "returned_at",
            "supplement_count",
            "extension_count",
            "rule_set",
            "approved",
            "outcome_reason",
            "holder",
            "events",
            "steps",
        ]


class RecordAllowedActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    to_state = serializers.CharField()
    form = serializers.CharField(allow_null=True)
    url = serializers.CharField()


class RecordAllowedActionsSerializer(serializers.Serializer):
    code = serializers.CharField()
    state = serializers.CharField()
    version = serializers.IntegerField(help_text=_("Gửi lại trong expected_version hoặc If-Match"))
    actions = RecordAllowedActionSerializer(many=True)
