"""The applicant's view of their organisation's approved amounts (only their own; others' answer 404)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views import View

from applications.models import Application

from ..selectors import approved_allocations_for


class ApprovedAmountsView(LoginRequiredMixin, View):
    def get(self, request, pk):
        application = get_object_or_404(Application.objects.select_related("call", "organisation"), pk=pk)
        if not request.user.has_perm("allocation.view_approved_amounts", application):
            raise Http404
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
