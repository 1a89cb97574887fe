"""Writes for periodic reports: start, the parts the organisation fills in (activity statuses, actual
figures, accounts, attachments; the participant register lives in `participants.py`), submit, and the
review: accept or ask for changes, then lock.

Every change goes through `_report_change`: it locks the report row, refuses a report that is not editable
and bumps the revision. Submitting freezes the content (JSON with SHA-256). The review follows
`Report.TRANSITIONS`: submitted → accepted or changes requested (→ submitted again) → accepted → locked.
Each state change is audited and the organisation is told about review decisions.
"""

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Funder
from applications.uploads import check_pdf_upload, sanitise_filename
from clusterfund.services import audit_record

from ..models import (
    Indicator,
    Report,
    ReportAccountLine,
    ReportActivityStatus,
    ReportAttachment,
    ReportDue,
    ReportIndicatorActual,
)
from ..selectors.reports import due_activities, report_of
from .common import check_amount, require, send_to_organisation


def _lock(report: Report) -> Report:
    return (
        Report.objects.select_for_update()
        .select_related("due__grant__call", "due__grant__organisation")
        .get(pk=report.pk)
    )


def _transition(report: Report, to: str) -> str:
    before = report.status
    if to not in Report.TRANSITIONS[before]:
        raise ValidationError(
            _("A report cannot go from “%(before)s” to “%(after)s”."),
            code="transition",
            params={"before": Report.Status(before).label, "after": Report.Status(to).label},
        )
    report.status = to
    return before


def _report_change(*, report: Report, by, action: str, change: Callable[[Report], dict]) -> Report:
    """Lock the report, refuse it unless editable, apply `change` (which returns what changed, for the audit),
    bump the revision and audit. Return the report."""
    require(by, "governance.start_report", report)  # editability is checked after the lock
    locked = _lock(report)
    if not locked.is_editable:
        raise ValidationError(
            _("The report is “%(status)s” and cannot be changed now."),
            code="not_editable",
            params={"status": locked.get_status_display()},
        )
    after = change(locked)
    locked.revision += 1
    locked.updated_by = by
    locked.save(update_fields=["revision", "updated_by", "updated_at"])
    audit_record(actor=by, action=action, obj=locked, after=after)
    return locked


@transaction.atomic
def report_start(*, due: ReportDue, by) -> Report:
    """Return the report for `due`, creating a draft (one status row per planned activity, 'under way') if
    there is none yet."""
    require(by, "governance.start_report", due)
    locked = ReportDue.objects.select_for_update().get(pk=due.pk)
    existing = report_of(locked)
    if existing is not None:
        return existing
    report = Report(due=locked, status=Report.Status.DRAFT, updated_by=by)
    report.full_clean()
    report.save()
    ReportActivityStatus.objects.bulk_create(
        ReportActivityStatus(report=report, activity=activity, status=ReportActivityStatus.Status.UNDER_WAY)
        for activity in due_activities(due=locked)
    )
    audit_record(actor=by, action="report.start", obj=report, after={"due": locked.due_on.isoformat()})
    return report


@transaction.atomic
def report_summary_save(*, report: Report, summary: str, by) -> Report:
    """Save the report's short overall account."""

    def change(locked: Report) -> dict:
        locked.summary = (summary or "").strip()
        locked.full_clean(validate_constraints=False)
        locked.save(update_fields=["summary"])
        return {"summary": len(locked.summary)}

    return _report_change(report=report, by=by, action="report.summary", change=change)


@transaction.atomic
def report_activities_save(*, report: Report, statuses: Mapping[int, tuple[str, str]], by) -> Report:
    """Set each planned activity's status and account: activity id -> (status, account). Raise
    ValidationError for an activity the report does not cover or an unknown status."""

    def change(locked: Report) -> dict:
        allowed = {a.pk for a in due_activities(due=locked.due)}
        rows = {row.activity_id: row for row in locked.activity_statuses.all()}
        errors, changed = [], {}
        for activity_id, (status, account) in statuses.items():
            if activity_id not in allowed:
                errors.append(ValidationError(_("The activity is not one of the report's."), code="bad_activity"))
                continue
            if status not in ReportActivityStatus.Status.values:
                errors.append(ValidationError(_("Choose the activity's status."), code="bad_status"))
                continue
            row = rows.get(activity_id) or ReportActivityStatus(report=locked, activity_id=activity_id)
            row.status, row.account = status, (account or "").strip()[:5000]
            row.save()
            changed[str(activity_id)] = status
        if errors:
            raise ValidationError(errors)
        return {"statuses": changed}

    return _report_change(report=report, by=by, action="report.activities", change=change)


@transaction.atomic
def report_actuals_save(*, report: Report, values: Mapping[int, int | None], by) -> Report:
    """Set the actual figures of the call's summed indicators (indicator id -> value, None removes it).
    Counted indicators are computed from the participant register and cannot be typed."""

    def change(locked: Report) -> dict:
        indicators = {i.pk: i for i in Indicator.objects.filter(call_id=locked.due.grant.call_id)}
        existing = {a.indicator_id: a for a in locked.actuals.all()}
        errors, after = [], {}
        for indicator_id, value in values.items():
            indicator = indicators.get(indicator_id)
            if indicator is None:
                errors.append(ValidationError(_("The indicator is not one of the call's."), code="bad_indicator"))
                continue
            if indicator.is_counted:
                errors.append(
                    ValidationError(
                        _("“%(name)s” is counted from the participant register and cannot be typed."),
                        code="counted",
                        params={"name": indicator.tr("name")},
                    )
                )
                continue
            if value is None:
                if indicator_id in existing:
                    existing.pop(indicator_id).delete()
                continue
            try:
                check_amount(value, label=indicator.tr("name"))
            except ValidationError as error:
                errors.append(error)
                continue
            row = existing.get(indicator_id) or ReportIndicatorActual(report=locked, indicator=indicator)
            row.value = value
            row.save()
            after[str(indicator_id)] = value
        if errors:
            raise ValidationError(errors)
        return {"actuals": after}

    return _report_change(report=report, by=by, action="report.actuals", change=change)


@transaction.atomic
def report_accounts_save(*, report: Report, lines: Sequence[Mapping], by) -> Report:
    """Replace the report's accounts with `lines`: each {"funder", "line", "budget", "actual"} in whole
    kroner. Raise ValidationError for an unknown funder, an empty or repeated line, or a bad amount."""

    def change(locked: Report) -> dict:
        errors, rows, seen = [], [], set()
        for order, raw in enumerate(lines):
            funder, name = raw.get("funder"), (raw.get("line") or "").strip()
            if funder not in Funder.values:
                errors.append(ValidationError(_("Unknown funder."), code="bad_funder"))
                continue
            if not name:
                errors.append(ValidationError(_("Name each budget line."), code="line"))
                continue
            if (funder, name.casefold()) in seen:
                errors.append(
                    ValidationError(
                        _("The budget line “%(line)s” appears twice for the same funder."),
                        code="repeated",
                        params={"line": name},
                    )
                )
                continue
            seen.add((funder, name.casefold()))
            try:
                budget = check_amount(raw.get("budget"), label=_("The budget of “%(line)s”") % {"line": name})
                actual = check_amount(raw.get("actual"), label=_("The actual of “%(line)s”") % {"line": name})
            except ValidationError as error:
                errors.append(error)
                continue
            rows.append(
                ReportAccountLine(
                    report=locked, funder=funder, line=name[:200], budget=budget, actual=actual, order=order
                )
            )
        if errors:
            raise ValidationError(errors)
        locked.account_lines.all().delete()
        ReportAccountLine.objects.bulk_create(rows)
        return {"lines": [[r.funder, r.line, r.budget, r.actual] for r in rows]}

    return _report_change(report=report, by=by, action="report.accounts", change=change)


@transaction.atomic
def report_attachment_add(*, report: Report, uploaded, kind: str, by) -> ReportAttachment:
    """Store an uploaded PDF (checked by content and size) on the report and return it."""
    if kind not in ReportAttachment.Kind.values:
        raise ValidationError(_("Choose what the attachment is."), code="kind")
    digest = check_pdf_upload(uploaded)
    holder: dict = {}

    def change(locked: Report) -> dict:
        attachment = ReportAttachment(
            report=locked,
            kind=kind,
            original_name=sanitise_filename(uploaded.name),
            size=uploaded.size,
            sha256=digest,
            uploaded_by=by,
        )
        attachment.file.save(attachment.original_name, uploaded, save=False)
        attachment.save()
        holder["attachment"] = attachment
        return {"attachment": attachment.original_name, "kind": kind, "sha256": digest}

    _report_change(report=report, by=by, action="report.attachment", change=change)
    return holder["attachment"]


def report_content(report: Report) -> dict:
    """Return the report's content as JSON-ready data (what submission freezes)."""
    return {
        "due": {"kind": report.due.kind, "due_on": report.due.due_on, "period_end": report.due.period_end},
        "summary": report.summary,
        "activities": [
            {"activity": row.activity_id, "title": row.activity.title, "status": row.status, "account": row.account}
            for row in report.activity_statuses.select_related("activity").order_by("activity_id")
        ],
        "actuals": {str(i): v for i, v in report.actuals.order_by("indicator_id").values_list("indicator_id", "value")},
        "participants": [
            {
                "cvr": p.cvr,
                "name": p.name,
                "kind": p.kind,
                "size_class": p.size_class,
                "activities": sorted(a.pk for a in p.activities.all()),
            }
            for p in report.participants.prefetch_related("activities").order_by("cvr")
        ],
        "accounts": list(
            report.account_lines.order_by("funder", "order").values_list("funder", "line", "budget", "actual")
        ),
        "attachments": list(report.attachments.order_by("pk").values_list("kind", "original_name", "sha256")),
    }


def report_problems(report: Report) -> list[str]:
    """Return what stops the report from being submitted (empty if it may be)."""
    problems = []
    if not report.summary.strip():
        problems.append(_("Write a short account of the period."))
    missing = report.activity_statuses.filter(account="").count()
    if missing:
        problems.append(_("Give a short account for every activity (%(count)s missing).") % {"count": missing})
    return problems


@transaction.atomic
def report_submit(*, report: Report, by, now: datetime | None = None) -> Report:
    """Submit the report: freeze its content with SHA-256 and send it for review. Raise ValidationError if
    something is missing or the report cannot be submitted in its status."""
    require(by, "governance.submit_report", report)
    now = now or timezone.now()
    locked = _lock(report)
    if locked.status == Report.Status.SUBMITTED:
        return locked  # a second click or tab: the first submission stands
    problems = report_problems(locked)
    if problems:
        raise ValidationError(problems, code="incomplete")
    before = _transition(locked, Report.Status.SUBMITTED)
    content = report_content(locked)
    encoded = json.dumps(content, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    locked.submitted_content = json.loads(encoded)
    locked.sha256 = hashlib.sha256(encoded.encode("utf-8")).hexdigest()
    locked.submitted_at, locked.submitted_by = now, by
    locked.first_submitted_at = locked.first_submitted_at or now
    locked.full_clean(validate_constraints=False)
    locked.save()
    late = locked.due.is_late(now, report=locked)
    audit_record(
        actor=by,
        action="report.submit",
        obj=locked,
        before={"status": before},
        after={"status": locked.status, "sha256": locked.sha256, "late": late},
    )
    return locked


def _tell(report: Report, *, subject: str, body: str, by) -> None:
    send_to_organisation(organisation=report.due.grant.organisation, subject=subject, body=body, by=by)


@transaction.atomic
def report_accept(*, report: Report, by, now: datetime | None = None) -> Report:
    """Accept a submitted report (its figures now count) and tell the organisation."""
    require(by, "governance.review_report", report)
    locked = _lock(report)
    before = _transition(locked, Report.Status.ACCEPTED)
    locked.reviewed_at, locked.reviewed_by = now or timezone.now(), by
    locked.save()
    audit_record(actor=by, action="report.accept", obj=locked, before={"status": before}, after={"status": "accepted"})
    _tell(
        locked,
        subject=_("Your report due %(date)s has been accepted") % {"date": locked.due.due_on.strftime("%d.%m.%Y")},
        body=_("The report for %(period)s has been accepted.") % {"period": _period(locked.due)},
        by=by,
    )
    return locked


@transaction.atomic
def report_request_changes(*, report: Report, note: str, by, now: datetime | None = None) -> Report:
    """Send a submitted report back to the organisation with the reviewer's note (required)."""
    require(by, "governance.review_report", report)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say what the organisation should change."), code="note")
    locked = _lock(report)
    before = _transition(locked, Report.Status.CHANGES_REQUESTED)
    locked.review_note = note[:5000]
    locked.reviewed_at, locked.reviewed_by = now or timezone.now(), by
    locked.save()
    audit_record(
        actor=by,
        action="report.request_changes",
        obj=locked,
        before={"status": before},
        after={"status": locked.status, "note": locked.review_note},
    )
    _tell(
        locked,
        subject=_("Changes requested in your report due %(date)s") % {"date": locked.due.due_on.strftime("%d.%m.%Y")},
        body=locked.review_note,
        by=by,
    )
    return locked


@transaction.atomic
def report_lock(*, report: Report, by, now: datetime | None = None) -> Report:
    """Lock an accepted report for good."""
    require(by, "governance.review_report", report)
    locked = _lock(report)
    before = _transition(locked, Report.Status.LOCKED)
    locked.locked_at = now or timezone.now()
    locked.save()
    audit_record(actor=by, action="report.lock", obj=locked, before={"status": before}, after={"status": "locked"})
    return locked


def _period(due: ReportDue) -> str:
    return f"{due.period_start.strftime('%d.%m.%Y')}–{due.period_end.strftime('%d.%m.%Y')}"
