import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.views.generic import TemplateView

from .dashboard import panels_for
from .roles import roles_of
from .views_base import PermissionObjectMixin

logger = logging.getLogger(__name__)


class StartView(PermissionObjectMixin, TemplateView):
    """Each role's start page after login, assembled from the apps' panels."""

    template_name = "clusterfund/start.html"

    def get_context_data(self, **kwargs):
        held = roles_of(self.request.user)
        return super().get_context_data(**kwargs, panels=panels_for(self.request.user), held_roles=held)


class AccessibilityStatementView(TemplateView):
    template_name = "clusterfund/accessibility.html"


DATABASE_UNAVAILABLE_RETRY_AFTER = 30  # seconds: a PostgreSQL restart or fail-over takes about that long


def server_error(request):
    """The 500 handler: a database that cannot be reached (a restart, a fail-over) is a 503 "try again in a
    moment" with Retry-After, any other error the plain 500 page. Both templates need no database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        logger.error("Database unavailable: %s", error)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_UNAVAILABLE_RETRY_AFTER)
        return response
    return HttpResponseServerError(render_to_string("500.html"))
