"""The applicant's view of their organisation's approved amounts (only their own; others' answer 404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views import View

from applications.models import Application
from clusterfund.views_base import PermissionObjectMixin

from ..selectors import approved_allocations_for


class ApprovedAmountsView(PermissionObjectMixin, View):
    permission = "allocation.view_approved_amounts"
    unhandled_method_first = True

    def get_permission_object(self):
        return get_object_or_404(Application.objects.select_related("call", "organisation"), pk=self.kwargs["pk"])

    def get(self, request, pk):
        application = self.permission_object
        allocation = next(
            (a for a in approved_allocations_for(user=request.user) if a.application.pk == application.pk), None
        )
        if allocation is None:
            raise Http404
        return render(
            request,
            "allocation/approved_amounts.html",
            {"application": application, "call": application.call, "allocation": allocation},
        )
