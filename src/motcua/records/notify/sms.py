"""The SMS rules every gateway plugin relies on.

Length: Vietnamese with diacritics does not fit the GSM 7-bit alphabet, so an SMS is sent in
UCS-2: 70 characters for a single message; a longer text is split into concatenated segments of
67 (each carries a 6-byte header). motcua allows at most 3 segments, i.e. 201 UTF-16 code units,
and its templates are written to fit (about 130 characters with the longest record code).

Numbers: Vietnamese mobile subscribers since the 2018 renumbering are 0 + 9 digits whose first
digit is 3, 5, 7, 8 or 9 (e.g. 0905 123 456), also written +84 / 84 without the 0. A landline
(02x…) cannot receive SMS; such a number is simply not texted."""

import re
import unicodedata

SINGLE_SEGMENT = 70
CONCATENATED_SEGMENT = 67
MAX_SEGMENTS = 3
MAX_UNITS = CONCATENATED_SEGMENT * MAX_SEGMENTS

_MOBILE = re.compile(r"^(?:\+?84|0)([35789]\d{8})$")


def mobile_number(raw: str) -> str | None:
    """The number in E.164 (+84…), or None when it is not a Vietnamese mobile number."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    match = _MOBILE.match(digits)
    return f"+84{match.group(1)}" if match else None


def units(text: str) -> int:
    """UTF-16 code units: what a UCS-2 segment counts."""
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    n = units(text)
    if n <= SINGLE_SEGMENT:
        return 1
    return -(-n // CONCATENATED_SEGMENT)


class InvalidSms(ValueError):
    pass


def check(phone: str, text: str) -> None:
    """Raises `InvalidSms` unless `phone` is a normalised VN mobile number and `text` is a
    non-empty NFC message of at most 3 segments."""
    if mobile_number(phone) != phone:
        raise InvalidSms(f"not a Vietnamese mobile number in +84 form: {phone!r}")
    if not text.strip():
        raise InvalidSms("empty message")
    if unicodedata.normalize("NFC", text) != text:
        raise InvalidSms("message is not NFC")
    if segments(text) > MAX_SEGMENTS:
        raise InvalidSms(
            f"message needs {segments(text)} segments ({units(text)} UCS-2 units), at most {MAX_SEGMENTS}"
        )
