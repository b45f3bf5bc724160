"""A test double: checks each message as strictly as a provider would and keeps it in `outbox`.

Strict: the number is a VN mobile number in +84 form, the text is NFC, fits 3 UCS-2 segments,
is Vietnamese (has Vietnamese letters with diacritics) and carries the record code."""

from dataclasses import dataclass

from .. import sms
from . import register

VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


@dataclass(frozen=True)
class Sent:
    phone: str
    text: str
    reference: str


outbox: list[Sent] = []


@register("recording")
class RecordingGateway:
    def send(self, *, phone: str, text: str, reference: str) -> None:
        sms.check(phone, text)
        if reference not in text:
            raise sms.InvalidSms(f"the message does not name record {reference}")
        if not VIETNAMESE_LETTERS & set(text.lower()):
            raise sms.InvalidSms("the message is not Vietnamese with diacritics")
        outbox.append(Sent(phone=phone, text=text, reference=reference))
