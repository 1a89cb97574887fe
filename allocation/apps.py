from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = _("Selection and allocation")

    def ready(self) -> None:
        from . import dashboard, guards  # noqa: F401  (start-page panels; the frame lock outside the services)
        from .documents import KIND  # noqa: F401  (registers the allocation memo)
