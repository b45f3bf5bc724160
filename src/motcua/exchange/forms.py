from django import forms
from django.utils.translation import gettext_lazy as _


class SyncImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp hồ sơ đồng bộ (.json, .jsonl)"))
    create_missing = forms.BooleanField(
        label=_("Tạo thủ tục, cơ quan chưa có (đánh dấu “nhập, chưa xác minh”)"), required=False
    )
