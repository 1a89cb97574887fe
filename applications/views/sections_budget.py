"""The budget section (being built; see applications/views/base.py SectionView)."""

from .base import SectionView


class BudgetSectionView(SectionView):
    section = "budget"
    template_name = "applications/sections/budget.html"

    def get_forms(self, data=None) -> dict:
        return {}

    def write(self, application, forms) -> list[str]:
        return []
