"""The call's review matrix: filters, sorting, inline scoring (HTMX), the compare view and exports."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from applications.models import Criterion, CriterionAnswer
from applications.views.base import CallPermissionMixin
from clusterfund.services import audit_record

from ..exports import export_filename, matrix_csv, matrix_xlsx
from ..forms import MatrixFilterForm, ScoreForm
from ..selectors.matrix import review_matrix
from ..services import score_record
from .base import ApplicationPermissionMixin
from .matrix_html import MatrixHtml


def row_labels() -> dict:
    """Return the words every row repeats, translated once per page."""
    return {
        "compare_label": _("Compare"),
        "eligible_label": _("Eligible"),
        "ineligible_label": _("Not eligible"),
        "agreed_label": _("Agreed"),
    }


def _matrix_for(request, call):
    form = MatrixFilterForm(request.GET or None, call=call)
    sort = request.GET.get("sort", "rank")
    descending = request.GET.get("dir") == "desc"
    matrix = review_matrix(call=call, viewer=request.user, sort=sort, descending=descending, **form.filters())
    return form, matrix


def _columns(request, matrix) -> list[dict]:
    """Return the sortable columns with the link that sorts by each (toggling direction on the current one)."""
    labels = {
        "organisation": _("Applicant"),
        "status": _("Status"),
        "eligibility": _("Requirements"),
        "total": _("Weighted total"),
        "points": _("Points out of 100"),
        "rank": _("Rank in area"),
    }
    for criterion in matrix.criteria:
        labels[f"c-{criterion.code}"] = criterion.tr("short_name")
    columns = {}
    for key, label in labels.items():
        query = request.GET.copy()
        current = matrix.sort == key
        query["sort"] = key
        query["dir"] = "asc" if current and matrix.descending else ("desc" if current else "asc")
        columns[key] = {
            "key": key,
            "label": label,
            "url": f"?{query.urlencode()}",
            "aria_sort": ("descending" if matrix.descending else "ascending") if current else "",
        }
    return columns


class MatrixView(CallPermissionMixin, View):
    permission = "review.view_matrix"

    def get(self, request, slug):
        form, matrix = _matrix_for(request, self.call)
        MatrixHtml().annotate(matrix)
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        columns = _columns(request, matrix)
        return render(
            request,
            "review/matrix.html",
            {
                "call": self.call,
                "matrix": matrix,
                "form": form,
                "columns": columns,
                "criterion_columns": [columns[f"c-{c.code}"] for c in matrix.criteria],
                "csv_url": reverse("review:export", args=[slug, "csv"]) + query,
                "xlsx_url": reverse("review:export", args=[slug, "xlsx"]) + query,
                "rows_count": len(matrix.rows),
                **row_labels(),
            },
        )


class ExportView(CallPermissionMixin, View):
    """The matrix (as the user sees it, with the page's filters) as CSV or XLSX."""

    permission = "review.export_matrix"

    def get(self, request, slug, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        _form, matrix = _matrix_for(request, self.call)
        if fmt == "csv":
            body, content_type = matrix_csv(matrix), "text/csv; charset=utf-8"
        else:
            body = matrix_xlsx(matrix)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        audit_record(
            actor=request.user,
            action="review.matrix_export",
            obj=self.call,
            after={"format": fmt, "rows": len(matrix.rows), "query": request.GET.urlencode()},
        )
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(matrix, fmt)}"'
        return response


class ScoreCellView(ApplicationPermissionMixin, View):
    """Inline scoring in the matrix: GET gives the cell's form, POST saves and answers with the whole row
    (so the reviewer's total updates); an invalid score answers with the form and its message."""

    permission = "review.review_application"

    def check_access(self, request):
        super().check_access(request)
        try:
            self.criterion = self.call.criteria.get(pk=self.kwargs["criterion"])
        except Criterion.DoesNotExist as missing:
            raise Http404 from missing
        if self.own is None or self.own.is_submitted:
            raise Http404
        return None

    def cell_id(self) -> str:
        return f"cell-{self.application.pk}-{self.criterion.pk}"

    def prefix(self) -> str:
        # one per cell, so two cells open at once do not share element ids
        return f"s{self.application.pk}-{self.criterion.pk}"

    def render_form(self, form, status=200):
        response = render(
            self.request,
            "review/_score_cell_form.html",
            {"form": form, "application": self.application, "criterion": self.criterion, "cell_id": self.cell_id()},
            status=status,
        )
        if status != 200:
            # The form posts with the row as its target; a refused score goes back into the cell instead.
            response["HX-Retarget"] = f"#{self.cell_id()}"
            response["HX-Reswap"] = "innerHTML"
        return response

    def render_row(self):
        matrix = review_matrix(call=self.call, viewer=self.request.user, area=self.application.business_area)
        MatrixHtml().annotate(matrix)
        row = next(r for r in matrix.rows if r.application.pk == self.application.pk)
        return render(self.request, "review/_matrix_row.html", {"row": row, "matrix": matrix, **row_labels()})

    def get(self, request, pk, criterion):
        if "cancel" in request.GET:
            return self.render_row()
        saved = self.own.scores.filter(criterion=self.criterion).first()
        initial = {"value": saved.value, "justification": saved.justification} if saved else {}
        return self.render_form(
            ScoreForm(criterion=self.criterion, require=True, initial=initial, prefix=self.prefix())
        )

    def post(self, request, pk, criterion):
        form = ScoreForm(request.POST, criterion=self.criterion, require=True, prefix=self.prefix())
        if not form.is_valid():
            return self.render_form(form, status=422)
        try:
            score_record(
                assignment=self.own,
                criterion=self.criterion,
                value=form.cleaned_data["value"],
                justification=form.cleaned_data["justification"],
                by=request.user,
            )
        except PermissionDenied as denied:
            raise Http404 from denied
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.render_form(form, status=422)
        if not request.headers.get("HX-Request"):
            return redirect("review:matrix", slug=self.call.slug)
        return self.render_row()


class CompareView(CallPermissionMixin, View):
    """Two or three applications' texts for one criterion, side by side, with their visible scores."""

    permission = "review.view_matrix"

    def get(self, request, slug):
        criteria = list(self.call.criteria.all())
        code = request.GET.get("criterion") or (criteria[0].code if criteria else "")
        criterion = next((c for c in criteria if c.code == code), None)
        ids = sorted({int(v) for v in request.GET.getlist("a") if v.isascii() and v.isdigit()})
        error = ""
        columns = []
        if criterion is None:
            raise Http404
        if not 2 <= len(ids) <= 3:
            error = _("Choose two or three applications to compare.")
        else:
            matrix = review_matrix(call=self.call, viewer=request.user, application_ids=ids)
            rows = {row.application.pk: row for row in matrix.rows}
            if set(rows) != set(ids):
                raise Http404  # one of them is not in this call, or the user declared a conflict on it
            texts = dict(
                CriterionAnswer.objects.filter(application_id__in=ids, criterion=criterion).values_list(
                    "application_id", "text"
                )
            )
            index = criteria.index(criterion)
            columns = [(rows[pk], rows[pk].cells[index], texts.get(pk, "")) for pk in ids]
        return render(
            request,
            "review/compare.html",
            {
                "call": self.call,
                "criterion": criterion,
                "criteria": criteria,
                "columns": columns,
                "error": error,
                "ids": ids,
            },
            status=422 if error else 200,
        )
