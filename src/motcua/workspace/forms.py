from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import OnlineLevel


class OnlineLevelForm(forms.Form):
    online_level = forms.ChoiceField(
        label=_("Mức dịch vụ trực tuyến"),
        choices=OnlineLevel.choices,
        error_messages={"invalid_choice": _("Mức dịch vụ trực tuyến không hợp lệ.")},
    )
    # The offering's version as the page showed it: a change made meanwhile is not overwritten.
    version = forms.CharField(widget=forms.HiddenInput, max_length=64)
