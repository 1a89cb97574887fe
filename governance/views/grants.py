"""Grant pages: the organisation's grants, a call's grants for staff (and the "create grants" step), one
grant with its versions, acceptance, the secretariat's source decision and targets, and the indicators."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from applications.views.base import CallPermissionMixin
from clusterfund.documents import documents_of

from ..documents import KIND as LETTER
from ..forms import FiguresForm, SourceDecisionForm
from ..models import GrantVersion, Indicator
from ..selectors.grants import (
    grant_targets,
    grant_versions,
    grants_for_member,
    grants_of_call,
    version_table,
)
from ..selectors.plans import plan_years
from ..services.grants import grant_accept, grant_source_decide, grant_targets_save, grants_create_for_call
from .base import GrantMixin


class MyGrantsView(LoginRequiredMixin, View):
    """The grants of the user's organisations (empty for everyone else)."""

    def get(self, request):
        return render(request, "governance/grants/mine.html", {"grants": list(grants_for_member(user=request.user))})


class CallGrantsView(CallPermissionMixin, View):
    """The call's grants for reviewers; the secretariat creates them from the approved allocation (POST)."""

    permission = "governance.view_grants"

    def get(self, request, slug, errors=None, status=200):
        return render(
            request,
            "governance/grants/call.html",
            {
                "call": self.call,
                "grants": grants_of_call(call=self.call, user=request.user),
                "can_create": request.user.has_perm("governance.create_grants", self.call),
                "errors": errors,
            },
            status=status,
        )

    def post(self, request, slug):
        if not request.user.has_perm("governance.create_grants", self.call):
            raise PermissionDenied
        try:
            created = grants_create_for_call(call=self.call, by=request.user)
        except ValidationError as error:
            return self.get(request, slug, errors=error.messages, status=422)
        if created:
            messages.success(
                request, _("%(count)s grants created; each organisation has been told.") % {"count": len(created)}
            )
        else:
            messages.info(request, _("Every selected organisation already has its grant."))
        return redirect("governance:grants", slug=self.call.slug)


class GrantDetailView(GrantMixin, View):
    def get(self, request, pk):
        grant = self.grant
        table = version_table(version=grant.current_version)
        indicators = list(Indicator.objects.filter(call=grant.call))
        targets = grant_targets(grant=grant)
        user = request.user
        return render(
            request,
            "governance/grants/detail.html",
            {
                "grant": grant,
                "call": grant.call,
                "table": table,
                "versions": grant_versions(grant=grant),
                "years": plan_years(grant=grant),
                "targets": [(indicator, targets.get(indicator.pk)) for indicator in indicators],
                "is_member": user.has_perm("governance.accept_grant", grant),
                "can_decide": user.has_perm("governance.decide_source", grant),
                "can_edit_targets": user.has_perm("governance.edit_targets", grant),
                "letters": list(documents_of(kind=LETTER, subject=grant.current_version)[:1]),
                "letter_kind": LETTER,
            },
        )


class GrantVersionView(GrantMixin, View):
    """One version of the grant, current or old, read-only."""

    def get(self, request, pk, number):
        version = GrantVersion.objects.filter(grant=self.grant, number=number).select_related("created_by").first()
        if version is None:
            raise Http404
        return render(
            request,
            "governance/grants/version.html",
            {
                "grant": self.grant,
                "call": self.grant.call,
                "version": version,
                "table": version_table(version=version),
                "is_current": version.pk == self.grant.current_version_id,
                "letters": list(documents_of(kind=LETTER, subject=version)[:1]),
                "letter_kind": LETTER,
            },
        )


class GrantAcceptView(GrantMixin, View):
    """The organisation accepts the grant's current version (POST only)."""

    permission = "governance.accept_grant"
    http_method_names = ["post"]

    def post(self, request, pk):
        grant_accept(grant=self.grant, by=request.user)
        messages.success(request, _("You have accepted the grant. Thank you."))
        return redirect(self.grant.get_absolute_url())


class GrantSourceView(GrantMixin, View):
    """The secretariat records how a year of the board's grant is financed (a new version)."""

    permission = "governance.decide_source"

    def get(self, request, pk, form=None, status=200):
        return render(
            request,
            "governance/grants/source.html",
            {
                "grant": self.grant,
                "call": self.grant.call,
                "table": version_table(version=self.grant.current_version),
                "form": form or SourceDecisionForm(grant=self.grant),
            },
            status=status,
        )

    def post(self, request, pk):
        form = SourceDecisionForm(request.POST, grant=self.grant)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=422)
        try:
            version = grant_source_decide(
                grant=self.grant,
                year=form.cleaned_data["year"],
                lines=form.lines(),
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.get(request, pk, form=form, status=422)
        messages.success(
            request,
            _("Version %(number)s of the grant is recorded; the organisation has been told.")
            % {"number": version.number},
        )
        return redirect(self.grant.get_absolute_url())


class GrantTargetsView(GrantMixin, View):
    """The secretariat sets the grant's targets per indicator (for the whole grant period)."""

    permission = "governance.edit_targets"

    def form(self, data=None) -> FiguresForm:
        indicators = list(Indicator.objects.filter(call=self.grant.call))
        return FiguresForm(data, indicators=indicators, initial_values=grant_targets(grant=self.grant))

    def get(self, request, pk, form=None, status=200):
        context = {"grant": self.grant, "call": self.grant.call, "form": form or self.form()}
        return render(request, "governance/grants/targets.html", context, status=status)

    def post(self, request, pk):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=422)
        try:
            grant_targets_save(grant=self.grant, values=form.values(), by=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.get(request, pk, form=form, status=422)
        messages.success(request, _("The targets have been saved."))
        return redirect(self.grant.get_absolute_url())


class IndicatorsView(CallPermissionMixin, View):
    """The call's indicator catalogue (edited in the admin)."""

    permission = "governance.view_indicators"

    def get(self, request, slug):
        indicators = list(Indicator.objects.filter(call=self.call))
        return render(
            request,
            "governance/grants/indicators.html",
            {
                "call": self.call,
                "indicators": indicators,
                "can_edit": request.user.has_perm("clusterfund.view_admin_site"),
            },
        )


urlpatterns = [
    path("styring/", MyGrantsView.as_view(), name="my_grants"),
    path("styring/opslag/<slug:slug>/tilsagn/", CallGrantsView.as_view(), name="grants"),
    path("styring/opslag/<slug:slug>/indikatorer/", IndicatorsView.as_view(), name="indicators"),
    path("styring/tilsagn/<int:pk>/", GrantDetailView.as_view(), name="grant"),
    path("styring/tilsagn/<int:pk>/version/<int:number>/", GrantVersionView.as_view(), name="grant_version"),
    path("styring/tilsagn/<int:pk>/accepter/", GrantAcceptView.as_view(), name="grant_accept"),
    path("styring/tilsagn/<int:pk>/finansiering/", GrantSourceView.as_view(), name="grant_source"),
    path("styring/tilsagn/<int:pk>/maal/", GrantTargetsView.as_view(), name="grant_targets"),
]
