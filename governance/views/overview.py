"""The programme overview for staff (organisation × year: plan, reports, budget used per funder, each
indicator's actual against its target) and its exports, and the participant register's export."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views import View

from applications.views.base import CallPermissionMixin
from clusterfund.money import format_kroner
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


def _figure(value, kroner: bool) -> str:
    if value is None:
        return "–"
    return format_kroner(value) if kroner else str(value)


def cells_html(row, kroner: list[bool]) -> str:
    """Return the row's number cells (budget used / granted per funder, each indicator's actual / target) as
    HTML: at 200 organisations × 5 rows × 9 cells, template tags per cell are what would cost."""
    pairs = [(format_kroner(row.used.get(f, 0)), format_kroner(row.granted.get(f, 0))) for f in ("board", "ufm")]
    pairs += [(_figure(a, k), _figure(t, k)) for (a, t), k in zip(row.cells, kroner, strict=True)]
    return format_html_join("", '<td class="text-align-right">{} / {}</td>', pairs)


BADGES = {"approved": " badge-success", "accepted": " badge-success", "locked": " badge-success"}
BADGES |= {"changes_requested": " badge-warning", "submitted": " badge-info", "resubmitted": " badge-info"}


def rows_html(overview, *, kroner: list[bool]) -> None:
    """Give every row of the overview its `html` (the whole table row): at 200 organisations × 5 rows × 11
    cells, template tags per cell are what would cost (as in the review matrix)."""
    whole, late, not_started = _("Whole period"), _("Late"), _("Not started")
    dates: dict = {}

    def short(day) -> str:
        if day not in dates:
            dates[day] = date_format(day, "SHORT_DATE_FORMAT")
        return dates[day]

    for row in overview.rows:
        if row.plan is not None:
            plan = format_html(
                '<span class="badge{}">{}</span>', BADGES.get(row.plan.status, ""), row.plan.get_status_display()
            )
        else:
            plan = format_html('<span class="badge">{}</span>', not_started) if row.year is not None else ""
        reports = format_html_join(
            "<br>",
            '<span class="text-nowrap">{}: {}{}</span>',
            (
                (
                    short(cell.due_on),
                    cell.status_label,
                    format_html(' <span class="badge badge-error">{}</span>', late) if cell.late else "",
                )
                for cell in row.reports
            ),
        )
        row.html = format_html(
            '<tr{}><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td>{}</tr>',
            format_html(' class="{}"', "portal-total-row") if row.year is None else "",
            row.grant.organisation.name,
            whole if row.year is None else row.year,
            plan,
            reports,
            cells_html(row, kroner),
        )
    for row in overview.totals:
        row.html = format_html(
            '<tr><th scope="row">{}</th><td>{}</td><td></td><td></td>{}</tr>',
            _("Programme"),
            whole if row.year is None else row.year,
            cells_html(row, kroner),
        )


class OverviewView(CallPermissionMixin, View):
    permission = "governance.view_overview"

    def get(self, request, slug):
        overview = overview_for(call=self.call, user=request.user)
        rows_html(overview, kroner=[i.unit == "kroner" for i in overview.indicators])
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
