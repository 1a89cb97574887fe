from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Calls and applications")

    def ready(self) -> None:
        from . import dashboard  # noqa: F401  (registers the start-page panels)
        from .documents import KIND  # noqa: F401  (registers the application dossier)
        from .models import ActivityType, BudgetFrame, BusinessArea, Call, Criterion, Milestone, Requirement
        from .public_cache import connect

        # What the front page and the call pages show: a change to any of it makes them stale.
        connect([Call, Milestone, BusinessArea, Requirement, Criterion, ActivityType, BudgetFrame])
