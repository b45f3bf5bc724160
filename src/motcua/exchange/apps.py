from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "motcua.exchange"
    verbose_name = _("Trao đổi dữ liệu")

    def ready(self) -> None:
        from motcua.records import hooks

        from .connectors import registry
        from .outbox import enqueue_for_change
        from .outbox_bulk import HOOK, enqueue_for_changes

        registry.load()
        hooks.register_in_transaction(enqueue_for_change)
        # A bulk writer (a calendar change over thousands of records): the same rows, set-based.
        hooks.register_bulk_change(HOOK, after=enqueue_for_changes, replaces=(enqueue_for_change,))
