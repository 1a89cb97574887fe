"""What every report page shares: loading the report from the URL (404 for another organisation's report or
one the reviewer declared a conflict on, 403 without the page's permission) and, for the pages that change
it, the refusal once the report is no longer editable."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from clusterfund.views_base import PermissionObjectMixin

from ..models import Report
from ..selectors.reports import report_for_page


class ReportMixin(PermissionObjectMixin):
    """Load `self.report` from the URL's `pk`; 404 unless the user may view it; 403 without `permission`."""

    permission = "governance.view_report"

    def get_permission_object(self):
        try:
            self.report = report_for_page(pk=self.kwargs["pk"])
        except Report.DoesNotExist as missing:
            raise Http404 from missing
        self.grant = self.report.due.grant
        return self.report

    def has_permission(self) -> bool:
        return self.request.user.has_perm("governance.view_report", self.report)

    def check_access(self, request):
        super().check_access(request)
        if not self.allowed():
            raise PermissionDenied
        return None

    def allowed(self) -> bool:
        return self.request.user.has_perm(self.permission, self.report)

    def context(self, **extra) -> dict:
        report = self.report
        return {
            "report": report,
            "due": report.due,
            "grant": self.grant,
            "call": self.grant.call,
            "late": report.due.is_late(report=report),
            **extra,
        }


class ReportEditMixin(ReportMixin):
    """Pages that change the report: members of the organisation while it is editable (403 otherwise)."""

    permission = "governance.start_report"

    def refuse_unless_editable(self):
        if self.report.is_editable:
            return None
        messages.error(
            self.request,
            _("The report is “%(status)s” and cannot be changed now.") % {"status": self.report.get_status_display()},
        )
        return redirect(self.report.get_absolute_url())

    def allowed(self) -> bool:
        return self.request.user.has_perm("governance.start_report", self.grant)
