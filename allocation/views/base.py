"""What the allocation's pages share: 404 for what the user may not see, and errors from services onto forms."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import Proposal


class ProposalPermissionMixin(LoginRequiredMixin):
    """Load the proposal named by `pk` (with its call): 404 for whoever may not see proposals, 403 for one who
    may see it but not do this (`action_permission`, e.g. a member posting amounts, or any edit once locked)."""

    action_permission: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.proposal = get_object_or_404(
            Proposal.objects.select_related("call", "created_by", "approved_by"), pk=kwargs["pk"]
        )
        self.call = self.proposal.call
        if not request.user.has_perm("allocation.view_proposals", self.call):
            raise Http404
        if self.action_permission and not request.user.has_perm(self.action_permission, self.proposal):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where it names one, else on the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
