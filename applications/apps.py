from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Calls and applications")

    def ready(self) -> None:
        from . import dashboard  # noqa: F401  (registers the start-page panels)
        from .documents import KIND  # noqa: F401  (registers the application dossier)
