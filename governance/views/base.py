"""What the governance pages share: load the grant or plan named in the URL and answer 404 unless the user
may see it (another organisation's grant does not exist for them), 403 when they may see it but not do
what the view does."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ..models import ActionPlan, Grant
from ..selectors.plans import plan_for_page


class GrantMixin(LoginRequiredMixin):
    """Load `self.grant` from the URL's `pk`; 404 unless the user may view it; 403 without `permission`."""

    permission = "governance.view_grant"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.grant = Grant.objects.select_related("call", "organisation", "application", "current_version").get(
                pk=kwargs["pk"]
            )
        except Grant.DoesNotExist as missing:
            raise Http404 from missing
        if not request.user.has_perm("governance.view_grant", self.grant):
            raise Http404
        if not request.user.has_perm(self.permission, self.grant):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PlanMixin(LoginRequiredMixin):
    """Load `self.plan` from the URL's `pk`; 404 unless the user may view it; 403 without `permission`."""

    permission = "governance.view_plan"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.plan = plan_for_page(pk=kwargs["pk"])
        except ActionPlan.DoesNotExist as missing:
            raise Http404 from missing
        if not request.user.has_perm("governance.view_plan", self.plan):
            raise Http404
        self.grant = self.plan.grant
        if not self.allowed():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def allowed(self) -> bool:
        return self.request.user.has_perm(self.permission, self.plan)


def posted_int(request, name: str, *, missing: int = -1) -> int:
    """Return the POSTed integer `name` (`missing` if absent or garbled)."""
    try:
        return int(request.POST.get(name, missing))
    except (TypeError, ValueError):
        return missing
