from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review")

    def ready(self) -> None:
        from . import dashboard  # noqa: F401  (registers the reviewers' start-page panel)
        from .documents import KIND  # noqa: F401  (registers the recommendation memo)
