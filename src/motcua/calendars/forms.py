from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.units.models import Agency
from motcua.workdays import Term, Unit

UNIT_CHOICES = [
    (Unit.WORKING_DAYS.value, _("ngày làm việc")),
    (Unit.WORKING_HOURS.value, _("giờ làm việc")),
    (Unit.CALENDAR_DAYS.value, _("ngày (theo lịch)")),
    (Unit.MONTHS.value, _("tháng")),
]


class DueForm(forms.Form):
    received = forms.DateTimeField(
        label=_("Thời điểm tiếp nhận"),
        input_formats=["%d/%m/%Y %H:%M"],
        help_text=_("dd/mm/yyyy HH:MM, ví dụ 24/01/2025 10:15"),
        error_messages={"invalid": _("Nhập theo dạng dd/mm/yyyy HH:MM, ví dụ 24/01/2025 10:15.")},
        widget=forms.TextInput(attrs={"placeholder": "24/01/2025 10:15", "autocomplete": "off"}),
    )
    amount = forms.IntegerField(label=_("Thời hạn"), min_value=0, max_value=999)
    unit = forms.ChoiceField(label=_("Đơn vị"), choices=UNIT_CHOICES, initial=Unit.WORKING_DAYS.value)
    cutoff = forms.BooleanField(
        label=_("Áp dụng giờ chốt tiếp nhận (tiếp nhận sau giờ chốt tính sang ngày làm việc tiếp theo)"),
        required=False,
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan, trung tâm tiếp nhận"),
        queryset=Agency.objects.select_related("unit").order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("— Lịch toàn quốc —"),
    )

    def term(self) -> Term:
        return Term(self.cleaned_data["amount"], Unit(self.cleaned_data["unit"]), self.cleaned_data["cutoff"])
