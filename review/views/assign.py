"""The reviewer's queue and the secretariat lead's assignment page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from applications.views.base import CallPermissionMixin
from clusterfund.fields import whole_number_or_none
from clusterfund.views_base import PermissionObjectMixin

from ..forms import AssignForm, BulkAssignForm
from ..models import Assignment
from ..selectors.assignments import QueueCall, assignment_overview, review_queue
from ..services import assignment_create, assignment_remove, assignments_create_for_area

_SENTINEL = "987654321"  # stands in for the application's id in a URL reversed once, replaced per entry


def _link_entries(calls: list[QueueCall]) -> None:
    """Give each entry the URLs of the application's conflict, review and joint pages (`entry.links.review`):
    each URL reversed once per page, not once per row."""
    patterns = {name: reverse(f"review:{name}", args=[_SENTINEL]) for name in ("conflict", "review", "joint")}
    for call in calls:
        for entry in call.entries:
            pk = str(entry.application_id)
            entry.links = {name: pattern.replace(_SENTINEL, pk) for name, pattern in patterns.items()}


class QueueView(PermissionObjectMixin, View):
    """The reviewer's assignments with their status, grouped by call (404 for whoever reviews nothing)."""

    permission = "review.view_queue"
    refuse_as_missing = True
    unhandled_method_first = True

    def get(self, request):
        calls = review_queue(user=request.user)
        _link_entries(calls)
        return render(
            request, "review/queue.html", {"calls": calls, "can_assign": request.user.has_perm("review.assign")}
        )


class AssignView(CallPermissionMixin, View):
    """Assign reviewers to one application or to a whole business area; remove unstarted assignments."""

    permission = "review.assign"

    def get(self, request, slug, one=None, bulk=None, status=200):
        rows = assignment_overview(call=self.call)
        return render(
            request,
            "review/assign.html",
            {
                "call": self.call,
                "rows": rows,
                "needing": sum(1 for row in rows if row.needs),
                "one_form": one or AssignForm(call=self.call),
                "bulk_form": bulk or BulkAssignForm(call=self.call),
            },
            status=status,
        )

    def post(self, request, slug):
        action = request.POST.get("action")
        if action == "remove":
            return self.remove(request)
        if action == "bulk":
            form = BulkAssignForm(request.POST, call=self.call)
            if not form.is_valid():
                return self.get(request, slug, bulk=form, status=422)
            try:
                created = assignments_create_for_area(
                    call=self.call,
                    area=form.cleaned_data["area"],
                    reviewer=form.cleaned_data["reviewer"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
                return self.get(request, slug, bulk=form, status=422)
            messages.success(
                request,
                ngettext(
                    "%(reviewer)s was assigned to %(n)s application in %(area)s.",
                    "%(reviewer)s was assigned to %(n)s applications in %(area)s.",
                    len(created),
                )
                % {"reviewer": form.cleaned_data["reviewer"], "n": len(created), "area": form.cleaned_data["area"]},
            )
            return redirect("review:assign", slug=slug)
        form = AssignForm(request.POST, call=self.call)
        if not form.is_valid():
            return self.get(request, slug, one=form, status=422)
        try:
            assignment_create(
                application=form.cleaned_data["application"], reviewer=form.cleaned_data["reviewer"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.get(request, slug, one=form, status=422)
        messages.success(
            request,
            _("%(reviewer)s was assigned to %(organisation)s.")
            % {
                "reviewer": form.cleaned_data["reviewer"],
                "organisation": form.cleaned_data["application"].organisation.name,
            },
        )
        return redirect("review:assign", slug=slug)

    def remove(self, request):
        assignment = get_object_or_404(
            Assignment.objects.select_related("reviewer"),
            pk=whole_number_or_none(request.POST.get("assignment")),
            application__call=self.call,
        )
        try:
            assignment_remove(assignment=assignment, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(reviewer)s is no longer assigned.") % {"reviewer": assignment.reviewer})
        return redirect("review:assign", slug=self.call.slug)
