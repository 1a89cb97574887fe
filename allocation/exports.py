"""A proposal as a table for export (CSV and XLSX), shared by the download view and `export_allocation`.

One row per organisation: name, CVR, area, the UFM grant per year and in total, the board's amount per year
and in total. Below them a total row, and per year the board's frame, its funding source and whether the
year is conditional (and the same for UFM's frame under the UFM columns).

CSV is for machines: comma-separated, UTF-8 with a byte-order mark, whole kroner without separators. XLSX
is for people: numbers formatted with thousands separators. Text that a spreadsheet would run as a
formula (starting with = + - @) is prefixed with an apostrophe: organisation names are typed by applicants.
"""

import csv
import io

from django.utils.translation import gettext as _

from applications.models import Funder

from .models import Proposal
from .selectors import frames_of, proposal_grid

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def proposal_table(proposal: Proposal) -> tuple[list[str], list[list]]:
    """Return the header and the rows (organisations, then totals, frames, sources and conditions)."""
    grid = proposal_grid(proposal=proposal, with_results=False)
    years = grid.years
    header = [
        _("Organisation"),
        _("CVR number"),
        _("Business area"),
        *[_("UFM grant %(year)s") % {"year": y} for y in years],
        _("UFM grant in total"),
        *[_("Board %(year)s") % {"year": y} for y in years],
        _("Board in total"),
    ]
    rows = [_organisation_row(row, years) for row in grid.rows]
    grant_totals = [sum(r.grants.get(y, 0) for r in grid.rows) for y in years]
    rows.append([_("Total"), "", "", *grant_totals, sum(grant_totals), *[t.total for t in grid.totals], grid.total])
    ufm = frames_of(call=proposal.call, funder=Funder.UFM)
    rows.extend(_frame_rows(ufm_frames=[ufm.get(y) for y in years], board_frames=[t.frame for t in grid.totals]))
    return header, rows


def _organisation_row(row, years: list[int]) -> list:
    application = row.application
    return [
        _safe(application.organisation.name),
        application.organisation.cvr,
        _safe(application.business_area.tr("name")) if application.business_area else "",
        *[row.grants.get(y, 0) for y in years],
        row.grant_total,
        *[row.amounts.get(y, 0) for y in years],
        row.total,
    ]


def _frame_rows(*, ufm_frames: list, board_frames: list) -> list[list]:
    """Return the rows of the frames (UFM's, then the board's, per year): amount, funding source, conditional."""

    def amounts(frames):
        return [*[f.amount if f else "" for f in frames], sum(f.amount for f in frames if f)]

    def sources(frames):
        return [*[f.source_label if f else "" for f in frames], ""]

    def conditions(frames):
        return [*[(_("Yes") if f.is_conditional else _("No")) if f else "" for f in frames], ""]

    return [
        [label, "", "", *cells(ufm_frames), *cells(board_frames)]
        for label, cells in ((_("Frame"), amounts), (_("Funding source"), sources), (_("Conditional"), conditions))
    ]


def proposal_csv(proposal: Proposal) -> bytes:
    """Return the proposal as CSV bytes (UTF-8 with BOM)."""
    header, rows = proposal_table(proposal)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def proposal_xlsx(proposal: Proposal) -> bytes:
    """Return the proposal as an XLSX workbook's bytes (one sheet, frozen header, amounts as numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = proposal_table(proposal)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (_("Allocation") + f" {proposal.number}")[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
    for row in sheet.iter_rows(min_row=sheet.max_row - 3, max_row=sheet.max_row - 3):
        for cell in row:
            cell.font = Font(bold=True)  # the total row
    sheet.freeze_panes = "D2"
    for index, title in enumerate(header, start=1):
        width = 40 if index == 1 else max(14, min(30, len(title) + 2))
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(proposal: Proposal, extension: str) -> str:
    return f"fordeling-{proposal.call.slug}-forslag-{proposal.number}.{extension}"
