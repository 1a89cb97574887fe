"""The allocation proposals: list and create, the grid (organisation × year), helpers, submission, the
members' approvals, the chair's lock, side by side, differences and exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from applications.views.base import CallPermissionMixin

from ..exports import export_filename
from ..forms import CompareForm, FillForm, GridForm, ReviewForm
from ..models import Proposal
from ..selectors import (
    approval_state,
    call_is_locked,
    frames_of,
    proposal_diff,
    proposal_grid,
    proposals_of,
    selections_of,
    side_by_side,
)
from ..services.approval import proposal_approve, proposal_review, proposal_submit
from ..services.proposals import (
    proposal_amounts_save,
    proposal_copy,
    proposal_create,
    proposal_export,
    proposal_fill,
)
from .base import ProposalPermissionMixin, add_service_errors


def _organisations(call) -> list[tuple[int, str]]:
    return [(s.application_id, s.application.organisation.name) for s in selections_of(call=call, selected_only=True)]


# --- the call's proposals ----------------------------------------------------------------------------------


class ProposalListView(CallPermissionMixin, View):
    permission = "allocation.view_proposals"

    def render_page(self, form=None, status=200):
        can_create = self.request.user.has_perm("allocation.create_proposal", self.call)
        if can_create and form is None:
            form = FillForm(
                organisations=_organisations(self.call),
                with_title=True,
                initial={"method": Proposal.Method.UFM_GRANT, "unit": 1_000},
                prefix="new",
            )
        overview = side_by_side(call=self.call, proposals=[])
        return render(
            self.request,
            "allocation/proposal_list.html",
            {
                "call": self.call,
                "proposals": list(proposals_of(call=self.call)),
                "overview": overview,
                "form": form if can_create else None,
                "locked": call_is_locked(call=self.call),
            },
            status=status,
        )

    def get(self, request, slug):
        return self.render_page()


class ProposalCreateView(ProposalListView):
    def get(self, request, slug):
        return redirect("allocation:proposals", slug=slug)

    def post(self, request, slug):
        if not request.user.has_perm("allocation.create_proposal", self.call):
            raise PermissionDenied
        form = FillForm(request.POST, organisations=_organisations(self.call), with_title=True, prefix="new")
        if not form.is_valid():
            return self.render_page(form, status=422)
        try:
            proposal = proposal_create(
                call=self.call,
                title=form.cleaned_data["title"],
                method=form.cleaned_data["method"],
                unit=form.cleaned_data["unit"],
                bounds=form.bounds(),
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_page(form, status=422)
        messages.success(request, _("Proposal %(number)s is created.") % {"number": proposal.number})
        return redirect(proposal)


# --- one proposal ------------------------------------------------------------------------------------------


class ProposalDetailView(ProposalPermissionMixin, View):
    """The grid with live totals per year against the frame and per organisation over the period; the
    secretariat adjusts amounts here (POST), members and the chair approve below."""

    def forms_for(self, grid, *, grid_form=None, fill_form=None, review_form=None):
        user, proposal = self.request.user, self.proposal
        if grid_form is None and user.has_perm("allocation.edit_proposal", proposal):
            grid_form = GridForm(grid=grid)
        if fill_form is None and user.has_perm("allocation.edit_proposal", proposal):
            organisations = _organisations(self.call)
            initial = {"method": proposal.method if proposal.method != "manual" else "ufm_grant", "unit": proposal.unit}
            for key, (low, high) in (proposal.bounds or {}).items():
                initial[f"min_{key}"], initial[f"max_{key}"] = low, high
            fill_form = FillForm(organisations=organisations, initial=initial, prefix="fill")
        if review_form is None and user.has_perm("allocation.review_proposal", proposal):
            review_form = ReviewForm(prefix="review")
        return grid_form, fill_form, review_form

    def render_page(self, *, status=200, errors=(), grid_form=None, fill_form=None, review_form=None):
        proposal, user = self.proposal, self.request.user
        grid = proposal_grid(proposal=proposal)
        grid_form, fill_form, review_form = self.forms_for(
            grid, grid_form=grid_form, fill_form=fill_form, review_form=review_form
        )
        grid_rows = [
            (
                row,
                [
                    (year, grant, amount, grid_form.field_for(row.application.pk, year) if grid_form else None)
                    for year, grant, amount in row.cells
                ],
            )
            for row in grid.rows
        ]
        return render(
            self.request,
            "allocation/proposal_detail.html",
            {
                "call": self.call,
                "proposal": proposal,
                "grid": grid,
                "grid_rows": grid_rows,
                "grid_form": grid_form,
                "fill_form": fill_form,
                "review_form": review_form,
                "state": approval_state(proposal=proposal),
                "can_submit": user.has_perm("allocation.submit_proposal", proposal),
                "can_lock": user.has_perm("allocation.lock_proposal", proposal),
                "can_copy": user.has_perm("allocation.copy_proposal", self.call),
                "can_export": user.has_perm("allocation.export_proposal", self.call),
                "errors": errors,
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page()

    def post(self, request, pk):
        if not request.user.has_perm("allocation.edit_proposal", self.proposal):
            raise PermissionDenied
        grid = proposal_grid(proposal=self.proposal, with_results=False)
        form = GridForm(request.POST, grid=grid)
        if not form.is_valid():
            return self.render_page(status=422, grid_form=form)
        try:
            changes = proposal_amounts_save(
                proposal=self.proposal,
                amounts=form.amounts(),
                expected_revision=form.cleaned_data["revision"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_page(status=422, grid_form=form)
        if changes:
            messages.success(request, _("The amounts are saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect(self.proposal)


class ProposalFillView(ProposalDetailView):
    action_permission = "allocation.edit_proposal"

    def get(self, request, pk):
        return redirect(self.proposal)

    def post(self, request, pk):
        form = FillForm(request.POST, organisations=_organisations(self.call), prefix="fill")
        revision = request.POST.get("revision")
        if not form.is_valid():
            return self.render_page(status=422, fill_form=form)
        try:
            proposal_fill(
                proposal=self.proposal,
                method=form.cleaned_data["method"],
                unit=form.cleaned_data["unit"],
                bounds=form.bounds(),
                expected_revision=int(revision) if revision and revision.isascii() and revision.isdigit() else None,
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_page(status=422, fill_form=form)
        messages.success(request, _("The proposal is filled again. Adjust the amounts by hand if needed."))
        return redirect(self.proposal)


class ProposalSubmitView(ProposalDetailView):
    action_permission = "allocation.submit_proposal"

    def get(self, request, pk):
        return redirect(self.proposal)

    def post(self, request, pk):
        try:
            proposal_submit(proposal=self.proposal, by=request.user)
        except ValidationError as error:
            return self.render_page(status=422, errors=error.messages)
        messages.success(request, _("The proposal is submitted to the sub-committee."))
        return redirect(self.proposal)


class ProposalReviewView(ProposalDetailView):
    action_permission = "allocation.review_proposal"

    def get(self, request, pk):
        return redirect(self.proposal)

    def post(self, request, pk):
        form = ReviewForm(request.POST, prefix="review")
        if not form.is_valid():
            return self.render_page(status=422, review_form=form)
        try:
            approval = proposal_review(
                proposal=self.proposal,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_page(status=422, review_form=form)
        if approval.decision == "approve":
            messages.success(request, _("Your approval is recorded."))
        else:
            messages.success(request, _("Your comment is recorded."))
        return redirect(self.proposal)


class ProposalLockView(ProposalDetailView):
    """The chair's approval, which locks the proposal."""

    action_permission = "allocation.lock_proposal"

    def get(self, request, pk):
        return redirect(self.proposal)

    def post(self, request, pk):
        try:
            proposal_approve(proposal=self.proposal, by=request.user)
        except ValidationError as error:
            return self.render_page(status=422, errors=error.messages)
        messages.success(request, _("The allocation is approved and locked. The organisations have been told."))
        return redirect(self.proposal)


class ProposalCopyView(ProposalDetailView):
    def get(self, request, pk):
        return redirect(self.proposal)

    def post(self, request, pk):
        if not request.user.has_perm("allocation.copy_proposal", self.call):
            raise PermissionDenied
        copy = proposal_copy(proposal=self.proposal, by=request.user)
        messages.success(
            request,
            _("Proposal %(number)s is a new draft, copied from proposal %(source)s.")
            % {"number": copy.number, "source": self.proposal.number},
        )
        return redirect(copy)


class ProposalExportView(ProposalPermissionMixin, View):
    def get(self, request, pk, fmt):
        if fmt not in ("csv", "xlsx") or not request.user.has_perm("allocation.export_proposal", self.call):
            raise Http404
        body = proposal_export(proposal=self.proposal, fmt=fmt, by=request.user)
        if fmt == "csv":
            content_type = "text/csv; charset=utf-8"
        else:
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(self.proposal, fmt)}"'
        return response


# --- comparing ---------------------------------------------------------------------------------------------


class CompareView(CallPermissionMixin, View):
    """Every proposal side by side (proposal × organisation × year), and the difference between two."""

    permission = "allocation.view_proposals"

    def get(self, request, slug):
        table = side_by_side(call=self.call)
        form = CompareForm(request.GET or None, call=self.call)
        diff = None
        if form.is_bound and form.is_valid():
            a, b = form.cleaned_data["a"], form.cleaned_data["b"]
            years, rows = proposal_diff(a=a, b=b)
            diff = {"a": a, "b": b, "years": years, "rows": rows}
        return render(
            request,
            "allocation/compare.html",
            {
                "call": self.call,
                "table": table,
                "frames": frames_of(call=self.call),
                "form": form,
                "diff": diff,
            },
            status=422 if form.is_bound and not form.is_valid() else 200,
        )
