"""JSON only, and not too much of it: DRF reads a JSON body from the stream without Django's
upload limit, so the limit is applied here."""

import io
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

MAX_BODY_BYTES = 256 * 1024


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = format_lazy(_("Nội dung yêu cầu vượt quá {kb} KB."), kb=MAX_BODY_BYTES // 1024)


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = stream.read(MAX_BODY_BYTES + 1)
        if len(data) > MAX_BODY_BYTES:
            raise PayloadTooLarge()
        return super().parse(io.BytesIO(data), media_type, parser_context)
