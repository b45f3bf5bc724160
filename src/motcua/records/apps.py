from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "motcua.records"
    verbose_name = _("Hồ sơ")

    def ready(self) -> None:
        from . import hooks
        from .notify.dispatch import on_record_event

        hooks.register_in_transaction(on_record_event)  # the applicant's SMS / e-mail, after commit
