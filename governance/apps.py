from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        # Each module listed here registers something at import (start-page panels, document kinds).
        # The reports half appends its own modules to READY_MODULES below.
        import importlib

        for module in READY_MODULES:
            importlib.import_module(f"{self.name}.{module}")


READY_MODULES: list[str] = ["documents", "dashboard", "reports_ready", "documents_dialogue", "panels_watch"]
