"""Writes for the status dialogue: planning a meeting, building its agenda from the data (a frozen snapshot),
writing and publishing the minutes (the organisations are told and see them), and action items with an
owner, a due date and a status."""

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from allocation.services.checks import require
from applications.models import Call, Organisation
from clusterfund.outbox import outbox_enqueue
from clusterfund.services import audit_record
from clusterfund.tasks import send_email_task

from ..models import ActionItem, ReminderLanguage, StatusMeeting
from ..selectors.agenda import agenda_build
from ..selectors.watch import local_today
from .common import emails_wanted

ACTION_TRANSITIONS: dict[str, set[str]] = {
    ActionItem.Status.OPEN: {ActionItem.Status.DONE, ActionItem.Status.DROPPED},
    ActionItem.Status.DONE: {ActionItem.Status.OPEN},
    ActionItem.Status.DROPPED: {ActionItem.Status.OPEN},
}


def _lock(meeting: StatusMeeting) -> StatusMeeting:
    return StatusMeeting.objects.select_for_update().select_related("call").get(pk=meeting.pk)


@transaction.atomic
def meeting_create(
    *,
    call: Call,
    title: str,
    meets_on: dt.date,
    organisations: Sequence[Organisation],
    participants: Sequence = (),
    other_participants: str = "",
    by,
) -> StatusMeeting:
    """Plan a status meeting with one or more organisations holding a grant in the call; return it."""
    require(by, "governance.create_meeting", call)
    organisations = list(organisations)
    if not organisations:
        raise ValidationError({"organisations": _("Choose at least one organisation.")})
    with_grant = set(call.grants.values_list("organisation_id", flat=True))
    if any(organisation.pk not in with_grant for organisation in organisations):
        raise ValidationError({"organisations": _("Every organisation must hold a grant in the call.")})
    meeting = StatusMeeting(
        call=call, title=title.strip(), meets_on=meets_on, other_participants=other_participants.strip(), created_by=by
    )
    meeting.full_clean()
    meeting.save()
    meeting.organisations.set(organisations)
    meeting.participants.set(participants)
    audit_record(
        actor=by,
        action="meeting.create",
        obj=meeting,
        after={
            "title": meeting.title,
            "meets_on": meets_on.isoformat(),
            "organisations": [o.pk for o in organisations],
            "participants": [p.pk for p in participants],
        },
    )
    return meeting


@transaction.atomic
def meeting_agenda_build(*, meeting: StatusMeeting, by, today: dt.date | None = None) -> StatusMeeting:
    """Build (or rebuild) the planned meeting's agenda from the data as it stands `today`; return the meeting."""
    require(by, "governance.prepare_meeting", meeting)
    locked = _lock(meeting)
    if locked.is_held:
        raise ValidationError(_("The meeting is held; its agenda stays as it was."))
    before = {"built_at": locked.agenda_built_at.isoformat() if locked.agenda_built_at else None}
    locked.agenda = agenda_build(meeting=locked, today=today or local_today())
    locked.agenda_built_at = timezone.now()
    locked.revision += 1
    locked.save(update_fields=["agenda", "agenda_built_at", "revision"])
    audit_record(
        actor=by,
        action="meeting.agenda",
        obj=locked,
        before=before,
        after={
            "built_on": locked.agenda["built_on"],
            "organisations": [o["id"] for o in locked.agenda["organisations"]],
        },
    )
    return locked


def _tell_organisations(meeting: StatusMeeting) -> None:
    """E-mail the members of the meeting's organisations that the minutes are out, each in their language."""
    if not emails_wanted():  # the demo's fictional contacts
        return
    from django.contrib.auth import get_user_model

    users = list(
        get_user_model().objects.filter(organisations__in=meeting.organisations.all(), is_active=True).distinct()
    )
    chosen = dict(ReminderLanguage.objects.filter(user__in=users).values_list("user_id", "language"))
    by_language: dict[str, list[str]] = {}
    for user in users:
        by_language.setdefault(chosen.get(user.pk, settings.LANGUAGE_CODE), []).append(user.email)
    for language, emails in sorted(by_language.items()):
        with translation.override(language):
            subject = render_to_string("governance/email/minutes_subject.txt", {"meeting": meeting}).strip()
            body = render_to_string("governance/email/minutes.txt", {"meeting": meeting})
        to = sorted(emails)
        outbox_enqueue(send_email_task, subject=subject, body=body, to=to)


@transaction.atomic
def meeting_minutes_save(*, meeting: StatusMeeting, minutes: str, publish: bool, revision: int, by) -> StatusMeeting:
    """Save the planned meeting's minutes; with `publish`, mark it held and tell the organisations.

    `revision` is the one the form was loaded at; a stale form is refused (a colleague saved meanwhile).
    """
    require(by, "governance.prepare_meeting", meeting)
    locked = _lock(meeting)
    if locked.revision != revision:
        raise ValidationError(_("A colleague changed the meeting meanwhile. Reload the page and try again."))
    minutes = minutes.strip()
    if publish and not minutes:
        raise ValidationError({"minutes": _("Write the minutes before publishing them.")})
    before = {"status": locked.status, "minutes": locked.minutes}
    locked.minutes = minutes
    locked.revision += 1
    if publish:
        if StatusMeeting.Status.HELD not in StatusMeeting.TRANSITIONS[locked.status]:
            raise ValidationError(_("The minutes are already published."))
        locked.status = StatusMeeting.Status.HELD
        locked.held_at = timezone.now()
    locked.full_clean()
    locked.save()
    audit_record(
        actor=by,
        action="meeting.publish" if publish else "meeting.minutes",
        obj=locked,
        before=before,
        after={"status": locked.status, "minutes": locked.minutes},
    )
    if publish:
        _tell_organisations(locked)
    return locked


@transaction.atomic
def action_item_add(
    *, meeting: StatusMeeting, organisation: Organisation, title: str, owner: str, due_on: dt.date, by
) -> ActionItem:
    """Add an action item about one of the meeting's organisations and return it."""
    require(by, "governance.manage_action_items", meeting)
    if not meeting.organisations.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("The organisation is not part of this meeting.")})
    item = ActionItem(
        meeting=meeting,
        organisation=organisation,
        title=title.strip(),
        owner=owner.strip(),
        due_on=due_on,
        created_by=by,
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=by,
        action="action_item.create",
        obj=item,
        after={"title": item.title, "owner": item.owner, "due_on": due_on.isoformat(), "organisation": organisation.pk},
    )
    return item


@transaction.atomic
def action_item_set_status(*, item: ActionItem, status: str, by) -> ActionItem:
    """Close an open action item (done or dropped) or reopen a closed one; return it."""
    locked = ActionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    require(by, "governance.manage_action_items", locked)
    if status not in ACTION_TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            _("An action item cannot go from %(old)s to %(new)s.") % {"old": locked.status, "new": status}
        )
    before = locked.status
    locked.status = status
    if status == ActionItem.Status.OPEN:
        locked.closed_at, locked.closed_by = None, None
    else:
        locked.closed_at, locked.closed_by = timezone.now(), by
    locked.full_clean()
    locked.save()
    audit_record(actor=by, action="action_item.status", obj=locked, before={"status": before}, after={"status": status})
    return locked
