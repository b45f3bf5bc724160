"""The national public service portal (Cổng DVCQG): every change of every record, as the sync
record of spec/dvcqg-sync.md. Statuses go as they are (5, 6 and 8 are never sent as 9)."""

from django.utils.translation import gettext_lazy as _

from .base import SyncRecordConnector
from .registry import register


@register
class NationalPortal(SyncRecordConnector):
    id = "dvcqg"
    name = _("Cổng Dịch vụ công quốc gia (đồng bộ hồ sơ)")
