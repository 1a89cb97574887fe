"""The budget section: the amounts applied for per year of the call, by funder, with co-financing."""

from ..forms_lists import BUDGET_COLUMNS, BudgetForm
from ..selectors import budget_summary
from ..services_sections import budget_save
from .base import SectionView


class BudgetSectionView(SectionView):
    section = "budget"
    template_name = "applications/sections/budget.html"
    prefetch = ("budget_lines",)

    def get_forms(self, data=None) -> dict:
        lines = {line.year: line for line in self.application.budget_lines.all()}
        return {"form": BudgetForm(data, call=self.application.call, lines=lines)}

    def save_section(self, forms, *, expected_version):
        form = forms["form"]
        return budget_save(
            application=self.application,
            by=self.request.user,
            expected_version=expected_version,
            # 0 where a funder has no frame: an old amount there is cleared
            amounts={year: form.amounts(year) for year in self.application.call.years},
        )

    def render_page(self, forms: dict, **kwargs):
        """Add the table: per year a cell per column (its field, or None where the funder has no frame).

        The totals are the saved ones; budget.js keeps them up to date while the applicant types.
        """
        form = forms["form"]
        summary = budget_summary(application=self.application)
        totals_by_year = {row["year"]: row["total"] for row in summary["rows"]}
        rows = [
            {
                "year": year,
                "cells": [
                    {"column": column, "field": form[f"{column}_{year}"] if f"{column}_{year}" in form.fields else None}
                    for column, _label in BUDGET_COLUMNS
                ],
                "total": totals_by_year[year],
            }
            for year in self.application.call.years
        ]
        return super().render_page(forms, rows=rows, budget=summary, columns=BUDGET_COLUMNS, **kwargs)
