"""The criteria section: one text per criterion of the call, and the organisation's locations."""

from ..forms_sections import CriteriaForm, LocationFormSet, error_summary
from ..models import Application, CriterionAnswer, Location
from .base import SectionView


def replace_locations(application: Application, rows: list[dict]) -> bool:
    """Make the application's locations exactly `rows`; return whether anything changed."""
    fields = ("kind", "city", "region", "host")
    before = [tuple(getattr(x, f) for f in fields) for x in application.locations.all()]
    after = [tuple(row.get(f) or "" for f in fields) for row in rows]
    if before == after:
        return False
    application.locations.all().delete()
    Location.objects.bulk_create(Location(application=application, **dict(zip(fields, r, strict=True))) for r in after)
    return True


class CriteriaSectionView(SectionView):
    section = "criteria"
    template_name = "applications/sections/criteria.html"

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

    def write(self, application, forms) -> list[str]:
        changed = []
        existing = {a.criterion_id: a for a in application.criterion_answers.all()}
        for criterion, text in forms["form"].texts().items():
            answer = existing.get(criterion.pk)
            if answer is None:
                if text:
                    CriterionAnswer.objects.create(application=application, criterion=criterion, text=text)
                    changed.append(f"criterion:{criterion.code}")
            elif answer.text != text:
                answer.text = text
                answer.save(update_fields=["text"])
                changed.append(f"criterion:{criterion.code}")
        if "locations" in forms and replace_locations(application, forms["locations"].rows()):
            changed.append("locations")
        return changed

    def extra_context(self) -> dict:
        # The locations are asked for once, under the first criterion that asks for them.
        first = next((c for c in self.application.call.criteria.all() if c.asks_for_locations), None)
        return {"locations_criterion": first.pk if first else None}

    def render_page(self, forms: dict, **kwargs):
        return super().render_page(forms, errors=error_summary(forms), **kwargs)
