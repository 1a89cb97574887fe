"""The portfolio dashboard's tables for export (CSV for machines, XLSX for people), as the allocation export
does: CSV in UTF-8 with a byte-order mark and whole kroner without separators; text a spreadsheet would run as
a formula is prefixed with an apostrophe (organisation names are typed by applicants)."""

import csv
import io

from django.utils.translation import gettext as _

from allocation.exports import _safe

from .selectors.dashboard import Dashboard

TABLES = ("organisations", "budget", "indicators", "totals")


def dashboard_table(board: Dashboard, table: str) -> tuple[list[str], list[list]]:
    """Return (header, rows) of one of the dashboard's tables."""
    if table == "organisations":
        header = [_("Organisation"), _("Area"), _("Region"), _("Gold label")]
        header += [_("Action plan %(year)s") % {"year": year} for year in ([board.year] if board.year else board.years)]
        header += [_("Reports submitted"), _("Reports not submitted"), _("Late items")]
        header += [_("Board: granted"), _("Board: used"), _("UFM: granted"), _("UFM: used")]
        header += [_("%(indicator)s: actual / target") % {"indicator": i.tr("name")} for i in board.indicators]
        rows = []
        for row in board.rows:
            values = [row.organisation.name, row.area, row.region, str(row.gold.state_label)]
            values += [row.plans[year] or "–" for year in row.plans]
            values += [row.reports_submitted, row.reports_open, row.late]
            values += [row.granted["board"], row.used["board"], row.granted["ufm"], row.used["ufm"]]
            values += [f"{cell.actual} / {cell.target if cell.target is not None else '–'}" for cell in row.indicators]
            rows.append(values)
        return header, rows
    if table == "budget":
        header = [_("Organisation"), _("Year"), _("Funder"), _("Granted"), _("Planned"), _("Used")]
        rows = [
            [r["organisation"], r["year"], r["funder_label"], r["granted"], r["planned"], r["used"]]
            for r in board.budget
        ]
        return header, rows
    if table == "indicators":
        header = [_("Organisation"), _("Indicator"), _("Target"), _("Actual"), _("Per cent of target")]
        rows = [
            [row.organisation.name, cell.indicator.tr("name"), cell.target, cell.actual, cell.percent]
            for row in board.rows
            for cell in row.indicators
        ]
        return header, rows
    if table == "totals":
        header = [_("Year"), _("Funder"), _("Granted"), _("Used")]
        return header, [[t["year"], t["funder_label"], t["granted"], t["used"]] for t in board.totals]
    raise LookupError(table)


def dashboard_csv(board: Dashboard, table: str) -> bytes:
    header, rows = dashboard_table(board, table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_safe(value) if value is not None else "" for value in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def dashboard_xlsx(board: Dashboard, table: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = dashboard_table(board, table)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append([_safe(value) for value in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
    sheet.freeze_panes = "B2"
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 36 if index == 1 else 16
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
