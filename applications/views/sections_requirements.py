"""The requirements section: how the applicant meets each of the call's requirements, with the evidence."""

from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ..forms_sections import (
    EVIDENCE_FIELDS,
    EVIDENCE_KINDS,
    BoardFormSet,
    EvidenceForm,
    RequirementAnswersForm,
    error_summary,
)
from ..models import Application, BoardMember, RequirementAnswer
from ..selectors import board_representation
from .attachments import upload_limit_mb
from .base import SectionView

BOARD_STATEMENT_FRAGMENT = "board-statement"


def board_statement(application: Application) -> SafeString:
    """Return the sentence on the saved board's representation, as HTML (a status that names what is missing)."""
    represented = board_representation(application)
    if represented["both"]:
        return format_html(
            '<p class="portal-board-ok">{}</p>', _("Both companies and knowledge institutions are represented.")
        )
    if represented["company"]:
        text = _("Knowledge institutions are not represented on the board yet.")
    elif represented["knowledge_institution"]:
        text = _("Companies are not represented on the board yet.")
    else:
        text = _("Neither companies nor knowledge institutions are represented on the board yet.")
    return format_html('<p class="portal-board-missing"><strong>{}</strong></p>', text)


def replace_board(application: Application, rows: list[dict]) -> bool:
    """Make the application's board exactly `rows`; return whether anything changed."""
    fields = ("name", "affiliation", "employer")
    before = [tuple(getattr(m, f) for f in fields) for m in application.board_members.all()]
    after = [tuple(row.get(f) or "" for f in fields) for row in rows]
    if before == after:
        return False
    application.board_members.all().delete()
    BoardMember.objects.bulk_create(
        BoardMember(application=application, **dict(zip(fields, r, strict=True))) for r in after
    )
    return True


class RequirementsSectionView(SectionView):
    section = "requirements"
    template_name = "applications/sections/requirements.html"

    def requirements(self) -> list:
        if not hasattr(self, "_requirements"):
            self._requirements = list(self.application.call.requirements.all())
        return self._requirements

    def codes(self) -> set[str]:
        return {r.code for r in self.requirements()}

    def get(self, request, *args, **kwargs):
        if request.GET.get("fragment") == BOARD_STATEMENT_FRAGMENT:
            # HTMX asks for the statement again after each autosave (see the template).
            return HttpResponse(board_statement(self.application))
        return super().get(request, *args, **kwargs)

    def get_forms(self, data=None) -> dict:
        application = self.application
        texts = {a.requirement_id: a.text for a in application.requirement_answers.all()}
        forms = {"answers": RequirementAnswersForm(data, requirements=self.requirements(), texts=texts)}
        codes = self.codes()
        if codes & EVIDENCE_FIELDS.keys():
            forms["evidence"] = EvidenceForm(data, instance=application, codes=codes)
        if "board_composition" in codes:
            initial = [
                {"name": m.name, "affiliation": m.affiliation, "employer": m.employer}
                for m in application.board_members.all()
            ]
            # Posted rows are compared with blank rows, not the saved ones: a page from before an autosave posts
            # the saved rows as extra rows, which would count as unchanged blanks and be dropped.
            forms["board"] = BoardFormSet(data, prefix="board", initial=None if data is not None else initial)
        return forms

    def write(self, application, forms) -> list[str]:
        changed = []
        existing = {a.requirement_id: a for a in application.requirement_answers.all()}
        for requirement, text in forms["answers"].texts().items():
            answer = existing.get(requirement.pk)
            if answer is None:
                if text:
                    RequirementAnswer.objects.create(application=application, requirement=requirement, text=text)
                    changed.append(f"requirement:{requirement.code}")
            elif answer.text != text:
                answer.text = text
                answer.save(update_fields=["text"])
                changed.append(f"requirement:{requirement.code}")
        if "evidence" in forms:
            evidence = [
                name for name, value in forms["evidence"].changes().items() if getattr(application, name) != value
            ]
            for name in evidence:
                setattr(application, name, forms["evidence"].cleaned_data[name])
            if evidence:
                application.save(update_fields=[*evidence, "updated_at"])
            changed += evidence
        if "board" in forms and replace_board(application, forms["board"].rows()):
            changed.append("board")
        return changed

    def render_page(self, forms: dict, **kwargs):
        return super().render_page(forms, errors=error_summary(forms), **kwargs)

    def extra_context(self) -> dict:
        application = self.application
        codes = self.codes()
        wanted = {kind for code in codes for kind in EVIDENCE_KINDS.get(code, ())}
        # The latest file of each evidence kind (an upload replaces the earlier one).
        evidence_files = {
            a.kind: a for a in application.attachments.filter(kind__in=wanted).select_related("uploaded_by")
        }
        try:
            organisation_url = reverse("applications:organisation_edit", args=[application.organisation_id])
        except NoReverseMatch:
            organisation_url = ""  # the organisation pages are not there yet: the values are still shown
        return {
            "organisation": application.organisation,
            "organisation_url": organisation_url,
            "evidence_files": evidence_files,
            "upload_kinds": sorted(wanted),
            "board_statement": board_statement(application) if "board_composition" in codes else "",
            "upload_max_mb": upload_limit_mb(),
            "board_statement_url": f"{self.request.path}?fragment={BOARD_STATEMENT_FRAGMENT}",
        }
