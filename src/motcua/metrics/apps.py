from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "motcua.metrics"
    verbose_name = _("Chỉ số phục vụ (QĐ 766)")

    def ready(self) -> None:
        from motcua.records import hooks

        from . import snapshots
        from .rollups import on_record_change

        # Every record change refreshes the index's rollups in its own transaction.
        hooks.register_in_transaction(on_record_change)
        # … and drops the kept counts of the closed periods it belongs to.
        hooks.register_in_transaction(snapshots.on_record_change)
        snapshots.connect_reference_signals()
