"""The minutes of a status meeting as a PDF through the document archive (versioned, PDF/A); registered as the
kind "status-minutes" from GovernanceConfig.ready(). The snapshot holds everything the minutes print."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from clusterfund.documents import register_document

from .models import StatusMeeting

KIND = "status-minutes"


def minutes_snapshot(meeting: StatusMeeting, options: dict) -> dict:
    """Return what the minutes print about `meeting`, as JSON-safe data."""
    items = meeting.action_items.select_related("organisation").order_by("due_on", "pk")
    return {
        "title": meeting.title,
        "call": meeting.call.tr("title"),
        "meets_on": date_format(meeting.meets_on, "j. F Y"),
        "organisations": [o.name for o in meeting.organisations.order_by("name")],
        "participants": [p.get_full_name() for p in meeting.participants.order_by("full_name", "email")],
        "other_participants": meeting.other_participants,
        "minutes": meeting.minutes,
        "held_at": date_format(timezone.localtime(meeting.held_at), "j. F Y H:i") if meeting.held_at else "",
        "agenda": meeting.agenda or {"organisations": []},
        "actions": [
            {
                "title": item.title,
                "owner": item.owner,
                "organisation": item.organisation.name,
                "due_on": date_format(item.due_on, "j. F Y"),
                "status": str(item.get_status_display()),
            }
            for item in items
        ],
    }


register_document(
    KIND,
    title=gettext_lazy("Minutes of the status meeting"),
    subject_model=StatusMeeting,
    snapshot=minutes_snapshot,
    template="pdf/status_minutes.html",
    can_generate="governance.generate_minutes",
    can_download="governance.download_minutes",
    subject_label=lambda meeting: f"{meeting.title} ({date_format(meeting.meets_on, 'j. F Y')})",
    subject_url=lambda meeting: meeting.get_absolute_url(),
    filename_stem="referat",
    generate_label=gettext_lazy("Generate the minutes PDF"),
)
