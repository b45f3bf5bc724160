from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "motcua.records"
    verbose_name = _("Hồ sơ")

    def ready(self) -> None:
        from motcua.calendars import hooks as calendar_hooks

        from . import hooks
        from .notify.dispatch import on_record_event
        from .online_intake import recompute_open_clocks
        from .recompute import recompute_open_due_dates

        hooks.register_in_transaction(on_record_event)  # the applicant's SMS / e-mail, after commit
        calendar_hooks.register_on_change(recompute_open_clocks)  # open online-intake deadlines
        calendar_hooks.register_on_change(recompute_open_due_dates)  # open records' due dates
