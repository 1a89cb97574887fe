"""What the governance pages share: load the grant or plan named in the URL and answer 404 unless the user
may see it (another organisation's grant does not exist for them), 403 when they may see it but not do
what the view does."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from clusterfund.views_base import PermissionObjectMixin

from ..models import ActionPlan, Grant
from ..selectors.plans import plan_for_page


class GrantMixin(PermissionObjectMixin):
    """Load `self.grant` from the URL's `pk`; 404 unless the user may view it; 403 without `permission`."""

    permission = "governance.view_grant"

    def get_permission_object(self):
        try:
            self.grant = Grant.objects.select_related("call", "organisation", "application", "current_version").get(
                pk=self.kwargs["pk"]
            )
        except Grant.DoesNotExist as missing:
            raise Http404 from missing
        return self.grant

    def has_permission(self) -> bool:
        return self.request.user.has_perm("governance.view_grant", self.grant)

    def check_access(self, request):
        super().check_access(request)
        self.require(self.permission)
        return None


class PlanMixin(PermissionObjectMixin):
    """Load `self.plan` from the URL's `pk`; 404 unless the user may view it; 403 without `permission`."""

    permission = "governance.view_plan"

    def get_permission_object(self):
        try:
            self.plan = plan_for_page(pk=self.kwargs["pk"])
        except ActionPlan.DoesNotExist as missing:
            raise Http404 from missing
        return self.plan

    def has_permission(self) -> bool:
        return self.request.user.has_perm("governance.view_plan", self.plan)

    def check_access(self, request):
        super().check_access(request)
        self.grant = self.plan.grant
        if not self.allowed():
            raise PermissionDenied
        return None

    def allowed(self) -> bool:
        return self.request.user.has_perm(self.permission, self.plan)
