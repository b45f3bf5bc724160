"""Mã định danh điện tử (QĐ 20/2020/QĐ-TTg): up to 35 characters, dot-separated groups of digits and
capital letters, e.g. ``H15.50.05.13``. The rule is from a secondary source [S]; it is kept permissive
(no fixed number of groups) so a province's real codes are never refused."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

AGENCY_CODE_MAX_LENGTH = 35
_AGENCY_CODE = re.compile(r"[0-9A-Z]+(?:\.[0-9A-Z]+)*")


def validate_agency_code(value: str) -> None:
    if len(value) > AGENCY_CODE_MAX_LENGTH:
        raise ValidationError(
            _("Mã định danh “%(value)s” dài %(length)d ký tự; tối đa %(limit)d ký tự."),
            code="agency_code_too_long",
            params={"value": value, "length": len(value), "limit": AGENCY_CODE_MAX_LENGTH},
        )
    if not _AGENCY_CODE.fullmatch(value):
        raise ValidationError(
            _(
                "Mã định danh “%(value)s” không hợp lệ: mã gồm các nhóm chữ số và chữ in hoa "
                "(không dấu), ngăn cách bởi dấu chấm, ví dụ H15.50.05.13."
            ),
            code="invalid_agency_code",
            params={"value": value},
        )
