"""Start-page panels contributed by the applications app."""

from clusterfund.dashboard import register_panel

from .models import Call
from .selectors import calls_for_front_page
from .services_account import organisations_with_activity


def _applicant_context(user) -> dict:
    # Each organisation comes with its applications (and their calls) and messages, newest first.
    return {
        "organisations": list(organisations_with_activity(user)),
        "open_calls": calls_for_front_page()["open"],
    }


def _staff_context(user) -> dict:
    return {"calls": list(Call.objects.all().order_by("-opens_at"))}


register_panel(
    permission="applications.view_applicant_start",
    template="applications/panels/applicant.html",
    context=_applicant_context,
    order=10,
)
register_panel(
    permission="applications.view_staff_start",
    template="applications/panels/staff_calls.html",
    context=_staff_context,
    order=20,
)
