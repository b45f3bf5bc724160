"""SMS gateway plugins: one module per gateway, each registering a class with `register`.

`settings.MOTCUA_SMS_GATEWAY` names the gateway to use (default "log": this machine has no SMS
provider, so messages go to the log). A provider's plugin lives in its own module, listed in
`settings.MOTCUA_SMS_GATEWAY_MODULES` (dotted paths) if it is outside this package."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Protocol

from django.conf import settings

BUILT_IN = ("motcua.records.notify.gateways.log", "motcua.records.notify.gateways.recording")


class Gateway(Protocol):
    def send(self, *, phone: str, text: str, reference: str) -> None:
        """Send one SMS to `phone` (+84…); `reference` is the record code, for the provider's logs."""


_registry: dict[str, type[Gateway]] = {}


def register(name: str) -> Callable[[type[Gateway]], type[Gateway]]:
    def decorate(cls: type[Gateway]) -> type[Gateway]:
        _registry[name] = cls
        return cls

    return decorate


def gateway() -> Gateway:
    for module in (*BUILT_IN, *getattr(settings, "MOTCUA_SMS_GATEWAY_MODULES", ())):
        import_module(module)
    name = getattr(settings, "MOTCUA_SMS_GATEWAY", "log")
    try:
        return _registry[name]()
    except KeyError:
        raise LookupError(f"No SMS gateway plugin named {name!r}; known: {sorted(_registry)}") from None
