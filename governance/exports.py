"""The programme overview and the participant register as tables for export (CSV and XLSX), shared by the
download views and `export_governance`. Same conventions as `allocation.exports`: CSV is UTF-8 with a
byte-order mark and whole numbers without separators; XLSX has a bold frozen header and numbers as numbers;
text a spreadsheet would run as a formula is prefixed with an apostrophe.

The overview has one row per organisation and year, then one row per organisation for the whole period:
grant and budget used per funder, plan status, report status, and for every indicator its target and actual
(columns named after the indicators).
"""

import csv
import io

from django.utils.translation import gettext as _

from allocation.exports import _safe

from .models import ActorKind, Grant, Participant
from .selectors.overview import Overview


def _report_text(row) -> str:
    parts = []
    for cell in row.reports:
        text = f"{cell.due.due_on.isoformat()}: {cell.status_label}"
        if cell.late:
            text += f" ({_('late')})"
        parts.append(text)
    return "; ".join(parts)


def overview_table(overview: Overview) -> tuple[list[str], list[list]]:
    """Return the header and the rows of the overview export."""
    header = [
        _("Organisation"),
        _("CVR number"),
        _("Year"),
        _("Board grant (kr.)"),
        _("UFM grant (kr.)"),
        _("Board used (kr.)"),
        _("UFM used (kr.)"),
        _("Action plan"),
        _("Reports"),
    ]
    for indicator in overview.indicators:
        name = indicator.tr("name")
        header += [_("%(name)s – target") % {"name": name}, _("%(name)s – actual") % {"name": name}]
    rows = []
    for row in overview.rows:
        grant = row.grant
        year = row.year if row.year is not None else f"{grant.first_year}–{grant.last_year}"
        values = [
            _safe(grant.organisation.name),
            grant.organisation.cvr,
            year,
            row.granted.get("board", 0),
            row.granted.get("ufm", 0),
            row.used.get("board", 0),
            row.used.get("ufm", 0),
            str(row.plan.get_status_display()) if row.plan else ("" if row.year is None else _("Not started")),
            _report_text(row),
        ]
        for _indicator, actual, target in row.cells:
            values += ["" if target is None else target, "" if actual is None else actual]
        rows.append(values)
    return header, rows


def register_table(grant: Grant) -> tuple[list[str], list[list]]:
    """Return the grant's participant register: one row per CVR number across its reports (the newest
    report's name and size), with the activities and the reports it appears in."""
    header = [
        _("CVR number"),
        _("Name"),
        _("Kind"),
        _("Size"),
        _("Contact person"),
        _("Contact e-mail"),
        _("Activities"),
        _("Reports"),
    ]
    participants = (
        Participant.objects.filter(report__due__grant=grant)
        .select_related("report__due")
        .prefetch_related("activities")
        .order_by("cvr", "report__due__due_on")
    )
    by_cvr: dict[str, dict] = {}
    for p in participants:
        entry = by_cvr.setdefault(p.cvr, {"activities": [], "reports": []})
        entry["participant"] = p  # the newest report's wins
        for activity in p.activities.all():
            if activity.title not in entry["activities"]:
                entry["activities"].append(activity.title)
        entry["reports"].append(p.report.due.due_on.isoformat())
    rows = []
    for cvr, entry in sorted(by_cvr.items(), key=lambda item: item[1]["participant"].name.casefold()):
        p = entry["participant"]
        rows.append(
            [
                cvr,
                _safe(p.name),
                str(ActorKind(p.kind).label),
                str(p.get_size_class_display()),
                _safe(p.contact_name),
                _safe(p.contact_email),
                _safe("; ".join(entry["activities"])),
                "; ".join(entry["reports"]),
            ]
        )
    return header, rows


def as_csv(header: list[str], rows: list[list]) -> bytes:
    """Return the table as CSV bytes (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(header: list[str], rows: list[list], *, title: str) -> bytes:
    """Return the table as an XLSX workbook's bytes (one sheet, bold frozen header, numbers as numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
    sheet.freeze_panes = "B2"
    for index, name in enumerate(header, start=1):
        width = 40 if index == 1 else max(12, min(30, len(name) + 2))
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
