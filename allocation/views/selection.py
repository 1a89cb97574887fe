"""UFM's pages: the joint assessments' ranking per business area, and the form for the minister's decision."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from applications.models import Application, Funder
from applications.views.base import CallPermissionMixin
from clusterfund.views_base import PermissionObjectMixin

from ..forms import SelectionForm
from ..models import Selection
from ..selectors import call_is_locked, frames_of, grant_totals, joint_result, selection_overview
from ..services.selection import IN_REVIEW, selection_record
from .base import add_service_errors


def _grant_years(call) -> list[int]:
    """Return the years UFM can grant in: those with a UFM frame (all the call's years if none is set)."""
    years = sorted(frames_of(call=call, funder=Funder.UFM))
    return years or call.years


class SelectionListView(CallPermissionMixin, View):
    permission = "allocation.view_selections"

    def get(self, request, slug):
        years = _grant_years(self.call)
        frames = frames_of(call=self.call, funder=Funder.UFM)
        totals = grant_totals(call=self.call)
        groups = selection_overview(call=self.call)
        for group in groups:
            for row in group.rows:
                grants = row.grants
                row.grant_cells = [grants.get(year) for year in years]
        ufm_totals = []
        for year in years:
            frame = frames.get(year)
            total = totals.get(year, 0)
            ufm_totals.append((year, total, frame, frame.amount - total if frame else None))
        return render(
            request,
            "allocation/selection_list.html",
            {
                "call": self.call,
                "groups": groups,
                "years": years,
                "ufm_totals": ufm_totals,
                "can_record": request.user.has_perm("allocation.record_selection", self.call),
                "locked": call_is_locked(call=self.call),
            },
        )


class SelectionRecordView(PermissionObjectMixin, View):
    """Record or change the minister's decision on one application (UFM only)."""

    permission = "allocation.record_selection"  # asked about the application's call

    def get_permission_object(self):
        self.application = get_object_or_404(
            Application.objects.select_related("call", "organisation", "business_area"), pk=self.kwargs["pk"]
        )
        self.call = self.application.call
        if self.application.status not in IN_REVIEW or not self.request.user.has_perm(
            "allocation.view_selections", self.call
        ):
            raise Http404
        return self.application

    def check_access(self, request):
        self.require(self.permission, self.call)  # staff who may see the selections: 403
        self.selection = Selection.objects.filter(application=self.application).prefetch_related("grants").first()
        return None

    def initial(self) -> dict:
        selection = self.selection
        if selection is None:
            return {}
        initial = {
            "decision": selection.decision,
            "decision_date": selection.decision_date,
            "case_number": selection.case_number,
            "note": selection.note,
        }
        for grant in selection.grants.all():
            initial[f"grant_{grant.year}"] = grant.amount
        return initial

    def render_page(self, form, status=200):
        return render(
            self.request,
            "allocation/selection_form.html",
            {
                "call": self.call,
                "application": self.application,
                "selection": self.selection,
                "result": joint_result(application=self.application),
                "form": form,
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(SelectionForm(initial=self.initial(), years=_grant_years(self.call)))

    def post(self, request, pk):
        form = SelectionForm(request.POST, years=_grant_years(self.call))
        if not form.is_valid():
            return self.render_page(form, status=422)
        data = form.cleaned_data
        try:
            selection_record(
                application=self.application,
                decision=data["decision"],
                decision_date=data["decision_date"],
                case_number=data["case_number"],
                note=data["note"],
                grants=form.grants(),
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_page(form, status=422)
        messages.success(
            request,
            _("The decision on %(name)s is recorded and the applicant has been told.")
            % {"name": self.application.organisation.name},
        )
        return redirect(reverse("allocation:selections", args=[self.call.slug]) + f"#application-{self.application.pk}")
