"""Writes for organisations and applications. Every one is atomic, validated and audited."""

import hashlib
import json
from collections.abc import Callable
from datetime import datetime

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterfund.outbox import outbox_enqueue
from clusterfund.services import audit_record

from .models import Application, Attachment, Call, Organisation, SectionState
from .sections import SECTION_CODES
from .selectors import application_content, application_missing_items
from .uploads import check_pdf_upload, sanitise_filename


class VersionConflict(Exception):
    """A colleague saved the same section since this form was loaded."""

    def __init__(self, state: SectionState):
        self.state = state
        super().__init__(f"section {state.section} is at version {state.version}")


def _local(moment: datetime) -> str:
    """Return `moment` in Copenhagen time as '15.05.2020 12:00 CEST', the same in every language."""
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M %Z")


# --- organisations ------------------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, by, **fields) -> Organisation:
    """Create an organisation with `by` as its first member and return it."""
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    organisation.members.add(by)
    audit_record(actor=by, action="organisation.create", obj=organisation, after={"cvr": organisation.cvr})
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by, **fields) -> Organisation:
    """Change an organisation's details and return it; records which fields changed."""
    before = {name: getattr(organisation, name) for name in fields}
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    changed = sorted(name for name in fields if before[name] != fields[name])
    if changed:
        audit_record(actor=by, action="organisation.update", obj=organisation, after={"changed": changed})
    return organisation


# --- applications -------------------------------------------------------------------------------


@transaction.atomic
def application_create(*, call: Call, organisation: Organisation, by, now: datetime | None = None) -> Application:
    """Start a draft for the organisation in the call (or return its existing live one)."""
    now = now or timezone.now()
    existing = (
        Application.objects.filter(call=call, organisation=organisation)
        .exclude(status=Application.Status.WITHDRAWN)
        .first()
    )
    if existing:
        return existing
    if not call.is_published or now >= call.deadline:
        raise ValidationError(_("The call is not open for applications."))
    application = Application.objects.create(call=call, organisation=organisation, created_by=by)
    audit_record(actor=by, action="application.create", obj=application, after={"status": application.status})
    return application


def _acts_for(by, application: Application) -> bool:
    """Whether `by` acts for the application's organisation (rules.py; the rule itself, so a superuser from
    outside the organisation is refused as anyone else)."""
    return rules.has_perm("applications.act_for_application", by, application)


def _lock_for_edit(application: Application, by) -> Application:
    locked = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if locked.status != Application.Status.DRAFT:
        raise ValidationError(_("The application has been submitted and can no longer be changed."))
    if not _acts_for(by, locked):
        raise PermissionDenied
    return locked


@transaction.atomic
def section_save(
    *,
    application: Application,
    section: str,
    by,
    expected_version: int,
    write: Callable[[Application], list[str]],
    now: datetime | None = None,
) -> SectionState:
    """Save one section if nobody saved it since `expected_version`; return its new state.

    `write` performs the changes on the locked application and returns the names of the fields that
    changed. Raises VersionConflict when a colleague saved the section in between (nothing is written),
    ValidationError when the application is no longer a draft.
    """
    if section not in SECTION_CODES:
        raise ValueError(section)
    locked = _lock_for_edit(application, by)
    state, _created = SectionState.objects.select_for_update().get_or_create(application=locked, section=section)
    if state.version != expected_version:
        raise VersionConflict(state)
    changed = write(locked)
    state.version += 1
    state.saved_at = now or timezone.now()
    state.saved_by = by
    state.save()
    locked.save(update_fields=["updated_at"])
    audit_record(
        actor=by,
        action="application.section_save",
        obj=locked,
        before={"section": section, "version": expected_version},
        after={"section": section, "version": state.version, "changed": sorted(set(changed))},
    )
    return state


def section_version(*, application: Application, section: str) -> int:
    """Return the saved version of a section (0 before its first save)."""
    state = SectionState.objects.filter(application=application, section=section).first()
    return state.version if state else 0


@transaction.atomic
def attachment_add(*, application: Application, uploaded, kind: str, by, replace: bool = False) -> Attachment:
    """Store an uploaded PDF on a draft and return it. Raises ValidationError with the reason if refused.

    With `replace`, an earlier attachment of the same kind is removed (one statutes file, one certificate, ...).
    Nothing else in the draft is touched, so a refused upload loses no text.
    """
    locked = _lock_for_edit(application, by)
    digest = check_pdf_upload(uploaded)
    previous = list(locked.attachments.filter(kind=kind)) if replace else []
    if locked.attachments.count() - len(previous) >= locked.call.max_attachments:
        limit = locked.call.max_attachments
        raise ValidationError(
            ngettext(
                "You can attach at most %(n)s file to an application.",
                "You can attach at most %(n)s files to an application.",
                limit,
            ),
            params={"n": limit},
        )
    attachment = Attachment(
        application=locked,
        kind=kind,
        original_name=sanitise_filename(uploaded.name),
        size=uploaded.size,
        sha256=digest,
        uploaded_by=by,
    )
    attachment.file.save("upload.pdf", uploaded, save=False)
    attachment.full_clean()
    attachment.save()
    for old in previous:
        attachment_remove(attachment=old, by=by)
    audit_record(
        actor=by,
        action="application.attachment_add",
        obj=locked,
        after={"kind": kind, "name": attachment.original_name, "sha256": digest, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by) -> None:
    """Delete an attachment from a draft (and its file once the transaction commits)."""
    _lock_for_edit(attachment.application, by)
    storage, name = attachment.file.storage, attachment.file.name
    audit_record(
        actor=by,
        action="application.attachment_remove",
        obj=attachment.application,
        before={"kind": attachment.kind, "name": attachment.original_name, "sha256": attachment.sha256},
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def application_digest(content: dict) -> str:
    """Return the SHA-256 of the application's content as canonical JSON."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def application_submit(*, application: Application, by, now: datetime | None = None) -> Application:
    """Lock the application as submitted and return it; raise ValidationError if it cannot be.

    A second submission (double click, second tab) returns the first one unchanged.
    """
    now = now or timezone.now()
    locked = Application.objects.select_for_update().select_related("call", "organisation").get(pk=application.pk)
    if locked.status == Application.Status.SUBMITTED:
        return locked
    if locked.status != Application.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    if not _acts_for(by, locked):
        raise PermissionDenied
    if now >= locked.call.deadline:
        raise ValidationError(
            _("The deadline passed at %(deadline)s. Your draft is kept, but it can no longer be submitted."),
            params={"deadline": _local(locked.call.deadline)},
            code="deadline",
        )
    missing = application_missing_items(application=locked)
    if missing:
        raise ValidationError([item.message for item in missing], code="incomplete")
    content = application_content(application=locked)
    locked.status = Application.Status.SUBMITTED
    locked.submitted_at = now
    locked.submitted_by = by
    locked.submitted_content = content
    locked.content_sha256 = application_digest(content)
    locked.full_clean(exclude=["receipt_pdf"])
    locked.save()
    audit_record(
        actor=by,
        action="application.submit",
        obj=locked,
        before={"status": Application.Status.DRAFT},
        after={"status": locked.status, "sha256": locked.content_sha256, "submitted_at": now.isoformat()},
    )
    from .tasks import render_receipt, send_receipt_email

    # stored with the submission, sent after the commit: a broker that is down only delays the receipt
    outbox_enqueue(render_receipt, application_id=locked.pk)
    outbox_enqueue(send_receipt_email, application_id=locked.pk)
    return locked


@transaction.atomic
def application_withdraw(*, application: Application, by, reason: str, now: datetime | None = None) -> Application:
    """Withdraw a submitted application before the deadline, with a reason; return it."""
    now = now or timezone.now()
    locked = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if not _acts_for(by, locked):
        raise PermissionDenied
    if locked.status != Application.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be withdrawn."))
    if now >= locked.call.deadline:
        raise ValidationError(
            _("The deadline passed at %(deadline)s; the application can no longer be withdrawn."),
            params={"deadline": _local(locked.call.deadline)},
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the withdrawal.")})
    locked.status = Application.Status.WITHDRAWN
    locked.withdrawn_at = now
    locked.withdrawal_reason = reason
    locked.save()
    audit_record(
        actor=by,
        action="application.withdraw",
        obj=locked,
        before={"status": Application.Status.SUBMITTED},
        after={"status": locked.status, "reason": reason},
    )
    return locked


@transaction.atomic
def application_transition(*, application: Application, to: str, by) -> Application:
    """Move an application to status `to` if the transition map allows it; return it (used by review)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if to not in Application.TRANSITIONS[locked.status]:
        raise ValidationError(
            _("An application cannot go from %(from)s to %(to)s."),
            params={"from": locked.get_status_display(), "to": Application.Status(to).label},
        )
    before = locked.status
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="application.transition", obj=locked, before={"status": before}, after={"status": to})
    return locked
