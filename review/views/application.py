"""One application's review: the conflict-of-interest declaration, the review page and the history."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from applications.selectors import budget_summary

from ..forms import CheckForm, ConflictForm, ScoreForm
from ..scoring import formula_text, weighted_totals
from ..selectors.checks import requirement_suggestions
from ..selectors.history import application_history
from ..selectors.scores import scores_by_criterion
from ..selectors.visibility import others_visible
from ..services import conflict_declare, review_save, review_submit
from .base import ApplicationPermissionMixin


def error_summary(forms) -> list[tuple[str, str]]:
    """Return (element id, message) for every error in `forms`, for the page's error summary."""
    errors = []
    for form in forms:
        for name, field_errors in form.errors.items():
            if name not in form.fields:
                errors += [("", message) for message in field_errors]
                continue
            bound = form[name]
            radio = getattr(form.fields[name].widget, "input_type", "") == "radio"
            target = f"{bound.auto_id}_0" if radio else bound.id_for_label  # a radio group: its first input
            errors += [(target, f"{bound.label}: {message}") for message in field_errors]
    return errors


def application_content(application) -> dict:
    """Return what the review page shows of the application (read-only), prefetched."""
    return {
        "requirement_answers": {a.requirement_id: a.text for a in application.requirement_answers.all()},
        "board_members": list(application.board_members.all()),
        "locations": list(application.locations.all()),
        "activities": list(application.activities.select_related("activity_type").prefetch_related("actors")),
        "partners": list(application.partners.all()),
        "attachments": list(application.attachments.all()),
        "budget": budget_summary(application=application),
    }


class ConflictView(ApplicationPermissionMixin, View):
    """Shown before an assigned application opens: the reviewer declares a conflict of interest or none."""

    permission = "review.declare_conflict"

    def check_access(self, request):
        if self.own is None:
            raise Http404
        return super().check_access(request)

    def get(self, request, pk, form=None, status=200):
        initial = {"conflict": self.own.conflict} if self.own.conflict else {}
        return render(
            request,
            "review/conflict.html",
            {
                "application": self.application,
                "call": self.call,
                "assignment": self.own,
                "form": form or ConflictForm(initial=initial),
                "board_members": list(self.application.board_members.all()),
                "partners": list(self.application.partners.all()),
            },
            status=status,
        )

    def post(self, request, pk):
        form = ConflictForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=422)
        try:
            assignment = conflict_declare(
                assignment=self.own,
                by=request.user,
                conflict=form.cleaned_data["conflict"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.get(request, pk, form=form, status=422)
        if assignment.is_conflicted:
            messages.info(
                request,
                _(
                    "You have declared a conflict of interest. The application is closed to you; "
                    "the lead will assign someone else."
                ),
            )
            return redirect("review:queue")
        return redirect("review:review", pk=pk)


class ReviewView(ApplicationPermissionMixin, View):
    """The reviewer's page: the application side by side with the requirement checks and the scores."""

    permission = "review.review_application"

    def check_access(self, request):
        if self.own is None:
            raise Http404
        if not self.own.is_declared:
            return redirect("review:conflict", pk=self.application.pk)
        return super().check_access(request)

    def get_forms(self, data=None):
        suggestions = requirement_suggestions(application=self.application)
        checks = {c.requirement_id: c for c in self.own.requirement_checks.all()}
        scores = {s.criterion_id: s for s in self.own.scores.all()}
        check_forms = []
        for number, requirement in enumerate(self.call.requirements.all(), start=1):
            saved = checks.get(requirement.pk)
            if saved:
                initial = {"verdict": saved.verdict, "note": saved.note}
            else:  # pre-filled with what the application's data suggests; saved when the reviewer saves
                initial = {"verdict": suggestions[requirement.pk].verdict or ""}
            form = CheckForm(
                data, prefix=f"req-{requirement.pk}", requirement=requirement, number=number, initial=initial
            )
            check_forms.append((requirement, suggestions[requirement.pk], saved, form))
        score_forms = []
        for criterion in self.call.criteria.all():
            saved = scores.get(criterion.pk)
            initial = {"value": saved.value, "justification": saved.justification} if saved else {}
            form = ScoreForm(data, prefix=f"crit-{criterion.pk}", criterion=criterion, initial=initial)
            score_forms.append((criterion, saved, form))
        return check_forms, score_forms

    def render_page(self, check_forms, score_forms, *, status=200, errors=(), missing=()):
        application = self.application
        include_others = self.own.is_submitted and others_visible(call=self.call, own=self.own)
        by_criterion = {
            row.criterion.pk: row
            for row in scores_by_criterion(
                application=application, viewer=self.request.user, include_others=include_others
            )
        }
        content = application_content(application)
        criteria_rows = [(criterion, saved, form, by_criterion[criterion.pk]) for criterion, saved, form in score_forms]
        requirement_rows = [
            (requirement, suggestion, saved, form, content["requirement_answers"].get(requirement.pk, ""))
            for requirement, suggestion, saved, form in check_forms
        ]
        return render(
            self.request,
            "review/review.html",
            {
                "application": application,
                "call": self.call,
                "assignment": self.own,
                "locked": self.own.is_submitted,
                "requirement_rows": requirement_rows,
                "criteria_rows": criteria_rows,
                "include_others": include_others,
                "errors": errors,
                "missing": missing,
                "can_view_history": self.request.user.has_perm("review.view_history", application),
                "formula": formula_text([criterion for criterion, _saved, _form in score_forms]),
                "own_totals": weighted_totals(
                    [criterion for criterion, _saved, _form in score_forms],
                    {criterion.pk: saved.value for criterion, saved, _form in score_forms if saved},
                ),
                **content,
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(*self.get_forms())

    def post(self, request, pk):
        if self.own.is_submitted:
            messages.error(request, _("Your review has been submitted and is locked."))
            return redirect("review:review", pk=pk)
        check_forms, score_forms = self.get_forms(request.POST)
        forms = [f for *_rest, f in check_forms] + [f for *_rest, f in score_forms]
        if not all(form.is_valid() for form in forms):
            return self.render_page(check_forms, score_forms, status=422, errors=error_summary(forms))
        try:
            review_save(
                assignment=self.own,
                by=request.user,
                checks=[i for f in forms[: len(check_forms)] if (i := f.as_input())],
                scores=[i for f in forms[len(check_forms) :] if (i := f.as_input())],
            )
        except PermissionDenied as denied:
            raise Http404 from denied
        except ValidationError as error:
            return self.render_page(
                check_forms, score_forms, status=422, errors=[("", message) for message in error.messages]
            )
        if request.POST.get("action") != "submit":
            messages.success(request, _("Your draft has been saved."))
            return redirect("review:review", pk=pk)
        self.own.refresh_from_db()
        try:
            review_submit(assignment=self.own, by=request.user)
        except ValidationError as error:
            return self.render_page(check_forms, score_forms, status=422, missing=error.messages)
        messages.success(request, _("Your review has been submitted. It is now locked."))
        return redirect("review:review", pk=pk)


ACTION_LABELS = {
    "application.create": gettext_lazy("Application started"),
    "application.section_save": gettext_lazy("Section saved"),
    "application.attachment_add": gettext_lazy("Attachment added"),
    "application.attachment_remove": gettext_lazy("Attachment removed"),
    "application.submit": gettext_lazy("Application submitted"),
    "application.withdraw": gettext_lazy("Application withdrawn"),
    "application.transition": gettext_lazy("Status changed"),
    "review.assign": gettext_lazy("Reviewer assigned"),
    "review.unassign": gettext_lazy("Reviewer removed"),
    "review.conflict_declare": gettext_lazy("Conflict of interest declaration"),
    "review.requirement_check": gettext_lazy("Requirement checked"),
    "review.score": gettext_lazy("Score recorded"),
    "review.submit": gettext_lazy("Review submitted"),
    "review.joint_score": gettext_lazy("Consensus score recorded"),
    "review.joint_verdict": gettext_lazy("Joint verdict recorded"),
    "review.joint_confirm": gettext_lazy("Joint assessment confirmed"),
    "review.joint_confirmations_withdrawn": gettext_lazy("Confirmations withdrawn after a change"),
}


def event_details(event) -> list[str]:
    """Return the event's changes as short lines: "field: before → after" or "field: value"."""
    lines = []
    for key, value in event.after.items():
        if key in event.before and event.before[key] != value:
            lines.append(f"{key}: {event.before[key]} → {value}")
        else:
            lines.append(f"{key}: {value}")
    for key, value in event.before.items():
        if key not in event.after:
            lines.append(f"{key}: {value} → –")
    return lines


class HistoryView(ApplicationPermissionMixin, View):
    """The audit trail of the application and its review, for staff."""

    permission = "review.view_history"

    def get(self, request, pk):
        events = application_history(application=self.application, viewer=request.user)
        rows = [(event, ACTION_LABELS.get(event.action, event.action), event_details(event)) for event in events]
        return render(
            request,
            "review/history.html",
            {"application": self.application, "call": self.call, "rows": rows, "assignment": self.own},
        )
