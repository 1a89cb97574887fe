from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClusterfundConfig(AppConfig):
    name = "clusterfund"
    verbose_name = _("Klyngeportalen")
