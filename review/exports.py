"""The review matrix as a table for export: one row per application (CSV and XLSX).

CSV is for machines: comma-separated, UTF-8 with a byte-order mark (so spreadsheet programs detect the
encoding), numbers with a decimal point. XLSX is for people: real numbers with two decimals, which the
spreadsheet program shows in the reader's own locale.
"""

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from .scoring import rounded
from .selectors.matrix import Matrix


def export_header(matrix: Matrix) -> list[str]:
    """Return the column titles, one per criterion between the fixed ones."""
    return [
        _("Organisation"),
        _("CVR number"),
        _("Business area"),
        _("Meets the requirements"),
        *[_("Consensus: %(criterion)s") % {"criterion": c.tr("short_name")} for c in matrix.criteria],
        _("Weighted total"),
        _("Points out of 100"),
        _("Rank in area"),
        _("Recommendation"),
    ]


def _eligibility(value: bool | None) -> str:
    return {True: _("Yes"), False: _("No"), None: ""}[value]


def export_rows(matrix: Matrix) -> list[list]:
    """Return one list of values per application, in the matrix's order (area by area)."""
    rows = []
    for row in matrix.rows:
        application = row.application
        rows.append(
            [
                application.organisation.name,
                application.organisation.cvr,
                row.area.tr("name") if row.area else "",
                _eligibility(row.eligible),
                *[cell.consensus for cell in row.cells],
                rounded(row.mean),
                rounded(row.points),
                row.rank,
                row.recommendation_label,
            ]
        )
    return rows


def matrix_csv(matrix: Matrix) -> bytes:
    """Return the matrix as CSV bytes (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export_header(matrix))
    for values in export_rows(matrix):
        writer.writerow(["" if v is None else (f"{v:.2f}" if isinstance(v, Decimal) else v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def matrix_xlsx(matrix: Matrix) -> bytes:
    """Return the matrix as an XLSX workbook's bytes (one sheet, frozen header row)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = _("Review matrix")[:31]
    header = export_header(matrix)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    decimal_columns = {len(header) - 4, len(header) - 3}  # weighted total, points (0-based)
    for values in export_rows(matrix):
        sheet.append(values)
        row = sheet.max_row
        for column in decimal_columns:
            sheet.cell(row=row, column=column + 1).number_format = "0.00"
    sheet.freeze_panes = "A2"
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, min(40, len(title) + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(matrix: Matrix, extension: str) -> str:
    return f"vurderingsmatrix-{matrix.call.slug}.{extension}"
