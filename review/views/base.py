"""What the review's pages share: 404 for what the user may not see (a conflicted reviewer above all)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404

from applications.models import Application

from ..selectors.assignments import application_for_review
from ..selectors.visibility import assignment_of


class ApplicationPermissionMixin(LoginRequiredMixin):
    """Load the application named by `pk` and the user's own assignment to it; 404 unless the user holds
    `permission` on it (every review permission excludes a reviewer who declared a conflict)."""

    permission: str

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.application = application_for_review(pk=kwargs["pk"])
        except Application.DoesNotExist as missing:
            raise Http404 from missing
        self.call = self.application.call
        self.own = assignment_of(application=self.application, user=request.user)
        if self.own is not None and self.own.is_conflicted:
            raise Http404
        response = self.check_access(request)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)

    def check_access(self, request):
        """Return a response to send instead of the page, or None; raise Http404 for no access."""
        if not request.user.has_perm(self.permission, self.application):
            raise Http404
        return None
