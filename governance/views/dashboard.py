"""The portfolio dashboard (staff and the sub-committee): filters by area, region and year; charts with their
tables beside them; the tables as CSV and XLSX. Organisations a reviewer declared a conflict on are left out."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from applications.models import Region
from applications.views.base import CallPermissionMixin
from clusterfund.money import format_kroner
from clusterfund.services import audit_record

from ..charts import Series, grouped_bar_chart, line_chart, progress_chart
from ..exports_dashboard import TABLES, dashboard_csv, dashboard_xlsx
from ..rules import conflicted_application_ids
from ..selectors.dashboard import Dashboard, dashboard_build


class DashboardFilterForm(forms.Form):
    area = forms.TypedChoiceField(label=gettext_lazy("Area"), required=False, coerce=int, empty_value=None)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["area"].choices = everything + [(a.pk, a.tr("name")) for a in call.areas.order_by("order", "pk")]
        self.fields["region"].choices = everything + list(Region.choices)
        self.fields["year"].choices = everything + [(y, str(y)) for y in call.years]


def _filters(request, call) -> tuple[DashboardFilterForm, dict]:
    form = DashboardFilterForm(request.GET or None, call=call)
    chosen = {"area_id": None, "region": None, "year": None}
    if form.is_bound:
        form.is_valid()  # a garbled value is dropped (shown as "All"), never an error page
        data = getattr(form, "cleaned_data", {})
        chosen = {"area_id": data.get("area"), "region": data.get("region") or None, "year": data.get("year")}
    return form, chosen


def _millions(value: int) -> str:
    """Return kroner as '12,5 mio.' (Danish) or '12.5m' (English) for chart labels."""
    return _("%(amount)s m") % {"amount": number_format(round(value / 1_000_000, 1), 1)}


def _indicator_chart(board: Dashboard) -> dict | None:
    """Return the progress per organisation on the first indicator with targets (None if none has one)."""
    for index, indicator in enumerate(board.indicators):
        if any(row.indicators[index].target for row in board.rows):
            return _progress_chart(board, index, indicator)
    return None


def _progress_chart(board: Dashboard, index: int, indicator) -> dict:
    elapsed = min(max(board.today.year - board.call.period_start, 0), len(board.years))
    expected = None if board.year else round(100 * elapsed / max(len(board.years), 1))
    cells = [(row.organisation.name, row.indicators[index]) for row in board.rows]
    rows = [
        (organisation, cell.percent, f"{cell.percent} % ({cell.actual} / {cell.target})" if cell.target else "")
        for organisation, cell in cells
    ]
    name = indicator.tr("name")
    below = [
        label for label, percent, _t in rows if percent is not None and expected is not None and percent < expected
    ]
    return {
        "id": f"chart-indicator-{indicator.code}",
        "heading": _("Progress on “%(name)s” per organisation") % {"name": name},
        "svg": progress_chart(
            chart_id=f"chart-indicator-{indicator.code}",
            title=_("Progress on “%(name)s” per organisation, per cent of target") % {"name": name},
            desc=_("%(count)s organisations. Below the expected share by now: %(below)s.")
            % {"count": len(rows), "below": ", ".join(below) or _("none")},
            rows=rows,
            on_track=Series(_("On track"), fill="#4d4d4d"),
            below=Series(_("Below the expected share"), pattern="hatch"),
            expected_percent=expected,
            expected_label=_("expected now: %(percent)s %%") % {"percent": expected} if expected is not None else "",
            no_target=_("no target"),
        ),
        "table": {
            "caption": _("Progress on “%(name)s” per organisation") % {"name": name},
            "header": [_("Organisation"), _("Actual"), _("Target"), _("Per cent of target")],
            "rows": [
                [
                    organisation,
                    cell.actual,
                    cell.target or "–",
                    f"{cell.percent} %" if cell.percent is not None else "–",
                ]
                for organisation, cell in cells
            ],
        },
    }


def _budget_chart(board: Dashboard, years: list[int], board_totals: dict) -> dict:
    """Return the budget granted and used per year and funder."""
    series = [
        Series(_("Board: granted"), fill="#d9d9d9"),
        Series(_("Board: used"), fill="#333333"),
        Series(_("UFM: granted"), pattern="dots"),
        Series(_("UFM: used"), pattern="hatch"),
    ]
    groups = [
        (
            str(y),
            [
                board_totals[(y, "board")]["granted"],
                board_totals[(y, "board")]["used"],
                board_totals[(y, "ufm")]["granted"],
                board_totals[(y, "ufm")]["used"],
            ],
        )
        for y in years
    ]
    used_total = sum(t["used"] for t in board.totals)
    granted_total = sum(t["granted"] for t in board.totals)
    return {
        "id": "chart-budget",
        "heading": _("Budget granted and used per year and funder"),
        "svg": grouped_bar_chart(
            chart_id="chart-budget",
            title=_("Budget granted and used per year and funder, in millions of kroner"),
            desc=_("Granted in all %(granted)s, used %(used)s.")
            % {"granted": format_kroner(granted_total), "used": format_kroner(used_total)},
            groups=groups,
            series=series,
            value_text=_millions,
        ),
        "table": {
            "caption": _("Budget granted and used per year and funder"),
            "header": [_("Year"), _("Funder"), _("Granted"), _("Used")],
            "rows": [
                [t["year"], t["funder_label"], format_kroner(t["granted"]), format_kroner(t["used"])]
                for t in board.totals
            ],
        },
    }


def _totals_chart(years: list[int], board_totals: dict) -> dict:
    """Return the programme's grants and spending over the years."""
    granted = [sum(board_totals[(y, f)]["granted"] for f in ("board", "ufm")) for y in years]
    used = [sum(board_totals[(y, f)]["used"] for f in ("board", "ufm")) for y in years]
    return {
        "id": "chart-totals",
        "heading": _("The programme over the years"),
        "svg": line_chart(
            chart_id="chart-totals",
            title=_("The programme's grants and spending per year, in millions of kroner"),
            desc=_("Years %(first)s to %(last)s. Granted: %(granted)s. Used: %(used)s.")
            % {
                "first": years[0],
                "last": years[-1],
                "granted": "; ".join(f"{y}: {_millions(v)}" for y, v in zip(years, granted, strict=True)),
                "used": "; ".join(f"{y}: {_millions(v)}" for y, v in zip(years, used, strict=True)),
            },
            labels=[str(y) for y in years],
            series=[
                (Series(_("Granted"), fill="#1a1a1a", marker="circle"), granted),
                (Series(_("Used"), fill="#595959", marker="square", dash="6 4"), used),
            ],
            value_text=_millions,
        ),
        "table": {
            "caption": _("The programme's grants and spending per year"),
            "header": [_("Year"), _("Granted"), _("Used")],
            "rows": [[y, format_kroner(g), format_kroner(u)] for y, g, u in zip(years, granted, used, strict=True)],
        },
    }


def _charts(board: Dashboard) -> list[dict]:
    """Return the dashboard's charts: 1. indicator progress per organisation (the first indicator with targets),
    2. budget granted and used per year and funder, 3. the programme's totals over the years."""
    years = [board.year] if board.year else board.years
    board_totals = {(t["year"], t["funder"]): t for t in board.totals}
    indicator = _indicator_chart(board)
    return [
        *([indicator] if indicator is not None else []),
        _budget_chart(board, years, board_totals),
        _totals_chart(years, board_totals),
    ]


class DashboardView(CallPermissionMixin, View):
    permission = "governance.view_dashboard"

    def get(self, request, slug):
        form, chosen = _filters(request, self.call)
        board = dashboard_build(
            call=self.call, exclude_application_ids=conflicted_application_ids(request.user), **chosen
        )
        query = request.GET.urlencode()
        return render(
            request,
            "governance/dashboard/dashboard.html",
            {
                "call": self.call,
                "board": board,
                "form": form,
                "charts": _charts(board),
                "query": query,
                "tables": TABLES,
                "plan_years": [board.year] if board.year else board.years,
            },
        )


class DashboardExportView(CallPermissionMixin, View):
    permission = "governance.view_dashboard"

    def get(self, request, slug, table, fmt):
        if table not in TABLES or fmt not in ("csv", "xlsx"):
            raise Http404
        _form, chosen = _filters(request, self.call)
        board = dashboard_build(
            call=self.call, exclude_application_ids=conflicted_application_ids(request.user), **chosen
        )
        if fmt == "csv":
            body, content_type = dashboard_csv(board, table), "text/csv; charset=utf-8"
        else:
            body = dashboard_xlsx(board, table)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        audit_record(
            actor=request.user,
            action="dashboard.export",
            obj=self.call,
            after={"table": table, "format": fmt, **{k: v for k, v in chosen.items() if v}},
        )
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="portefoelje-{self.call.slug}-{table}.{fmt}"'
        return response


urlpatterns = [
    path("styring/opslag/<slug:slug>/portefoelje/", DashboardView.as_view(), name="dashboard"),
    path(
        "styring/opslag/<slug:slug>/portefoelje/<slug:table>.<slug:fmt>",
        DashboardExportView.as_view(),
        name="dashboard_export",
    ),
]
