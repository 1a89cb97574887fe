from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = _("Selection and allocation")

    def ready(self) -> None:
        # start-page panels; the SQLite function of the database's lock; the frame lock outside the services
        from . import dashboard, database_lock, guards  # noqa: F401
        from .documents import KIND  # noqa: F401  (registers the allocation memo)
