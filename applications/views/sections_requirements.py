"""The requirements section (being built; see applications/views/base.py SectionView)."""

from .base import SectionView


class RequirementsSectionView(SectionView):
    section = "requirements"
    template_name = "applications/sections/requirements.html"

    def get_forms(self, data=None) -> dict:
        return {}

    def write(self, application, forms) -> list[str]:
        return []
