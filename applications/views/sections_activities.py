"""The activities section (being built; see applications/views/base.py SectionView)."""

from .base import SectionView


class ActivitiesSectionView(SectionView):
    section = "activities"
    template_name = "applications/sections/activities.html"

    def get_forms(self, data=None) -> dict:
        return {}

    def write(self, application, forms) -> list[str]:
        return []


urlpatterns: list = []
