"""The criteria section: one text per criterion of the call, and the organisation's locations."""

from ..forms_sections import CriteriaForm, LocationFormSet, error_summary
from ..services_sections import criteria_save
from .base import SectionView


class CriteriaSectionView(SectionView):
    section = "criteria"
    template_name = "applications/sections/criteria.html"
    prefetch = ("call__criteria", "criterion_answers", "locations")

    def get_forms(self, data=None) -> dict:
        application = self.application
        criteria = list(application.call.criteria.all())
        texts = {a.criterion_id: a.text for a in application.criterion_answers.all()}
        forms = {"form": CriteriaForm(data, criteria=criteria, texts=texts)}
        if any(c.asks_for_locations for c in criteria):
            initial = [
                {"kind": x.kind, "city": x.city, "region": x.region, "host": x.host}
                for x in application.locations.all()
            ]
            # Posted rows are compared with blank rows, not the saved ones: a page from before an autosave posts
            # the saved rows as extra rows, which would count as unchanged blanks and be dropped.
            forms["locations"] = LocationFormSet(
                data, prefix="locations", initial=None if data is not None else initial
            )
        return forms

    def save_section(self, forms, *, expected_version):
        return criteria_save(
            application=self.application,
            by=self.request.user,
            expected_version=expected_version,
            texts=forms["form"].texts(),
            locations=forms["locations"].rows() if "locations" in forms else None,
        )

    def extra_context(self) -> dict:
        # The locations are asked for once, under the first criterion that asks for them.
        first = next((c for c in self.application.call.criteria.all() if c.asks_for_locations), None)
        return {"locations_criterion": first.pk if first else None}

    def render_page(self, forms: dict, **kwargs):
        return super().render_page(forms, errors=error_summary(forms), **kwargs)
