from django import forms
from django.utils.translation import gettext_lazy as _


class RuleSetImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp JSON bộ quy tắc"), help_text=_("Cùng dạng với metrics/data/qd766-2026.json.")
    )
    replace = forms.BooleanField(label=_("Thay phiên bản cùng tên nếu đã có"), required=False)
