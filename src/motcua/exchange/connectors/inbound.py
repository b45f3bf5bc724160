"""Records arriving from a connected system (the household-business registry, …), in the sync
shape: imported through the importer and matched by MaHoSo, so a record motcua sent there and
that comes back is "unchanged" — never typed, nor counted, twice."""

from __future__ import annotations

from typing import IO

from motcua.accounts.models import User

from ..importer import ImportSummary, import_sync_file
from ..models import ConnectorConfig


def connector_inbound(
    *, config: ConnectorConfig, stream: IO[bytes], source_name: str, user: User | None = None
) -> ImportSummary:
    return import_sync_file(stream=stream, source_name=source_name, source_system=config.plugin, user=user)
