"""Action plan pages: the organisation files the plan (aims, activities with actors and budget per funder,
planned figures) and submits it; reviewers see the queue, the frozen versions with what changed, and approve
or ask for changes on named sections.

Every form carries the plan's revision; a page saved from an older revision is refused with 409 and the
colleague's newer state named (as the application's sections do).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from applications.forms_lists import table_helper, with_added_row, without_errors
from applications.views.base import CallPermissionMixin
from clusterfund.fields import posted_int
from clusterfund.roles import roles_of
from review.models import Side

from ..forms import ActorFormSet, AimsForm, ChangesForm, FiguresForm, PlanActivityForm
from ..models import Indicator, PlanActivity, PlanReviewNote
from ..selectors.plans import live_approvals, plan_diff, plan_queue, plan_state, version_pair
from ..services.common import VersionConflict
from ..services.plans import (
    plan_activity_delete,
    plan_activity_save,
    plan_aims_save,
    plan_approve,
    plan_figures_save,
    plan_request_changes,
    plan_start,
    plan_submit,
)
from .base import GrantMixin, PlanMixin

ACTORS = "actors"


class PlanStartView(GrantMixin, View):
    """Start (or open) the grant's plan for a year (POST), then go to it."""

    permission = "governance.start_plan"
    http_method_names = ["post"]

    def post(self, request, pk, year):
        try:
            plan = plan_start(grant=self.grant, year=year, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.grant.get_absolute_url())
        return redirect(plan.get_absolute_url())


def _notes(plan) -> list[PlanReviewNote]:
    return list(plan.notes.select_related("author", "activity").order_by("-version_number", "created_at"))


class PlanView(PlanMixin, View):
    """The plan's overview: status, aims, activities with what is wrong with them, budget against the
    grant per funder, planned figures, the reviewers' notes and the submitted versions."""

    def get(self, request, pk):
        plan = self.plan
        state = plan_state(plan=plan)
        user = request.user
        return render(
            request,
            "governance/plans/detail.html",
            {
                "plan": plan,
                "grant": plan.grant,
                "call": plan.grant.call,
                "state": state,
                "figures": [(i, state.figures.get(i.pk)) for i in state.indicators],
                "notes": _notes(plan),
                "versions": list(plan.versions.select_related("submitted_by").order_by("-number")),
                "approvals": live_approvals(plan=plan),
                "can_edit": user.has_perm("governance.edit_plan", plan),
                "can_review": user.has_perm("governance.review_plan", plan),
            },
        )


class PlanEditMixin(PlanMixin):
    """Pages that change the plan: the organisation's members only (403 for reviewers); a plan that is not
    editable sends the member back to its page with a message."""

    permission = "governance.start_plan"

    def refuse_unless_editable(self):
        if self.plan.is_editable:
            return None
        messages.error(
            self.request,
            _("The plan is “%(status)s” and cannot be changed now.") % {"status": self.plan.get_status_display()},
        )
        return redirect(self.plan.get_absolute_url())

    def render_page(self, template: str, context: dict, *, status: int = 200) -> HttpResponse:
        context = {"plan": self.plan, "grant": self.plan.grant, "call": self.plan.grant.call, **context}
        return render(self.request, template, context, status=status)

    def conflict_context(self, conflict: VersionConflict) -> dict:
        return {"conflict": conflict, "revision": conflict.current_revision}


class PlanAimsView(PlanEditMixin, View):
    def get(self, request, pk):
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        form = AimsForm(initial={"summary": self.plan.summary})
        return self.render_page("governance/plans/aims.html", {"form": form, "revision": self.plan.revision})

    def post(self, request, pk):
        htmx = bool(request.headers.get("HX-Request"))
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        form = AimsForm(request.POST)
        revision = posted_int(request, "revision")
        if not form.is_valid():
            if htmx:
                return render(request, "governance/plans/_save_status.html", {"invalid": True})
            return self.render_page("governance/plans/aims.html", {"form": form, "revision": revision}, status=422)
        try:
            plan = plan_aims_save(
                plan=self.plan, summary=form.cleaned_data["summary"], expected_revision=revision, by=request.user
            )
        except VersionConflict as conflict:
            if htmx:
                return render(request, "governance/plans/_save_status.html", {"conflict": conflict})
            context = {"form": form, **self.conflict_context(conflict)}
            return self.render_page("governance/plans/aims.html", context, status=409)
        except ValidationError as error:  # e.g. submitted by a colleague a moment ago
            messages.error(request, " ".join(error.messages))
            return redirect(self.plan.get_absolute_url())
        if htmx:
            # autosave: say when, and hand the page the new revision for its next save
            context = {"saved_at": plan.updated_at, "revision": plan.revision}
            return render(request, "governance/plans/_save_status.html", context)
        messages.success(request, _("The aims have been saved."))
        return redirect(self.plan.get_absolute_url())


class PlanActivityView(PlanEditMixin, View):
    """Add an activity (no `activity_pk`) or change one, with its actors."""

    def get_activity(self) -> PlanActivity | None:
        activity_pk = self.kwargs.get("activity_pk")
        if activity_pk is None:
            return None
        activity = self.plan.activities.filter(pk=activity_pk).select_related("activity_type").first()
        if activity is None:
            raise Http404
        return activity

    def get_forms(self, activity, data=None) -> dict:
        call = self.plan.grant.call
        initial = None
        actors_initial = None
        if activity is not None and data is None:
            initial = {
                "activity_type": activity.activity_type_id,
                "title": activity.title,
                "description": activity.description,
                "starts_on": activity.starts_on,
                "ends_on": activity.ends_on,
                "regions": activity.regions,
                "budget_board": activity.budget_board,
                "budget_ufm": activity.budget_ufm,
            }
            actors_initial = [{"name": a.name, "kind": a.kind, "cvr": a.cvr} for a in activity.actors.order_by("pk")]
        return {
            "form": PlanActivityForm(data, initial=initial, call=call, year=self.plan.year),
            "formset": ActorFormSet(data, initial=actors_initial, prefix=ACTORS),
        }

    def show(self, activity, forms: dict, *, revision: int, status: int = 200, **extra) -> HttpResponse:
        context = {"activity": activity, "revision": revision, "actor_helper": table_helper(), **forms, **extra}
        return self.render_page("governance/plans/activity_form.html", context, status=status)

    def get(self, request, pk, activity_pk=None):
        activity = self.get_activity()
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        return self.show(activity, self.get_forms(activity), revision=self.plan.revision)

    def post(self, request, pk, activity_pk=None):
        activity = self.get_activity()
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        revision = posted_int(request, "revision")
        if "add_actor_row" in request.POST:
            forms = self.get_forms(activity, with_added_row(request.POST, ACTORS))
            without_errors(*forms.values())
            return self.show(activity, forms, revision=revision)
        forms = self.get_forms(activity, request.POST)
        if not all(item.is_valid() for item in forms.values()):
            return self.show(activity, forms, revision=revision, status=422)
        try:
            saved = plan_activity_save(
                plan=self.plan,
                activity=activity,
                fields=forms["form"].fields_for_service(),
                actors=forms["formset"].actors(),
                expected_revision=revision,
                by=request.user,
            )
        except VersionConflict as conflict:
            return self.show(activity, forms, revision=revision, status=409, conflict=conflict)
        except ValidationError as error:
            return self.show(activity, forms, revision=revision, status=422, errors=error.messages)
        messages.success(request, _("The activity “%(title)s” has been saved.") % {"title": saved.title})
        return redirect(f"{self.plan.get_absolute_url()}#activity-{saved.pk}")


class PlanActivityDeleteView(PlanActivityView):
    def get(self, request, pk, activity_pk):
        activity = self.get_activity()
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        context = {"activity": activity, "revision": self.plan.revision, "deleting": True}
        return self.render_page("governance/plans/activity_form.html", context)

    def post(self, request, pk, activity_pk):
        activity = self.get_activity()
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        revision = posted_int(request, "revision")
        try:
            plan_activity_delete(plan=self.plan, activity=activity, expected_revision=revision, by=request.user)
        except VersionConflict as conflict:
            context = {"activity": activity, "deleting": True, **self.conflict_context(conflict)}
            return self.render_page("governance/plans/activity_form.html", context, status=409)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.plan.get_absolute_url())
        messages.success(request, _("The activity “%(title)s” has been deleted.") % {"title": activity.title})
        return redirect(self.plan.get_absolute_url())


class PlanFiguresView(PlanEditMixin, View):
    """The planned figure per indicator of the call."""

    def form(self, data=None) -> FiguresForm:
        indicators = list(Indicator.objects.filter(call_id=self.plan.grant.call_id))
        initial = dict(self.plan.figures.values_list("indicator_id", "value"))
        return FiguresForm(data, indicators=indicators, initial_values=initial)

    def get(self, request, pk):
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        return self.render_page("governance/plans/figures.html", {"form": self.form(), "revision": self.plan.revision})

    def post(self, request, pk):
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        form = self.form(request.POST)
        revision = posted_int(request, "revision")
        if not form.is_valid():
            return self.render_page("governance/plans/figures.html", {"form": form, "revision": revision}, status=422)
        try:
            plan_figures_save(plan=self.plan, values=form.values(), expected_revision=revision, by=request.user)
        except VersionConflict as conflict:
            context = {"form": form, **self.conflict_context(conflict)}
            return self.render_page("governance/plans/figures.html", context, status=409)
        except ValidationError as error:
            context = {"form": form, "revision": revision, "errors": error.messages}
            return self.render_page("governance/plans/figures.html", context, status=422)
        messages.success(request, _("The planned figures have been saved."))
        return redirect(self.plan.get_absolute_url())


class PlanSubmitView(PlanEditMixin, View):
    """Show what stops the plan from being submitted, or submit it (POST)."""

    def get(self, request, pk, errors=None, status=200):
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        state = plan_state(plan=self.plan)
        context = {"state": state, "revision": self.plan.revision, "errors": errors}
        return self.render_page("governance/plans/submit.html", context, status=status)

    def post(self, request, pk):
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        try:
            version = plan_submit(plan=self.plan, by=request.user, expected_revision=posted_int(request, "revision"))
        except VersionConflict:
            messages.error(request, _("A colleague changed the plan meanwhile. Check it and submit again."))
            return redirect("governance:plan_submit", pk=self.plan.pk)
        except ValidationError as error:
            return self.get(request, pk, errors=error.messages, status=422)
        messages.success(
            request,
            _("Version %(number)s of the plan has been submitted to the secretariat and UFM.")
            % {"number": version.number},
        )
        return redirect(self.plan.get_absolute_url())


class PlanVersionView(PlanMixin, View):
    """A submitted version, frozen, with what changed since the version before it, field by field."""

    def get(self, request, pk, number):
        current, previous = version_pair(plan=self.plan, number=number)
        if current is None:
            raise Http404
        return render(
            request,
            "governance/plans/version.html",
            {
                "plan": self.plan,
                "grant": self.plan.grant,
                "call": self.plan.grant.call,
                "version": current,
                "previous": previous,
                "snapshot": current.snapshot,
                "diff": plan_diff(before=previous.snapshot if previous else None, after=current.snapshot),
            },
        )


class PlanQueueView(CallPermissionMixin, View):
    """The plans of a call the reviewer may review (never one they declared a conflict on)."""

    permission = "governance.view_plan_queue"

    def get(self, request, slug):
        rows = plan_queue(user=request.user, call=self.call)
        return render(request, "governance/plans/queue.html", {"call": self.call, "rows": rows})


class PlanReviewView(PlanMixin, View):
    """The reviewer's page: the latest version against the one before, the approvals, and the two actions:
    approve for one's side, or ask for changes with a note per named section."""

    permission = "governance.view_plan"

    def allowed(self) -> bool:
        from ..rules import is_grant_reviewer

        return is_grant_reviewer(self.request.user, self.plan)

    def get(self, request, pk, form=None, errors=None, status=200):
        current, previous = version_pair(plan=self.plan)
        user = request.user
        approvals = live_approvals(plan=self.plan)
        sides = [side for side in (Side.SECRETARIAT, Side.UFM) if side in roles_of(user)]
        return render(
            request,
            "governance/plans/review.html",
            {
                "plan": self.plan,
                "grant": self.plan.grant,
                "call": self.plan.grant.call,
                "version": current,
                "previous": previous,
                "diff": plan_diff(before=previous.snapshot if previous else None, after=current.snapshot)
                if current
                else [],
                "approval_rows": [(label, approvals.get(side)) for side, label in Side.choices],
                "notes": _notes(self.plan),
                "form": form or ChangesForm(),
                "errors": errors,
                "can_review": user.has_perm("governance.review_plan", self.plan),
                "sides": sides,
                "side_labels": dict(Side.choices),
            },
            status=status,
        )

    def post(self, request, pk):
        if not request.user.has_perm("governance.review_plan", self.plan):
            messages.error(
                request,
                _("The plan is “%(status)s” and is not waiting for review.")
                % {"status": self.plan.get_status_display()},
            )
            return redirect("governance:plan_review", pk=self.plan.pk)
        side = request.POST.get("side") or None
        if request.POST.get("action") == "approve":
            try:
                plan = plan_approve(
                    plan=self.plan, by=request.user, expected_revision=posted_int(request, "revision"), side=side
                )
            except VersionConflict:
                messages.error(request, _("The plan changed after you opened it. Read it again before approving."))
                return redirect("governance:plan_review", pk=self.plan.pk)
            except ValidationError as error:
                return self.get(request, pk, errors=error.messages, status=422)
            if plan.status == plan.Status.APPROVED:
                messages.success(request, _("The plan is approved by both the secretariat and UFM."))
            else:
                messages.success(request, _("Your approval is recorded. The plan waits for the other side's approval."))
            return redirect("governance:plan_review", pk=self.plan.pk)
        form = ChangesForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=422)
        try:
            plan_request_changes(plan=self.plan, notes=form.notes(), by=request.user, side=side)
        except ValidationError as error:
            return self.get(request, pk, form=form, errors=error.messages, status=422)
        messages.success(request, _("The plan has been sent back to the organisation with your notes."))
        return redirect("governance:plan_review", pk=self.plan.pk)


urlpatterns = [
    path("styring/tilsagn/<int:pk>/handlingsplan/<int:year>/", PlanStartView.as_view(), name="plan_start"),
    path("styring/opslag/<slug:slug>/handlingsplaner/", PlanQueueView.as_view(), name="plan_queue"),
    path("styring/handlingsplan/<int:pk>/", PlanView.as_view(), name="plan"),
    path("styring/handlingsplan/<int:pk>/formaal/", PlanAimsView.as_view(), name="plan_aims"),
    path("styring/handlingsplan/<int:pk>/aktiviteter/ny/", PlanActivityView.as_view(), name="plan_activity_create"),
    path(
        "styring/handlingsplan/<int:pk>/aktiviteter/<int:activity_pk>/",
        PlanActivityView.as_view(),
        name="plan_activity_edit",
    ),
    path(
        "styring/handlingsplan/<int:pk>/aktiviteter/<int:activity_pk>/slet/",
        PlanActivityDeleteView.as_view(),
        name="plan_activity_delete",
    ),
    path("styring/handlingsplan/<int:pk>/tal/", PlanFiguresView.as_view(), name="plan_figures"),
    path("styring/handlingsplan/<int:pk>/indsend/", PlanSubmitView.as_view(), name="plan_submit"),
    path("styring/handlingsplan/<int:pk>/version/<int:number>/", PlanVersionView.as_view(), name="plan_version"),
    path("styring/handlingsplan/<int:pk>/vurdering/", PlanReviewView.as_view(), name="plan_review"),
]
