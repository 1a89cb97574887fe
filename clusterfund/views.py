from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from .dashboard import panels_for
from .roles import roles_of


class StartView(LoginRequiredMixin, TemplateView):
    """Each role's start page after login, assembled from the apps' panels."""

    template_name = "clusterfund/start.html"

    def get_context_data(self, **kwargs):
        held = roles_of(self.request.user)
        return super().get_context_data(**kwargs, panels=panels_for(self.request.user, held), held_roles=held)


class AccessibilityStatementView(TemplateView):
    template_name = "clusterfund/accessibility.html"
