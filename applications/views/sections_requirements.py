"""The requirements section: how the applicant meets each of the call's requirements, with the evidence."""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ..forms_sections import (
    BoardFormSet,
    EvidenceForm,
    RequirementAnswersForm,
    error_summary,
)
from ..models import Application, Attachment
from ..requirements import attachment_kinds_of, evidence_fields_of, takes_board
from ..selectors import board_representation
from ..services_sections import requirements_save
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


class RequirementsSectionView(SectionView):
    section = "requirements"
    template_name = "applications/sections/requirements.html"
    prefetch = (
        "call__requirements",
        "requirement_answers",
        "board_members",
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
    )

    def requirements(self) -> list:
        if not hasattr(self, "_requirements"):
            self._requirements = list(self.application.call.requirements.all())
        return self._requirements

    def codes(self) -> set[str]:
        return {r.code for r in self.requirements()}

    def wants_board_statement(self) -> bool:
        return self.request.method in ("GET", "HEAD") and self.request.GET.get("fragment") == BOARD_STATEMENT_FRAGMENT

    def get_permission_object(self):
        if self.wants_board_statement():
            # the statement alone: no step guide, only the board
            self.step_guide, self.prefetch = False, ("board_members",)
        return super().get_permission_object()

    def get(self, request, *args, **kwargs):
        if self.wants_board_statement():
            # HTMX asks for the statement again after each autosave (see the template).
            return HttpResponse(board_statement(self.application))
        return super().get(request, *args, **kwargs)

    def get_forms(self, data=None) -> dict:
        application = self.application
        texts = {a.requirement_id: a.text for a in application.requirement_answers.all()}
        forms = {"answers": RequirementAnswersForm(data, requirements=self.requirements(), texts=texts)}
        codes = self.codes()
        if evidence_fields_of(codes):
            forms["evidence"] = EvidenceForm(data, instance=application, codes=codes)
        if takes_board(codes):
            initial = [
                {"name": m.name, "affiliation": m.affiliation, "employer": m.employer}
                for m in application.board_members.all()
            ]
            # Posted rows are compared with blank rows, not the saved ones: a page from before an autosave posts
            # the saved rows as extra rows, which would count as unchanged blanks and be dropped.
            forms["board"] = BoardFormSet(data, prefix="board", initial=None if data is not None else initial)
        return forms

    def save_section(self, forms, *, expected_version):
        return requirements_save(
            application=self.application,
            by=self.request.user,
            expected_version=expected_version,
            answers=forms["answers"].texts(),
            evidence=forms["evidence"].changes() if "evidence" in forms else None,
            board=forms["board"].rows() if "board" in forms else None,
        )

    def render_page(self, forms: dict, **kwargs):
        return super().render_page(forms, errors=error_summary(forms), **kwargs)

    def extra_context(self) -> dict:
        application = self.application
        codes = self.codes()
        wanted = attachment_kinds_of(codes)
        # The latest file of each evidence kind (an upload replaces the earlier one).
        evidence_files = {a.kind: a for a in application.attachments.all() if a.kind in wanted}
        try:
            organisation_url = reverse("applications:organisation_edit", args=[application.organisation_id])
        except NoReverseMatch:
            organisation_url = ""  # the organisation pages are not there yet: the values are still shown
        return {
            "organisation": application.organisation,
            "organisation_url": organisation_url,
            "evidence_files": evidence_files,
            "upload_kinds": sorted(wanted),
            "board_statement": board_statement(application) if takes_board(codes) else "",
            "upload_max_mb": upload_limit_mb(),
            "board_statement_url": f"{self.request.path}?fragment={BOARD_STATEMENT_FRAGMENT}",
        }
