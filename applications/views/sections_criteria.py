"""The criteria section (being built; see applications/views/base.py SectionView)."""

from .base import SectionView


class CriteriaSectionView(SectionView):
    section = "criteria"
    template_name = "applications/sections/criteria.html"

    def get_forms(self, data=None) -> dict:
        return {}

    def write(self, application, forms) -> list[str]:
        return []
