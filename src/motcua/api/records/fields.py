"""Serializer fields with Vietnamese messages (DRF's own Vietnamese catalogue is incomplete) and
a serializer that refuses fields it does not know, so a typo is never silently ignored."""

from collections.abc import Mapping
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings
from rest_framework.validators import ProhibitSurrogateCharactersValidator

DATE_FORMATS = ["iso-8601", "%d/%m/%Y"]

_TEXT = {
    "invalid": _("Phải là một chuỗi ký tự."),
    "blank": _("Trường này không được bỏ trống."),
    "max_length": _("Tối đa {max_length} ký tự."),
    "null": _("Trường này không được để trống (null)."),
}
_INT = {
    "invalid": _("Phải là một số nguyên."),
    "min_value": _("Phải lớn hơn hoặc bằng {min_value}."),
    "max_value": _("Phải nhỏ hơn hoặc bằng {max_value}."),
    "max_string_length": _("Số quá lớn."),
    "null": _("Trường này không được để trống (null)."),
}
_DATE = {
    "invalid": _(
        "Ngày không hợp lệ; dùng dạng YYYY-MM-DD hoặc dd/mm/yyyy (ví dụ 2026-03-31 hoặc 31/03/2026)."
    ),
    "datetime": _("Cần một ngày, không phải ngày giờ."),
    "null": _("Trường này không được để trống (null)."),
}
_BOOL = {"invalid": _("Phải là true hoặc false."), "null": _("Trường này không được để trống (null).")}
_CHOICE = {"invalid_choice": _("“{input}” không phải là giá trị hợp lệ.")}
_LIST = {
    "not_a_list": _("Cần một danh sách, không phải {input_type}."),
    "empty": _("Danh sách không được rỗng."),
    "max_length": _("Tối đa {max_length} mục."),
}


class _NoNullCharacters(ProhibitNullCharactersValidator):
    message = _("Không được chứa ký tự NUL.")


class _NoSurrogates(ProhibitSurrogateCharactersValidator):
    message = _("Có ký tự không hợp lệ (U+{code_point:X}).")


class VietnameseCharField(serializers.CharField):
    """DRF's CharField with its NUL and surrogate checks speaking Vietnamese; a JSON number is not
    a string here (DRF would turn 5 into "5": docs/api.md promises strict input)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        swap = {
            ProhibitNullCharactersValidator: _NoNullCharacters,
            ProhibitSurrogateCharactersValidator: _NoSurrogates,
        }
        self.validators = [swap[type(v)]() if type(v) in swap else v for v in self.validators]


def text(*, max_length: int, required: bool = True, **kwargs: Any) -> serializers.CharField:
    if not required:
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("default", "")
    return VietnameseCharField(max_length=max_length, required=required, error_messages=_TEXT, **kwargs)


class StrictIntegerField(serializers.IntegerField):
    """A JSON number without a fraction; not "3", not true (DRF takes both)."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false in a body; a query string's "true"/"false" (always text) as DRF reads it."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool | str) or (isinstance(data, str) and self.parent_is_body()):
            self.fail("invalid")
        return super().to_internal_value(data)

    def parent_is_body(self) -> bool:
        return not getattr(self.root, "reads_query_string", False)


def integer(**kwargs: Any) -> serializers.IntegerField:
    return StrictIntegerField(error_messages=_INT, **kwargs)


def date(**kwargs: Any) -> serializers.DateField:
    return serializers.DateField(input_formats=DATE_FORMATS, error_messages=_DATE, **kwargs)


def boolean(**kwargs: Any) -> serializers.BooleanField:
    return StrictBooleanField(error_messages=_BOOL, **kwargs)


class StrictChoiceField(serializers.ChoiceField):
    """A code is a string: DRF would match the number 2 to the choice "2"."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


def choice(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    return StrictChoiceField(choices=choices, error_messages=_CHOICE, **kwargs)


def text_list(*, item_max_length: int, max_length: int, **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=text(max_length=item_max_length),
        max_length=max_length,
        error_messages=_LIST,
        **kwargs,
    )


class StrictSerializer(serializers.Serializer):
    """Input only: refuses a body that is not an object and fields it does not know."""

    default_error_messages = {"invalid": _("Cần một đối tượng JSON ({{…}}), không phải {datatype}.")}

    def run_validation(self, data: Any = empty) -> Any:
        if data is None and not self.allow_null:
            message = str(_("Cần một đối tượng JSON ({…}), không phải null."))
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name[:100]: [str(_("Trường này không được hỗ trợ."))] for name in unknown[:20]}
                )
        return super().to_internal_value(data)
