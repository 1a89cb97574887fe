"""What the review's pages share: 404 for what the user may not see (a conflicted reviewer above all)."""

from django.http import Http404

from applications.models import Application
from clusterfund.views_base import PermissionObjectMixin

from ..selectors.assignments import application_for_review
from ..selectors.visibility import assignment_of


class ApplicationPermissionMixin(PermissionObjectMixin):
    """Load the application named by `pk` and the user's own assignment to it; 404 unless the user holds
    `permission` on it (every review permission excludes a reviewer who declared a conflict)."""

    permission: str

    def get_permission_object(self):
        try:
            self.application = application_for_review(pk=self.kwargs["pk"])
        except Application.DoesNotExist as missing:
            raise Http404 from missing
        self.call = self.application.call
        self.own = assignment_of(application=self.application, user=self.request.user)
        if self.own is not None and self.own.is_conflicted:
            raise Http404
        return self.application
