"""What the allocation's pages share: 404 for what the user may not see, and errors from services onto forms."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from clusterfund.views_base import PermissionObjectMixin

from ..models import Proposal


class ProposalPermissionMixin(PermissionObjectMixin):
    """Load the proposal named by `pk` (with its call): 404 for whoever may not see proposals, 403 for one who
    may see it but not do this (`action_permission`, e.g. a member posting amounts, or any edit once locked)."""

    permission = "allocation.view_proposals"  # asked about the proposal's call
    action_permission: str | None = None

    def get_permission_object(self):
        self.proposal = get_object_or_404(
            Proposal.objects.select_related("call", "created_by", "approved_by"), pk=self.kwargs["pk"]
        )
        self.call = self.proposal.call
        return self.proposal

    def has_permission(self) -> bool:
        return self.request.user.has_perm(self.permission, self.call)

    def check_access(self, request):
        super().check_access(request)
        if self.action_permission:
            self.require(self.action_permission)
        return None


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where it names one, else on the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
