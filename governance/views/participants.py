"""The report's participant register page: everyone who saw the report sees it; members change it while
the report is editable (one participant typed by hand, one removed, or the whole register replaced by an
uploaded CSV or XLSX file)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from clusterfund.fields import posted_int

from ..models import Participant, Report
from ..selectors.reports import report_participants
from ..services.participants import (
    MAX_ROWS,
    activity_choices,
    participant_add,
    participant_remove,
    participants_import,
)
from .report_base import ReportEditMixin, ReportMixin


class ParticipantForm(forms.Form):
    cvr = forms.CharField(label=gettext_lazy("CVR number"), max_length=8)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            ("virksomhed", gettext_lazy("Company")),
            ("videninstitution", gettext_lazy("Knowledge institution")),
            ("anden", gettext_lazy("Other")),
        ],
    )
    size_class = forms.ChoiceField(
        label=gettext_lazy("Size"),
        choices=[
            ("mikro", Participant.SizeClass.MICRO.label),
            ("lille", Participant.SizeClass.SMALL.label),
            ("mellem", Participant.SizeClass.MEDIUM.label),
            ("stor", Participant.SizeClass.LARGE.label),
            ("ikke relevant", Participant.SizeClass.NOT_APPLICABLE.label),
        ],
    )
    contact_name = forms.CharField(label=gettext_lazy("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=gettext_lazy("Contact e-mail"), required=False)
    activities = forms.MultipleChoiceField(
        label=gettext_lazy("Activities"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].choices = activity_choices(report)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The register as CSV or XLSX"),
        help_text=gettext_lazy(
            "Columns: CVR, navn, type (virksomhed, videninstitution, anden), størrelse (mikro, lille, mellem, "
            "stor, ikke relevant), kontaktperson, e-mail, aktiviteter (the activities' numbers, separated by ;). "
            "The file replaces the register; at most 2 MB."
        ),
    )


class ReportParticipantsView(ReportMixin, View):
    """The register: everyone who saw the report sees it; members change it while the report is editable —
    one participant by hand, one removed, or the whole register replaced by an upload."""

    def render_page(self, *, form=None, upload=None, result=None, status=200):
        editable = self.request.user.has_perm("governance.edit_report", self.report)
        return render(
            self.request,
            "governance/reports/participants.html",
            self.context(
                participants=report_participants(report=self.report),
                activities=activity_choices(self.report),
                can_edit=editable,
                form=form or ParticipantForm(report=self.report),
                upload=upload or UploadForm(),
                result=result,
                max_rows=MAX_ROWS,
            ),
            status=status,
        )

    def get(self, request, pk):
        return self.render_page()

    def post(self, request, pk):
        if not request.user.has_perm("governance.start_report", self.grant):
            raise PermissionDenied
        if not self.report.is_editable:
            return ReportEditMixin.refuse_unless_editable(self)
        action = request.POST.get("action")
        if action == "remove":
            participant_id = posted_int(request, "participant")
            participant_remove(report=self.report, participant_id=participant_id, by=request.user)
            messages.success(request, _("The participant has been removed."))
            return redirect("governance:report_participants", pk=self.report.pk)
        if action == "upload":
            upload = UploadForm(request.POST, request.FILES)
            if not upload.is_valid():
                return self.render_page(upload=upload, status=422)
            uploaded = upload.cleaned_data["file"]
            if uploaded.size > 2 * 1024 * 1024:
                upload.add_error("file", _("The file is larger than 2 MB; split the register into smaller files."))
                return self.render_page(upload=upload, status=422)
            result = participants_import(
                report=self.report, name=uploaded.name, content=uploaded.read(), by=request.user
            )
            if not result.ok:
                return self.render_page(result=result, status=422)
            messages.success(request, _("%(count)s participants imported.") % {"count": result.imported})
            return redirect("governance:report_participants", pk=self.report.pk)
        form = ParticipantForm(request.POST, report=self.report)
        if form.is_valid():
            try:
                participant_add(report=self.report, data=form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
        if not form.is_valid():
            return self.render_page(form=form, status=422)
        messages.success(request, _("The participant has been added."))
        return redirect("governance:report_participants", pk=self.report.pk)
