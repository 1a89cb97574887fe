"""The programme overview for staff (organisation × year: plan, reports, budget used per funder, each
indicator's actual against its target) and its exports, and the participant register's export."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views import View

from applications.views.base import CallPermissionMixin
from clusterfund.services import audit_record

from ..exports import as_csv, as_xlsx, overview_table, register_table
from ..selectors.overview import overview_for
from .base import GrantMixin

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(body: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class OverviewView(CallPermissionMixin, View):
    permission = "governance.view_overview"

    def get(self, request, slug):
        overview = overview_for(call=self.call, user=request.user)
        return render(request, "governance/overview/table.html", {"call": self.call, "overview": overview})


class OverviewExportView(CallPermissionMixin, View):
    permission = "governance.view_overview"

    def get(self, request, slug, fmt):
        if fmt not in CONTENT_TYPES:
            raise Http404
        header, rows = overview_table(overview_for(call=self.call, user=request.user))
        body = as_csv(header, rows) if fmt == "csv" else as_xlsx(header, rows, title=self.call.slug)
        audit_record(actor=request.user, action="governance.export", obj=self.call, after={"format": fmt})
        return _download(body, fmt, f"styring-{self.call.slug}.{fmt}")


class RegisterExportView(GrantMixin, View):
    permission = "governance.view_reports"

    def get(self, request, pk, fmt):
        if fmt not in CONTENT_TYPES:
            raise Http404
        header, rows = register_table(self.grant)
        body = as_csv(header, rows) if fmt == "csv" else as_xlsx(header, rows, title=str(self.grant.case_number))
        audit_record(actor=request.user, action="participants.export", obj=self.grant, after={"format": fmt})
        return _download(body, fmt, f"deltagere-{self.grant.pk}.{fmt}")


urlpatterns = [
    path("styring/opslag/<slug:slug>/oversigt/", OverviewView.as_view(), name="overview"),
    path("styring/opslag/<slug:slug>/oversigt.<str:fmt>", OverviewExportView.as_view(), name="overview_export"),
    path("styring/tilsagn/<int:pk>/deltagere.<str:fmt>", RegisterExportView.as_view(), name="register_export"),
]
