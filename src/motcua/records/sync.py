"""What the national portal has of a record (DOSSIER_SYNC of the service index): written by
`exchange`, which knows when a delivery to the portal succeeded or a record came from the portal.

No RecordEvent and no change hook: the portal taking a copy is not a step of the record's
lifecycle (the delivery row is its history), and the hook would queue the record for delivery
again. The caller refreshes the index's rollups (metrics.rollups)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import F

from .models import Record

PORTAL = "dvcqg"  # the national portal's source system / connector plugin


def record_mark_portal_synced(*, record_ids: Iterable[int], at: dt.datetime) -> list[int]:
    """The national portal has these records since `at`; the first time counts (a resend does
    not move it). Returns the ids newly marked."""
    ids = sorted(set(record_ids))
    fresh = list(
        Record.objects.filter(pk__in=ids, portal_synced_at__isnull=True).values_list("pk", flat=True)
    )
    Record.objects.filter(pk__in=fresh, portal_synced_at__isnull=True).update(portal_synced_at=at)
    return fresh


def records_mark_imported_from_portal() -> int:
    """Records imported from the portal are on the portal: since they were imported, unless
    marked earlier. Returns how many were newly marked."""
    return Record.objects.filter(source_system=PORTAL, portal_synced_at__isnull=True).update(
        portal_synced_at=F("imported_at")
    )
