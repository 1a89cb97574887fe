"""The call's budget frames per year and funder: edited by the secretariat until an allocation is approved."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from applications.views.base import CallPermissionMixin

from ..forms import FrameFormSet, frame_initial
from ..selectors import call_is_locked
from ..services.frames import frames_save


class FramesView(CallPermissionMixin, View):
    permission = "allocation.view_frames"

    def can_edit(self) -> bool:
        return self.request.user.has_perm("allocation.edit_frames", self.call) and not call_is_locked(call=self.call)

    def render_page(self, formset, *, status=200, errors=()):
        from applications.models import BudgetFrame

        return render(
            self.request,
            "allocation/frames.html",
            {
                "call": self.call,
                "formset": formset,
                "frames": BudgetFrame.objects.filter(call=self.call).order_by("year", "funder"),
                "can_edit": self.can_edit(),
                "locked": call_is_locked(call=self.call),
                "errors": errors,
            },
            status=status,
        )

    def get(self, request, slug):
        formset = FrameFormSet(initial=frame_initial(self.call), prefix="frames") if self.can_edit() else None
        return self.render_page(formset)

    def post(self, request, slug):
        if not request.user.has_perm("allocation.edit_frames", self.call):
            raise PermissionDenied
        formset = FrameFormSet(request.POST, initial=frame_initial(self.call), prefix="frames")
        if not formset.is_valid():
            return self.render_page(formset, status=422)
        values = [form.cleaned_data for form in formset.forms if form.cleaned_data.get("amount") is not None]
        try:
            changed = frames_save(call=self.call, values=values, by=request.user)
        except ValidationError as error:
            return self.render_page(formset, status=422, errors=error.messages)
        if changed:
            messages.success(request, _("The budget frames are saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("allocation:frames", slug=self.call.slug)
