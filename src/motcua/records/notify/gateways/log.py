"""The default gateway: writes the SMS to the log (no provider on a development machine)."""

import logging

from .. import sms
from . import register

logger = logging.getLogger("motcua.notify.sms")


@register("log")
class LogGateway:
    def send(self, *, phone: str, text: str, reference: str) -> None:
        sms.check(phone, text)
        logger.info("SMS %s → %s (%d segment(s)): %s", reference, phone, sms.segments(text), text)
