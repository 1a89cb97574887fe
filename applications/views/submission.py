"""Starting, checking, submitting and withdrawing an application, and its receipt."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from clusterfund.fields import posted_int
from clusterfund.views_base import PermissionObjectMixin

from ..models import Call
from ..selectors import application_missing_items, budget_summary, organisations_of, section_status
from ..services import application_create, application_submit, application_withdraw
from ..tasks import receipt_pdf_bytes
from .base import ApplicationMixin


class OverviewView(ApplicationMixin, View):
    """The application's front page: status, step guide, and (once submitted) the read-only content."""

    step_guide = True
    prefetch = ("budget_lines",)

    def get(self, request, pk):
        application = self.application
        missing = application_missing_items(application=application) if application.is_editable else []
        return render(
            request,
            "applications/overview.html",
            {
                "application": application,
                "call": application.call,
                "steps": section_status(application=application, missing=missing),
                "missing": missing,
                "budget": budget_summary(application=application),
                "can_withdraw": request.user.has_perm("applications.withdraw_application", application)
                and application.call.is_open(),
            },
        )


class ApplicationCreateView(PermissionObjectMixin, View):
    """Start (or return to) the organisation's draft for a call."""

    def post(self, request, call_slug):
        call = get_object_or_404(Call.objects.published(), slug=call_slug)
        organisation = get_object_or_404(organisations_of(request.user), pk=posted_int(request, "organisation"))
        try:
            application = application_create(call=call, organisation=organisation, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(call.get_absolute_url())
        return redirect(application.get_absolute_url())


class SubmitView(ApplicationMixin, View):
    """Lists what is missing (with links) and submits when nothing is."""

    step_guide = True

    def get(self, request, pk, errors=None, status=200):
        application = self.application
        if not application.is_editable:
            return redirect(application.get_absolute_url())
        missing = application_missing_items(application=application)
        return render(
            request,
            "applications/submit.html",
            {
                "application": application,
                "call": application.call,
                "section": {"code": "submit"},
                "steps": section_status(application=application, missing=missing),
                "missing": [(item, item.url(application)) for item in missing],
                "errors": errors,
                "deadline_passed": not application.call.is_open(),
                "editable": True,
            },
            status=status,
        )

    def post(self, request, pk):
        if not request.user.has_perm("applications.submit_application", self.application):
            if request.user.has_perm("applications.view_application", self.application):
                return redirect("applications:receipt", pk=pk)  # already submitted: a second tab or click
            raise Http404
        try:
            application_submit(application=self.application, by=request.user)
        except ValidationError as error:
            return self.get(request, pk, errors=error.messages, status=422)
        return redirect("applications:receipt", pk=pk)


class ReceiptView(ApplicationMixin, View):
    permission = "applications.view_receipt"

    def get(self, request, pk):
        if not self.application.submitted_at:
            raise Http404
        return render(request, "applications/receipt.html", {"application": self.application})


class ReceiptPdfView(ApplicationMixin, View):
    """The receipt PDF: the stored one, or rendered now if the background task has not finished yet."""

    def get(self, request, pk):
        application = self.application
        if not application.submitted_at or not request.user.has_perm("applications.view_receipt", application):
            raise Http404
        filename = f"kvittering-{application.organisation.cvr}-{application.pk}.pdf"
        if application.receipt_pdf:
            return FileResponse(
                application.receipt_pdf.open("rb"),
                as_attachment=True,
                filename=filename,
                content_type="application/pdf",
            )
        from io import BytesIO

        return FileResponse(
            BytesIO(receipt_pdf_bytes(application)),
            as_attachment=True,
            filename=filename,
            content_type="application/pdf",
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you withdraw the application?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class WithdrawView(ApplicationMixin, View):
    def get(self, request, pk, form=None, status=200):
        if not request.user.has_perm("applications.withdraw_application", self.application):
            raise Http404
        return render(
            request,
            "applications/withdraw.html",
            {"application": self.application, "form": form or WithdrawForm()},
            status=status,
        )

    def post(self, request, pk):
        if not request.user.has_perm("applications.withdraw_application", self.application):
            raise Http404
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=422)
        try:
            application_withdraw(application=self.application, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.get(request, pk, form=form, status=422)
        messages.success(request, _("The application has been withdrawn."))
        return redirect(self.application.get_absolute_url())
