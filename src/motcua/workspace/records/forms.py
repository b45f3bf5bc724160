"""Forms of the record pages. They only parse what was typed; the records services decide."""

import re

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role, User
from motcua.core.text import nfc, search_key
from motcua.records.lifecycle import Action
from motcua.records.models import ApplicantKind
from motcua.units.models import Agency

DATE_FORMAT = "%d/%m/%Y"


class VnDateField(forms.DateField):
    """dd/mm/yyyy only: a counter officer types the date the way it is printed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATE_FORMAT])
        kwargs["error_messages"] = {
            "invalid": _("Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 31/12/2026."),
            **kwargs.get("error_messages", {}),
        }
        kwargs.setdefault("widget", forms.DateInput(format=DATE_FORMAT, attrs={"placeholder": "dd/mm/yyyy"}))
        super().__init__(**kwargs)


class TextField(forms.CharField):
    """Text stored NFC, whatever the keyboard sent."""

    def to_python(self, value):
        return nfc(super().to_python(value))


# --- counter intake ---


CHANNELS = [
    (Action.SUBMIT_COUNTER.value, _("Trực tiếp tại Bộ phận Một cửa")),
    (Action.SUBMIT_POST.value, _("Qua bưu chính công ích")),
    (Action.SUBMIT_ASSISTED.value, _("Nộp trực tuyến thay công dân (cán bộ hỗ trợ)")),
]
ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$")


class IntakeForm(forms.Form):
    procedure = forms.CharField(
        label=_("Mã thủ tục"),
        max_length=40,
        error_messages={"required": _("Cần chọn thủ tục hành chính.")},
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan tiếp nhận"),
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Cần chọn cơ quan tiếp nhận."),
            "invalid_choice": _("Cơ quan tiếp nhận không thuộc phạm vi của bạn."),
        },
    )
    channel = forms.ChoiceField(
        label=_("Cách nộp"),
        choices=CHANNELS,
        initial=Action.SUBMIT_COUNTER.value,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Cách nộp không hợp lệ.")},
    )
    name = TextField(
        label=_("Họ và tên người nộp"),
        max_length=255,
        error_messages={"required": _("Cần nhập họ tên người nộp hồ sơ.")},
    )
    id_number = forms.CharField(label=_("Số định danh cá nhân / CCCD"), max_length=20, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    address = TextField(label=_("Địa chỉ"), max_length=500, required=False)
    kind = forms.ChoiceField(
        label=_("Loại đối tượng"), choices=ApplicantKind.choices, initial=ApplicantKind.CITIZEN
    )
    summary = TextField(
        label=_("Trích yếu"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # When the dossier is not received: what to add (Mẫu 02) or why it is refused (Mẫu 03).
    missing = TextField(
        label=_("Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một giấy tờ)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Để trống: các giấy tờ bắt buộc chưa đánh dấu ở bước 3."),
    )
    reason = TextField(
        label=_("Lý do (ghi vào phiếu)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, agencies, components=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.components = list(components)
        for component in self.components:
            self.fields[f"component_{component.pk}"] = forms.BooleanField(
                label=component.name, required=False, initial=False
            )

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        if value and not ID_NUMBER.match(value):
            raise forms.ValidationError(_("Số định danh gồm 12 chữ số (hoặc 9 chữ số với CMND cũ)."))
        return value

    def clean_phone(self) -> str:
        value = re.sub(r"[\s.]", "", self.cleaned_data["phone"])
        if value and not re.fullmatch(r"\+?\d{9,12}", value):
            raise forms.ValidationError(_("Số điện thoại không hợp lệ."))
        return value

    def component_rows(self):
        """(component, checkbox) pairs for the checklist, in catalogue order."""
        return [(c, self[f"component_{c.pk}"]) for c in self.components]

    def received_components(self, files) -> list:
        return [
            c
            for c in self.components
            if self.cleaned_data.get(f"component_{c.pk}") or files.get(f"file_{c.pk}")
        ]

    def missing_list(self, files) -> list[str]:
        """The papers to ask for: as typed, one per line, else the required ones not received."""
        typed = [line.strip() for line in self.cleaned_data.get("missing", "").splitlines() if line.strip()]
        return typed or [c.name for c in self.missing_required(files)]

    def missing_required(self, files) -> list:
        received = {c.pk for c in self.received_components(files)}
        return [c for c in self.components if c.required and c.pk not in received]


# --- actions on the record page: one small form per action, each posting the version back ---


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record

    def params(self) -> dict:
        """Keyword arguments for `record_perform`."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ReasonOptionalForm(ActionForm):
    reason = TextField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(ActionForm):
    reason = TextField(
        label=_("Lý do"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần nêu rõ lý do.")},
    )


class SupplementForm(ActionForm):
    missing = TextField(
        label=_("Giấy tờ cần bổ sung (mỗi dòng một loại)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần liệt kê đầy đủ các giấy tờ phải bổ sung.")},
    )
    reason = TextField(label=_("Lý do / hướng dẫn"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def params(self) -> dict:
        lines = [line.strip() for line in self.cleaned_data["missing"].splitlines()]
        return {"missing": [line for line in lines if line], "reason": self.cleaned_data["reason"]}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        uploads = data if isinstance(data, (list, tuple)) else [data]
        cleaned = [super(MultipleFileField, self).clean(upload, initial) for upload in uploads if upload]
        return [upload for upload in cleaned if upload]


class SupplementReceivedForm(ActionForm):
    """The papers the applicant brought, scanned: optional, several at once. Type and size are
    the records service's rules (records/attachments.py), checked before anything is written."""

    files = MultipleFileField(
        label=_("Tệp giấy tờ bổ sung (PDF hoặc ảnh, có thể chọn nhiều tệp)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"}),
    )


_HANDLING_ROLES = {Role.SPECIALIST, Role.LEADER}


class _VietnameseOrder(ModelChoiceIterator):
    """Choices in Vietnamese alphabetical order (đ with d, accents ignored): the database's binary
    order would put "Đại Lãnh" after "Xuân Sơn"."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sorted(self.queryset, key=lambda o: search_key(self.field.label_from_instance(o))):
            yield self.choice(obj)


class UserChoice(forms.ModelChoiceField):
    iterator = _VietnameseOrder

    def label_from_instance(self, obj: User) -> str:
        """The name and the role, so that the officer assigns the step to the right person."""
        roles = sorted({str(Role(g.role).label) for g in obj.grants.all() if g.role in _HANDLING_ROLES})
        name = obj.full_name or obj.get_username()
        return f"{name} — {', '.join(roles)}" if roles else name


class AssignForm(ActionForm):
    to_user = UserChoice(
        label=_("Cán bộ được phân công"),
        queryset=User.objects.none(),
        empty_label=_("— chọn cán bộ —"),
        error_messages={
            "required": _("Cần chọn cán bộ được phân công."),
            "invalid_choice": _("Cán bộ này không thuộc cơ quan giải quyết hồ sơ."),
        },
    )

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignees is not None:
            self.fields["to_user"].queryset = assignees


class ForwardForm(ActionForm):
    to_user = UserChoice(
        label=_("Lãnh đạo phê duyệt"),
        queryset=User.objects.none(),
        empty_label=_("— chọn lãnh đạo —"),
        error_messages={
            "required": _("Cần chọn lãnh đạo phê duyệt."),
            "invalid_choice": _("Người này không phải lãnh đạo của cơ quan giải quyết hồ sơ."),
        },
    )
    reason = TextField(
        label=_("Ý kiến đề xuất"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, leaders=None, **kwargs):
        super().__init__(*args, **kwargs)
        if leaders is not None:
            self.fields["to_user"].queryset = leaders


class AgencyChoice(forms.ModelChoiceField):
    iterator = _VietnameseOrder

    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.code})"


_AGENCY_ERRORS = {
    "required": _("Cần chọn cơ quan."),
    "invalid_choice": _("Cơ quan không hợp lệ."),
}


class TransferForm(ActionForm):
    to_agency = AgencyChoice(
        label=_("Chuyển đến cơ quan"),
        queryset=Agency.objects.none(),
        empty_label=_("— chọn cơ quan —"),
        error_messages=_AGENCY_ERRORS,
    )
    reason = TextField(label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["to_agency"].queryset = agencies


class ConsultForm(ActionForm):
    agency = AgencyChoice(
        label=_("Cơ quan được hỏi ý kiến"),
        queryset=Agency.objects.none(),
        empty_label=_("— chọn cơ quan —"),
        error_messages=_AGENCY_ERRORS,
    )
    days = forms.IntegerField(
        label=_("Thời hạn trả lời (ngày làm việc)"),
        min_value=1,
        max_value=60,
        error_messages={
            "required": _("Cần nhập thời hạn trả lời."),
            "invalid": _("Thời hạn trả lời phải là số ngày làm việc."),
            "min_value": _("Thời hạn trả lời phải từ 1 đến 60 ngày làm việc."),
            "max_value": _("Thời hạn trả lời phải từ 1 đến 60 ngày làm việc."),
        },
    )
    question = TextField(
        label=_("Nội dung xin ý kiến"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi nội dung xin ý kiến.")},
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies


class ConsultReplyForm(ActionForm):
    reply = TextField(
        label=_("Ý kiến trả lời"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi nội dung ý kiến trả lời.")},
    )


class ExtendForm(ActionForm):
    new_due_on = VnDateField(
        label=_("Ngày hẹn trả mới"), error_messages={"required": _("Cần nhập ngày hẹn trả mới.")}
    )
    reason = TextField(
        label=_("Lý do chậm trả (ghi trong văn bản xin lỗi)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần nêu lý do chậm trả kết quả.")},
    )


class CorrectForm(ActionForm):
    reason = TextField(
        label=_("Nội dung sai sót được đính chính"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi nội dung sai sót được đính chính.")},
    )
    reported_on = VnDateField(
        label=_("Ngày phát hiện sai sót"), error_messages={"required": _("Cần nhập ngày phát hiện sai sót.")}
    )


# Which form each action needs; an action not listed needs only the version.
ACTION_FORMS: dict[Action, type[ActionForm]] = {
    Action.REFUSE_INTAKE: ReasonForm,
    Action.REFUSE: ReasonForm,
    Action.STOP: ReasonForm,
    Action.REQUEST_SUPPLEMENT: SupplementForm,
    Action.SUPPLEMENT_RECEIVED: SupplementReceivedForm,
    Action.ASSIGN: AssignForm,
    Action.FORWARD: ForwardForm,
    Action.TRANSFER: TransferForm,
    Action.CONSULT: ConsultForm,
    Action.CONSULT_REPLY: ConsultReplyForm,
    Action.EXTEND: ExtendForm,
    Action.CORRECT_RESULT: CorrectForm,
    Action.WITHDRAW: ReasonOptionalForm,
    Action.APPROVE: ReasonOptionalForm,
    Action.RETURN_RESULT: ReasonOptionalForm,
}
