"""Start-page panel of governance part 2: the organisation's deadlines (the reminders' banners), its gold state
and its latest status meetings."""

from clusterfund.dashboard import register_panel

from .models import StatusMeeting
from .rules import member_organisation_ids
from .selectors.watch import banners_for, gold_statuses


def _member_context(user) -> dict:
    ids = member_organisation_ids(user)
    from applications.models import Organisation

    organisations = list(Organisation.objects.filter(pk__in=ids, grants__isnull=False).distinct().order_by("name"))
    statuses = gold_statuses(organisation_ids=[o.pk for o in organisations])
    meetings = list(
        StatusMeeting.objects.filter(organisations__in=organisations, status=StatusMeeting.Status.HELD)
        .distinct()
        .order_by("-meets_on")[:3]
    )
    return {
        "banners": banners_for(organisation_ids=[o.pk for o in organisations]) if organisations else [],
        "gold_rows": [(o, statuses[o.pk]) for o in organisations],
        "meetings": meetings,
        "show_organisation": len(organisations) > 1,
    }


register_panel(
    permission="applications.view_applicant_start",
    template="governance/panels/watch.html",
    context=_member_context,
    order=13,
)


def _staff_context(user) -> dict:
    """The calls with grants the user may see the dashboard of, with how many organisations miss the gold
    condition today (reviewers: calls they work on; the sub-committee: every call with grants)."""
    from applications.models import Call

    calls = [
        call
        for call in Call.objects.filter(grants__isnull=False).distinct().order_by("-opens_at")
        if user.has_perm("governance.view_dashboard", call)
    ]
    return {"calls": calls, "can_meet": {call.pk: user.has_perm("governance.view_meetings", call) for call in calls}}


register_panel(
    permission="governance.view_portfolio",
    template="governance/panels/portfolio.html",
    context=_staff_context,
    order=36,
)
