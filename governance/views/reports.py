"""Report pages: the grant's reporting calendar (what is due, late ones marked; staff add ad hoc dates), the
report itself (activity statuses, actual figures, participant register typed or uploaded, accounts per
funder, attachments), submission, the reviewers' queue (a page of its own next to the plan queue) and the
review (accept, ask for changes, lock). The participant register's page lives in `views.participants`,
the loading and permission checks every report page shares in `views.report_base`; the URLs of all of them
are here.

Another organisation's report or calendar answers 404, as does one a reviewer declared a conflict on; a
page the user may see but not use answers 403.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from applications.models import Funder
from applications.views.base import CallPermissionMixin
from clusterfund.fields import KronerField
from clusterfund.views_base import PermissionObjectMixin

from ..models import Indicator, Report, ReportActivityStatus, ReportAttachment, ReportDue
from ..selectors.reports import grant_calendar, report_figures, report_queue
from ..services.calendar import report_due_add
from ..services.reports import (
    report_accept,
    report_accounts_save,
    report_activities_save,
    report_actuals_save,
    report_attachment_add,
    report_lock,
    report_problems,
    report_request_changes,
    report_start,
    report_submit,
    report_summary_save,
)
from .base import GrantMixin
from .participants import ReportParticipantsView
from .report_base import ReportEditMixin, ReportMixin


class AdHocForm(forms.Form):
    due_on = forms.DateField(label=gettext_lazy("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    period_start = forms.DateField(label=gettext_lazy("Period from"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=gettext_lazy("Period to"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)


class GrantReportsView(GrantMixin, View):
    """The grant's reporting calendar with each date's report and whether it is late."""

    permission = "governance.view_reports"

    def render_page(self, form=None, status=200):
        user = self.request.user
        return render(
            self.request,
            "governance/reports/calendar.html",
            {
                "grant": self.grant,
                "call": self.grant.call,
                "rows": grant_calendar(grant=self.grant),
                "can_start": user.has_perm("governance.start_report", self.grant),
                "can_add": user.has_perm("governance.add_report_due", self.grant),
                "form": form or AdHocForm(),
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page()

    def post(self, request, pk):
        if not request.user.has_perm("governance.add_report_due", self.grant):
            raise PermissionDenied
        form = AdHocForm(request.POST)
        if form.is_valid():
            try:
                report_due_add(grant=self.grant, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
        if not form.is_valid():
            return self.render_page(form, status=422)
        messages.success(request, _("The report date has been added."))
        return redirect("governance:grant_reports", pk=self.grant.pk)


class ReportStartView(PermissionObjectMixin, View):
    """Start (or open) the report for a date of the calendar (POST), then go to it."""

    http_method_names = ["post"]
    permission = "governance.view_reports"
    unhandled_method_first = True  # a GET answers 405 to everybody logged in

    def get_permission_object(self):
        return get_object_or_404(ReportDue.objects.select_related("grant"), pk=self.kwargs["pk"])

    def check_access(self, request):
        super().check_access(request)
        self.require("governance.start_report")
        return None

    def post(self, request, pk):
        report = report_start(due=self.permission_object, by=request.user)
        return redirect(report.get_absolute_url())


class ReportView(ReportMixin, View):
    def get(self, request, pk):
        report = self.report
        indicators = list(Indicator.objects.filter(call=self.grant.call))
        figures = report_figures(report=report, indicators=indicators)
        user = request.user
        return render(
            request,
            "governance/reports/detail.html",
            self.context(
                statuses=list(report.activity_statuses.select_related("activity__plan")),
                figures=[(i, figures.get(i.pk)) for i in indicators],
                participant_count=report.participants.count(),
                accounts=list(report.account_lines.all()),
                attachments=list(report.attachments.all()),
                can_edit=user.has_perm("governance.edit_report", report),
                can_review=user.has_perm("governance.review_report", report),
                problems=report_problems(report) if report.is_editable else [],
            ),
        )


class ContentForm(forms.Form):
    """The report's account of the period, each activity's status and account, and the summed figures."""

    summary = forms.CharField(
        label=gettext_lazy("Account of the period"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, report: Report, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.statuses = list(report.activity_statuses.select_related("activity__plan"))
        self.indicators = [i for i in indicators if not i.is_counted]
        typed = dict(report.actuals.values_list("indicator_id", "value"))
        self.fields["summary"].initial = report.summary
        for row in self.statuses:
            title = f"{row.activity.title} ({row.activity.plan.year})"
            self.fields[f"status_{row.activity_id}"] = forms.ChoiceField(
                label=_("Status: %(title)s") % {"title": title},
                choices=ReportActivityStatus.Status.choices,
                initial=row.status,
            )
            self.fields[f"account_{row.activity_id}"] = forms.CharField(
                label=_("Account: %(title)s") % {"title": title},
                max_length=5000,
                required=False,
                initial=row.account,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for indicator in self.indicators:
            unit = _("kr.") if indicator.unit == Indicator.Unit.KRONER else _("number")
            self.fields[f"actual_{indicator.pk}"] = KronerField(
                label=f"{indicator.tr('name')} ({unit})",
                required=False,
                help_text=indicator.tr("definition"),
                initial=typed.get(indicator.pk),
            )

    def statuses_data(self) -> dict[int, tuple[str, str]]:
        return {
            r.activity_id: (self.cleaned_data[f"status_{r.activity_id}"], self.cleaned_data[f"account_{r.activity_id}"])
            for r in self.statuses
        }

    def actuals_data(self) -> dict[int, int | None]:
        return {i.pk: self.cleaned_data.get(f"actual_{i.pk}") for i in self.indicators}


class ReportContentView(ReportEditMixin, View):
    def form(self, data=None) -> ContentForm:
        indicators = list(Indicator.objects.filter(call=self.grant.call))
        return ContentForm(data, report=self.report, indicators=indicators)

    def get(self, request, pk):
        return self.refuse_unless_editable() or render(
            request, "governance/reports/content.html", self.context(form=self.form())
        )

    def post(self, request, pk):
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        form = self.form(request.POST)
        if form.is_valid():
            try:
                report_summary_save(report=self.report, summary=form.cleaned_data["summary"], by=request.user)
                report_activities_save(report=self.report, statuses=form.statuses_data(), by=request.user)
                report_actuals_save(report=self.report, values=form.actuals_data(), by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
        if not form.is_valid():
            return render(request, "governance/reports/content.html", self.context(form=form), status=422)
        messages.success(request, _("The report has been saved."))
        return redirect(self.report.get_absolute_url())


ACCOUNT_ROWS_EXTRA = 3


class ReportAccountsView(ReportEditMixin, View):
    """The accounts per funder: budget and actual per line, in whole kroner; empty lines are ignored."""

    def rows(self, data=None):
        lines = list(self.report.account_lines.all())
        count = len(lines) + ACCOUNT_ROWS_EXTRA
        if data is not None:
            try:
                count = min(max(int(data.get("rows", count)), 0), 100)
            except ValueError:
                count = len(lines) + ACCOUNT_ROWS_EXTRA
        rows = []
        for index in range(count):
            line = lines[index] if index < len(lines) else None
            if data is not None:
                rows.append(
                    {
                        "index": index,
                        "funder": data.get(f"funder_{index}", ""),
                        "line": data.get(f"line_{index}", ""),
                        "budget": data.get(f"budget_{index}", ""),
                        "actual": data.get(f"actual_{index}", ""),
                    }
                )
            else:
                rows.append(
                    {
                        "index": index,
                        "funder": line.funder if line else Funder.BOARD,
                        "line": line.line if line else "",
                        "budget": line.budget if line else "",
                        "actual": line.actual if line else "",
                    }
                )
        return rows

    def page(self, rows, errors=None, status=200):
        return render(
            self.request,
            "governance/reports/accounts.html",
            self.context(rows=rows, funders=Funder.choices, errors=errors or [], count=len(rows)),
            status=status,
        )

    def get(self, request, pk):
        return self.refuse_unless_editable() or self.page(self.rows())

    def post(self, request, pk):
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        rows = self.rows(request.POST)
        field = KronerField(required=False)
        lines, errors = [], []
        for row in rows:
            if not str(row["line"]).strip() and not str(row["budget"]).strip() and not str(row["actual"]).strip():
                continue
            try:
                budget = field.clean(row["budget"]) or 0
                actual = field.clean(row["actual"]) or 0
            except ValidationError as error:
                errors.extend(_("Line %(n)s: %(error)s") % {"n": row["index"] + 1, "error": m} for m in error.messages)
                continue
            lines.append({"funder": row["funder"], "line": row["line"], "budget": budget, "actual": actual})
        if not errors:
            try:
                report_accounts_save(report=self.report, lines=lines, by=request.user)
            except ValidationError as error:
                errors = error.messages
        if errors:
            return self.page(rows, errors=errors, status=422)
        messages.success(request, _("The accounts have been saved."))
        return redirect(self.report.get_absolute_url())


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What it is"), choices=ReportAttachment.Kind.choices)
    file = forms.FileField(label=gettext_lazy("PDF file"))


class ReportAttachmentAddView(ReportEditMixin, View):
    def page(self, form, status=200):
        return render(
            request=self.request,
            template_name="governance/reports/attachment.html",
            context=self.context(form=form),
            status=status,
        )

    def get(self, request, pk):
        return self.refuse_unless_editable() or self.page(AttachmentForm())

    def post(self, request, pk):
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report_attachment_add(
                    report=self.report,
                    uploaded=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error("file", error)
        if not form.is_valid():
            return self.page(form, status=422)
        messages.success(request, _("The attachment has been uploaded."))
        return redirect(self.report.get_absolute_url())


class ReportAttachmentView(ReportMixin, View):
    def get(self, request, pk, attachment_pk):
        attachment = self.report.attachments.filter(pk=attachment_pk).first()
        if attachment is None:
            raise Http404
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type="application/pdf",
        )


class ReportSubmitView(ReportEditMixin, View):
    def page(self, errors=None, status=200):
        problems = errors if errors is not None else report_problems(self.report)
        return render(self.request, "governance/reports/submit.html", self.context(problems=problems), status=status)

    def get(self, request, pk):
        return self.refuse_unless_editable() or self.page()

    def post(self, request, pk):
        refused = self.refuse_unless_editable()
        if refused:
            return refused
        try:
            report_submit(report=self.report, by=request.user)
        except ValidationError as error:
            return self.page(errors=error.messages, status=422)
        messages.success(request, _("The report has been submitted."))
        return redirect(self.report.get_absolute_url())


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What the organisation should change"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportReviewView(ReportMixin, View):
    """The reviewer's page: accept a submitted report, send it back with a note, or lock an accepted one."""

    def allowed(self) -> bool:
        from ..rules import is_grant_reviewer

        return is_grant_reviewer(self.request.user, self.report)

    def page(self, form=None, errors=None, status=200):
        return render(
            self.request,
            "governance/reports/review.html",
            self.context(
                form=form or ReviewForm(),
                errors=errors or [],
                can_review=self.request.user.has_perm("governance.review_report", self.report),
                content=self.report.submitted_content or {},
            ),
            status=status,
        )

    def get(self, request, pk):
        return self.page()

    def post(self, request, pk):
        if not request.user.has_perm("governance.review_report", self.report):
            raise PermissionDenied
        action = request.POST.get("action")
        form = ReviewForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=422)
        try:
            if action == "accept":
                report_accept(report=self.report, by=request.user)
                messages.success(request, _("The report has been accepted."))
            elif action == "changes":
                report_request_changes(report=self.report, note=form.cleaned_data["note"], by=request.user)
                messages.success(request, _("The report has been sent back to the organisation."))
            elif action == "lock":
                report_lock(report=self.report, by=request.user)
                messages.success(request, _("The report has been locked."))
            else:
                return self.page(form, errors=[_("Choose what to do with the report.")], status=422)
        except ValidationError as error:
            return self.page(form, errors=error.messages, status=422)
        return redirect("governance:report_review", pk=self.report.pk)


class ReportQueueView(CallPermissionMixin, View):
    """The reports of a call the reviewer may review (never one they declared a conflict on); a page of its
    own, linked from the plan queue's call."""

    permission = "governance.view_report_queue"

    def get(self, request, slug):
        rows = report_queue(user=request.user, call=self.call)
        return render(request, "governance/reports/queue.html", {"call": self.call, "rows": rows})


urlpatterns = [
    path("styring/tilsagn/<int:pk>/rapporter/", GrantReportsView.as_view(), name="grant_reports"),
    path("styring/rapportdato/<int:pk>/start/", ReportStartView.as_view(), name="report_start"),
    path("styring/opslag/<slug:slug>/rapporter/", ReportQueueView.as_view(), name="report_queue"),
    path("styring/rapport/<int:pk>/", ReportView.as_view(), name="report"),
    path("styring/rapport/<int:pk>/indhold/", ReportContentView.as_view(), name="report_content"),
    path("styring/rapport/<int:pk>/deltagere/", ReportParticipantsView.as_view(), name="report_participants"),
    path("styring/rapport/<int:pk>/regnskab/", ReportAccountsView.as_view(), name="report_accounts"),
    path("styring/rapport/<int:pk>/bilag/", ReportAttachmentAddView.as_view(), name="report_attachment_add"),
    path(
        "styring/rapport/<int:pk>/bilag/<int:attachment_pk>/",
        ReportAttachmentView.as_view(),
        name="report_attachment",
    ),
    path("styring/rapport/<int:pk>/indsend/", ReportSubmitView.as_view(), name="report_submit"),
    path("styring/rapport/<int:pk>/vurdering/", ReportReviewView.as_view(), name="report_review"),
]
