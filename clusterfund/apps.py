from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClusterfundConfig(AppConfig):
    name = "clusterfund"
    verbose_name = _("Klyngeportalen")

    def ready(self) -> None:
        # Register the shared tasks by importing them: clusterfund.documents queues render_document by
        # its name (importing the task there would make documents and tasks import each other).
        from . import tasks  # noqa: F401
