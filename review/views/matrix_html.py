"""The matrix's cells as HTML, built in Python.

At 600 applications × 4 criteria × 6 reviewers the page has some 15,000 scores; rendered through template
loops, variable lookups and `floatformat`, the templates alone took over a second. Here each cell is one
string built from escaped parts, and the translated words, URL patterns and decimal mark are looked up
once per page. The row skeleton stays in templates/review/_matrix_row.html.
"""

from decimal import Decimal

from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..scoring import rounded
from ..selectors.matrix import Cell, Matrix, Row

_SENTINEL = 987654321  # stands in for ids in a reversed URL, replaced per row


def _pattern(name: str, *args: int) -> str:
    return reverse(name, args=[_SENTINEL, *args] if args else [_SENTINEL])


class MatrixHtml:
    """Renders the cells of a matrix's rows for the active language (create one per request)."""

    def __init__(self):
        self.decimal_mark = get_format("DECIMAL_SEPARATOR")
        self.words = {
            "spread": escape(_("Spread")),
            "consensus": escape(_("Consensus")),
            "score": escape(_("Score")),
            "edit": escape(_("Edit my score")),
        }
        self.review_url = _pattern("review:review")
        self.joint_url = _pattern("review:joint")
        self.cell_url = reverse("review:score_cell", args=[_SENTINEL, _SENTINEL + 1])

    def number(self, value: Decimal | None) -> str:
        """Return `value` with two decimals and the language's decimal mark ("–" for None)."""
        if value is None:
            return "–"
        return f"{rounded(value):.2f}".replace(".", self.decimal_mark)

    def cell(self, row: Row, cell: Cell) -> SafeString:
        pk = row.application.pk
        criterion = cell.criterion
        parts = [f'<td id="cell-{pk}-{criterion.pk}">']
        if cell.marks:
            parts.append(
                " · ".join(
                    f'<abbr title="{escape(mark.name)}">{escape(mark.initials)}</abbr>&nbsp;{mark.value}'
                    for mark in cell.marks
                )
            )
        else:
            parts.append("–")
        if cell.spread is not None:
            text = f"{self.words['spread']} {cell.spread}"
            if cell.wide:
                parts.append(f'<br><span class="badge badge-warning">{text}</span>')
            else:
                parts.append(f"<br><small>{text}</small>")
        if cell.consensus is not None:
            parts.append(f"<br><strong>{self.words['consensus']}&nbsp;{cell.consensus}</strong>")
        if cell.editable:
            href = self.review_url.replace(str(_SENTINEL), str(pk)) + f"#criterion-{escape(criterion.code)}"
            hx = self.cell_url.replace(str(_SENTINEL + 1), str(criterion.pk)).replace(str(_SENTINEL), str(pk))
            label = self.words["score"] if cell.own_value is None else self.words["edit"]
            parts.append(
                f'<br><a class="function-link" href="{href}" hx-get="{hx}" hx-target="#cell-{pk}-{criterion.pk}" '
                f'hx-swap="innerHTML">{label}<span class="sr-only"> ({escape(criterion.tr("short_name"))})</span></a>'
            )
        parts.append("</td>")
        return mark_safe("".join(parts))  # noqa: S308  (every interpolated text is escaped above)

    def totals(self, row: Row) -> SafeString:
        if not row.reviewer_totals:
            return mark_safe("–")
        return mark_safe(  # noqa: S308  (escaped)
            "<br>".join(
                f'<abbr title="{escape(mark.name)}">{escape(mark.initials)}</abbr>&nbsp;{self.number(mark.value.mean)}'
                for mark in row.reviewer_totals
            )
        )

    def annotate(self, matrix: Matrix) -> Matrix:
        """Give every row its cells' HTML, its reviewers' totals, formatted totals and its link; return the matrix."""
        for row in matrix.rows:
            pk = str(row.application.pk)
            row.cells_html = [self.cell(row, cell) for cell in row.cells]
            row.totals_html = self.totals(row)
            row.mean_text = self.number(row.mean)
            row.points_text = self.number(row.points)
            row.link = (self.review_url if row.own is not None else self.joint_url).replace(str(_SENTINEL), pk)
        return matrix
