"""The partners section (being built; see applications/views/base.py SectionView)."""

from .base import SectionView


class PartnersSectionView(SectionView):
    section = "partners"
    template_name = "applications/sections/partners.html"

    def get_forms(self, data=None) -> dict:
        return {}

    def write(self, application, forms) -> list[str]:
        return []
