"""Connector plugins by id. Each plugin module registers itself when imported; `load()` imports
the modules that ship with motcua (called from the exchange AppConfig.ready)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Connector

PLUGIN_MODULES = ("dvcqg_portal", "household_business", "doubles")

_plugins: dict[str, Connector] = {}


def register[C: type](cls: C) -> C:
    """Class decorator: one instance of the plugin, under its `id`."""
    plugin = cls()
    if plugin.id in _plugins and type(_plugins[plugin.id]) is not cls:
        raise ValueError(f"Connector id “{plugin.id}” is already registered.")
    _plugins[plugin.id] = plugin
    return cls


def get(plugin_id: str) -> Connector | None:
    return _plugins.get(plugin_id)


def choices() -> list[tuple[str, str]]:
    return [(p.id, str(p.name)) for p in sorted(_plugins.values(), key=lambda p: p.id)]


def load() -> None:
    for name in PLUGIN_MODULES:
        import_module(f"{__package__}.{name}")
