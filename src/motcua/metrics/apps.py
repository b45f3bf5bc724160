from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "motcua.metrics"
    verbose_name = _("Chỉ số phục vụ (QĐ 766)")

    def ready(self) -> None:
        from motcua.records import hooks

        from . import bulk_change, snapshots
        from .rollups import HOOK, before_record_change, on_record_change

        # Every record change updates the index's rollups in its own transaction, by the
        # difference between the record's contribution before and after it.
        hooks.register_before_change(HOOK, before_record_change)
        hooks.register_in_transaction(on_record_change)
        # … and drops the kept counts of the closed periods it belongs to.
        hooks.register_in_transaction(snapshots.on_record_change)
        # A bulk writer (a calendar change over thousands of records) does both once for the set.
        hooks.register_bulk_change(
            bulk_change.HOOK,
            before=bulk_change.before_records_change,
            after=bulk_change.on_records_change,
            replaces=(HOOK, on_record_change, snapshots.on_record_change),
        )
        snapshots.connect_reference_signals()
