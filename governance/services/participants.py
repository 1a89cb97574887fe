"""Writes for a report's participant register: one participant typed by hand, one removed, or the whole
register replaced from an uploaded CSV or XLSX file.

An upload is all or nothing: every row is checked first (CVR with modulus 11, name, kind, size class,
activities by their number on the report page or their title, the same CVR twice in the file), and if any
row is wrong, nothing is imported and the errors are returned with their row numbers (row 1 is the header).
The file is capped at `MAX_UPLOAD_BYTES` and `MAX_ROWS` data rows.
"""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from allocation.services.checks import require
from clusterfund.services import audit_record
from clusterfund.validators import validate_cvr

from ..models import ActorKind, Participant, PlanActivity, Report
from ..selectors.reports import activity_numbers, due_activities
from .reports import _lock

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

# Column names accepted in the header row (Danish first, English second), lower-cased.
COLUMNS = {
    "cvr": {"cvr", "cvr-nummer", "cvr number", "cvr-nr"},
    "name": {"navn", "name"},
    "kind": {"type", "kind", "art"},
    "size_class": {"størrelse", "size", "size class", "storrelse"},
    "contact_name": {"kontaktperson", "contact", "contact person"},
    "contact_email": {"e-mail", "email", "kontakt e-mail", "contact e-mail"},
    "activities": {"aktiviteter", "activities", "aktivitet"},
}
REQUIRED = ("cvr", "name", "kind", "size_class")
KINDS = {
    "virksomhed": ActorKind.COMPANY,
    "company": ActorKind.COMPANY,
    "videninstitution": ActorKind.KNOWLEDGE_INSTITUTION,
    "knowledge institution": ActorKind.KNOWLEDGE_INSTITUTION,
    "knowledge_institution": ActorKind.KNOWLEDGE_INSTITUTION,
    "anden": ActorKind.OTHER,
    "andet": ActorKind.OTHER,
    "other": ActorKind.OTHER,
}
SIZES = {
    "mikro": Participant.SizeClass.MICRO,
    "micro": Participant.SizeClass.MICRO,
    "lille": Participant.SizeClass.SMALL,
    "small": Participant.SizeClass.SMALL,
    "mellem": Participant.SizeClass.MEDIUM,
    "mellemstor": Participant.SizeClass.MEDIUM,
    "medium": Participant.SizeClass.MEDIUM,
    "stor": Participant.SizeClass.LARGE,
    "large": Participant.SizeClass.LARGE,
    "ikke relevant": Participant.SizeClass.NOT_APPLICABLE,
    "not applicable": Participant.SizeClass.NOT_APPLICABLE,
    "n_a": Participant.SizeClass.NOT_APPLICABLE,
    "-": Participant.SizeClass.NOT_APPLICABLE,
}


@dataclass
class RowError:
    row: int
    messages: list[str]


@dataclass
class ImportResult:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error


@dataclass
class ParticipantData:
    cvr: str
    name: str
    kind: str
    size_class: str
    contact_name: str = ""
    contact_email: str = ""
    activity_ids: list[int] = field(default_factory=list)


class FileRefused(Exception):
    """The file as a whole cannot be read (wrong type, too large, too many rows, no header)."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(*, name: str, content: bytes) -> list[list[str]]:
    """Return the file's rows as lists of strings (header first); raise FileRefused if it cannot be read."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise FileRefused(_("The file is larger than 2 MB; split the register into smaller files."))
    lower = (name or "").lower()
    if lower.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return _xlsx_rows(content)
    if lower.endswith((".csv", ".txt")) or not lower:
        return _csv_rows(content)
    raise FileRefused(_("Upload the register as a CSV or XLSX file."))


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as error:
            raise FileRefused(_("The CSV file is not UTF-8 text.")) from error
    if "\x00" in text:
        raise FileRefused(_("The file is not a CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if text.count(";") > text.count(",") else ","
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append([_text(cell) for cell in row])
            if len(rows) > MAX_ROWS + 1:
                raise FileRefused(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    except csv.Error as error:
        raise FileRefused(_("The CSV file cannot be read: %(error)s") % {"error": error}) from error
    return rows


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileRefused(_("The file is not a readable XLSX workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_text(cell) for cell in values])
            if len(rows) > MAX_ROWS + 1:
                raise FileRefused(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    finally:
        workbook.close()
    return rows


def _header_map(header: Sequence[str]) -> dict[str, int]:
    found = {}
    for index, title in enumerate(header):
        key = title.strip().lower()
        for column, names in COLUMNS.items():
            if key in names and column not in found:
                found[column] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise FileRefused(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(sorted(next(iter(sorted(COLUMNS[c]))) for c in missing))}
        )
    return found


def _clean_cvr(raw: Mapping[str, str], errors: list[str]) -> str:
    cvr = (raw.get("cvr") or "").replace(" ", "")
    try:
        validate_cvr(cvr)
    except ValidationError as error:
        errors.append(_("CVR %(cvr)s: %(error)s") % {"cvr": cvr or "–", "error": " ".join(error.messages)})
    return cvr


def _clean_name(raw: Mapping[str, str], errors: list[str]) -> str:
    name = (raw.get("name") or "").strip()
    if not name:
        errors.append(_("The name is missing."))
    elif len(name) > 200:
        errors.append(_("The name is longer than 200 characters."))
    return name


def _clean_kind(raw: Mapping[str, str], errors: list[str]) -> str | None:
    kind = KINDS.get((raw.get("kind") or "").strip().lower())
    if kind is None:
        errors.append(
            _("Unknown type “%(value)s” (write virksomhed, videninstitution or anden).") % {"value": raw.get("kind")}
        )
    return kind


def _clean_size(raw: Mapping[str, str], errors: list[str]) -> str | None:
    size = SIZES.get((raw.get("size_class") or "").strip().lower())
    if size is None:
        errors.append(
            _("Unknown size “%(value)s” (write mikro, lille, mellem, stor or ikke relevant).")
            % {"value": raw.get("size_class")}
        )
    return size


def _clean_email(raw: Mapping[str, str], errors: list[str]) -> str:
    email = (raw.get("contact_email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("The e-mail address “%(value)s” is not valid.") % {"value": email})
    return email


def _clean_activities(
    raw: Mapping[str, str], errors: list[str], *, numbers: Mapping[str, int], titles: Mapping[str, int]
) -> list[int]:
    """Return the ids of the activities named by number or title (each once, in the order given)."""
    activity_ids = []
    for part in [p.strip() for p in (raw.get("activities") or "").replace(",", ";").split(";") if p.strip()]:
        activity_id = numbers.get(part) or titles.get(part.casefold())
        if activity_id is None:
            errors.append(_("Unknown activity “%(value)s”.") % {"value": part})
        elif activity_id not in activity_ids:
            activity_ids.append(activity_id)
    return activity_ids


def check_participant(
    raw: Mapping[str, str], *, numbers: Mapping[str, int], titles: Mapping[str, int]
) -> tuple[ParticipantData | None, list[str]]:
    """Check one participant's fields; return the cleaned data (None if wrong) and the messages."""
    errors: list[str] = []
    cvr = _clean_cvr(raw, errors)
    name = _clean_name(raw, errors)
    kind = _clean_kind(raw, errors)
    size = _clean_size(raw, errors)
    email = _clean_email(raw, errors)
    activity_ids = _clean_activities(raw, errors, numbers=numbers, titles=titles)
    if errors:
        return None, errors
    data = ParticipantData(
        cvr=cvr,
        name=name,
        kind=kind,
        size_class=size,
        contact_name=(raw.get("contact_name") or "").strip()[:200],
        contact_email=email,
        activity_ids=activity_ids,
    )
    return data, []


def _activity_keys(report: Report) -> tuple[dict[str, int], dict[str, int]]:
    activities = due_activities(due=report.due)
    numbers = {str(number): pk for pk, number in activity_numbers(activities).items()}
    titles: dict[str, int] = {}
    for activity in activities:
        titles.setdefault(activity.title.casefold(), activity.pk)
    return numbers, titles


def _create(report: Report, rows: Sequence[ParticipantData]) -> None:
    created = Participant.objects.bulk_create(
        Participant(
            report=report,
            cvr=d.cvr,
            name=d.name,
            kind=d.kind,
            size_class=d.size_class,
            contact_name=d.contact_name,
            contact_email=d.contact_email,
        )
        for d in rows
    )
    links = [
        Participant.activities.through(participant_id=p.pk, planactivity_id=activity_id)
        for p, d in zip(created, rows, strict=True)
        for activity_id in d.activity_ids
    ]
    Participant.activities.through.objects.bulk_create(links)


def _changed(locked: Report, by) -> None:
    locked.revision += 1
    locked.updated_by = by
    locked.save(update_fields=["revision", "updated_by", "updated_at"])


def _editable(locked: Report) -> None:
    if not locked.is_editable:
        raise ValidationError(
            _("The report is “%(status)s” and cannot be changed now."),
            code="not_editable",
            params={"status": locked.get_status_display()},
        )


@transaction.atomic
def participants_import(*, report: Report, name: str, content: bytes, by) -> ImportResult:
    """Replace the report's register with the file's rows if every row is right; otherwise import nothing and
    return the errors by row number. Audited either way (the refusal with its error count)."""
    require(by, "governance.start_report", report)  # editability is checked after the lock
    locked = _lock(report)
    _editable(locked)
    result = ImportResult()
    try:
        rows = read_rows(name=name, content=content)
        rows = [row for row in rows if any(cell for cell in row)]
        if not rows:
            raise FileRefused(_("The file is empty."))
        header = _header_map(rows[0])
        if len(rows) - 1 > MAX_ROWS:
            raise FileRefused(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    except FileRefused as refused:
        result.file_error = str(refused)
        audit_record(actor=by, action="participants.import_refused", obj=locked, after={"file": result.file_error})
        return result
    numbers, titles = _activity_keys(locked)
    seen: dict[str, int] = {}
    cleaned: list[ParticipantData] = []
    for row_number, row in enumerate(rows[1:], start=2):
        raw = {column: (row[index] if index < len(row) else "") for column, index in header.items()}
        data, messages = check_participant(raw, numbers=numbers, titles=titles)
        cvr = (raw.get("cvr") or "").replace(" ", "")
        if cvr and cvr in seen:
            messages.append(
                _("CVR %(cvr)s appears twice in the file (also in row %(row)s).") % {"cvr": cvr, "row": seen[cvr]}
            )
        elif cvr:
            seen[cvr] = row_number
        if messages:
            result.errors.append(RowError(row_number, messages))
        elif data is not None:
            cleaned.append(data)
    if not cleaned and not result.errors:
        result.file_error = _("The file has a header but no participants.")
    if not result.ok:
        audit_record(
            actor=by,
            action="participants.import_refused",
            obj=locked,
            after={"rows": len(rows) - 1, "errors": len(result.errors), "file": result.file_error},
        )
        return result
    before = locked.participants.count()
    locked.participants.all().delete()
    _create(locked, cleaned)
    _changed(locked, by)
    result.imported = len(cleaned)
    audit_record(
        actor=by,
        action="participants.import",
        obj=locked,
        before={"participants": before},
        after={"participants": result.imported, "file": name[:200]},
    )
    return result


@transaction.atomic
def participant_add(*, report: Report, data: Mapping, by) -> Participant:
    """Add one participant typed by hand (the same fields as an upload row); raise ValidationError if a field
    is wrong or the CVR is already in the register."""
    require(by, "governance.start_report", report)  # editability is checked after the lock
    locked = _lock(report)
    _editable(locked)
    numbers, titles = _activity_keys(locked)
    raw = {key: str(value) for key, value in data.items() if key != "activities"}
    raw["activities"] = ";".join(str(numbers_key) for numbers_key in data.get("activities", []))
    cleaned, messages = check_participant(raw, numbers=numbers, titles=titles)
    if messages:
        raise ValidationError(messages)
    if locked.participants.filter(cvr=cleaned.cvr).exists():
        raise ValidationError(_("CVR %(cvr)s is already in the register.") % {"cvr": cleaned.cvr}, code="duplicate")
    _create(locked, [cleaned])
    _changed(locked, by)
    participant = locked.participants.get(cvr=cleaned.cvr)
    audit_record(actor=by, action="participant.add", obj=locked, after={"cvr": cleaned.cvr, "name": cleaned.name})
    return participant


@transaction.atomic
def participant_remove(*, report: Report, participant_id: int, by) -> None:
    """Remove one participant from the register (nothing happens if it is not the report's)."""
    require(by, "governance.start_report", report)  # editability is checked after the lock
    locked = _lock(report)
    _editable(locked)
    participant = locked.participants.filter(pk=participant_id).first()
    if participant is None:
        return
    participant.delete()
    _changed(locked, by)
    audit_record(actor=by, action="participant.remove", obj=locked, before={"cvr": participant.cvr})


def activity_choices(report: Report) -> list[tuple[str, str]]:
    """Return (number, label) for the report's activities, as the register form and upload refer to them."""
    activities: list[PlanActivity] = due_activities(due=report.due)
    return [(str(n), f"{n}. {a.title} ({a.plan.year})") for n, a in enumerate(activities, start=1)]
