"""Who may do what in the grant period (django-rules). Object permissions take a grant, a grant version, a
plan, a report or a report date; call-level permissions take the call.

An organisation's members see only their own organisation's grants (anything else answers 404). Reviewers
(secretariat and UFM) see the grants of calls they work on (they hold an assignment in the call), never
one whose application they declared a conflict of interest on.

The grants-and-plans permissions come first; the reports half appends its own at the end.
"""

import rules

from applications.models import Call
from clusterfund.rules import is_reviewer, is_secretariat, is_ufm
from review.models import Assignment

from .models import ActionPlan, Grant, GrantVersion, Report, ReportDue


def grant_of(obj) -> Grant | None:
    """Return the grant an object belongs to (a grant, version, plan, report or report date), else None."""
    if isinstance(obj, Grant):
        return obj
    if isinstance(obj, GrantVersion | ActionPlan | ReportDue):
        return obj.grant
    if isinstance(obj, Report):
        return obj.due.grant
    return None


def member_organisation_ids(user) -> set[int]:
    """Return the ids of the organisations the user acts for."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(user.organisations.values_list("pk", flat=True))


def reviewer_call_ids(user) -> set[int]:
    """Return the calls the user works on as a reviewer (they hold an assignment in the call)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Assignment.objects.filter(reviewer=user).values_list("application__call_id", flat=True).distinct())


def conflicted_application_ids(user) -> set[int]:
    """Return the applications the user declared a conflict of interest on."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Assignment.objects.filter(reviewer=user, conflict=Assignment.Conflict.DECLARED).values_list(
            "application_id", flat=True
        )
    )


def _is_conflicted(user, application_id) -> bool:
    return Assignment.objects.filter(
        reviewer=user, application_id=application_id, conflict=Assignment.Conflict.DECLARED
    ).exists()


@rules.predicate
def is_grant_member(user, obj) -> bool:
    """A member of the organisation that holds the grant."""
    grant = grant_of(obj)
    if grant is None or not getattr(user, "is_authenticated", False):
        return False
    return user.organisations.filter(pk=grant.organisation_id).exists()


@rules.predicate
def is_grant_reviewer(user, obj) -> bool:
    """A reviewer who works on the grant's call and has not declared a conflict on its application."""
    grant = grant_of(obj)
    if grant is None or not is_reviewer(user):
        return False
    works = Assignment.objects.filter(reviewer=user, application__call_id=grant.call_id).exists()
    return works and not _is_conflicted(user, grant.application_id)


@rules.predicate
def works_on_call(user, call) -> bool:
    if not isinstance(call, Call) or not getattr(user, "is_authenticated", False):
        return False
    return Assignment.objects.filter(reviewer=user, application__call=call).exists()


@rules.predicate
def plan_is_editable(user, plan) -> bool:
    return isinstance(plan, ActionPlan) and plan.is_editable


@rules.predicate
def plan_is_under_review(user, plan) -> bool:
    return isinstance(plan, ActionPlan) and plan.is_under_review


@rules.predicate
def version_is_current(user, version) -> bool:
    return isinstance(version, GrantVersion) and version.grant.current_version_id == version.pk


# --- grants --------------------------------------------------------------------------------------
rules.add_perm("governance.view_grants", is_reviewer & works_on_call)  # the call's list of grants
rules.add_perm("governance.create_grants", is_secretariat & works_on_call)
rules.add_perm("governance.view_grant", is_grant_member | is_grant_reviewer)
rules.add_perm("governance.accept_grant", is_grant_member)
rules.add_perm("governance.decide_source", is_secretariat & is_grant_reviewer)
rules.add_perm("governance.edit_targets", is_secretariat & is_grant_reviewer)
rules.add_perm("governance.generate_grant_letter", is_secretariat & is_grant_reviewer)
rules.add_perm("governance.download_grant_letter", is_grant_member | is_grant_reviewer)
rules.add_perm("governance.view_indicators", is_reviewer & works_on_call)

# --- action plans --------------------------------------------------------------------------------
rules.add_perm("governance.view_plan", is_grant_member | is_grant_reviewer)
rules.add_perm("governance.start_plan", is_grant_member)
rules.add_perm("governance.edit_plan", is_grant_member & plan_is_editable)
rules.add_perm("governance.submit_plan", is_grant_member & plan_is_editable)
rules.add_perm("governance.view_plan_queue", is_reviewer)
rules.add_perm("governance.review_plan", (is_secretariat | is_ufm) & is_grant_reviewer & plan_is_under_review)

# --- reports (appended by the reports half) ------------------------------------------------------


@rules.predicate
def report_is_editable(user, report) -> bool:
    return isinstance(report, Report) and report.is_editable


@rules.predicate
def report_is_reviewable(user, report) -> bool:
    return isinstance(report, Report) and report.status in (Report.Status.SUBMITTED, Report.Status.ACCEPTED)


rules.add_perm("governance.view_reports", is_grant_member | is_grant_reviewer)  # a grant's calendar and reports
rules.add_perm("governance.add_report_due", is_secretariat & is_grant_reviewer)
rules.add_perm("governance.start_report", is_grant_member)
rules.add_perm("governance.view_report", is_grant_member | is_grant_reviewer)
rules.add_perm("governance.edit_report", is_grant_member & report_is_editable)
rules.add_perm("governance.submit_report", is_grant_member & report_is_editable)
rules.add_perm("governance.view_report_queue", is_reviewer & works_on_call)
rules.add_perm("governance.review_report", (is_secretariat | is_ufm) & is_grant_reviewer & report_is_reviewable)
rules.add_perm("governance.view_overview", is_reviewer & works_on_call)

# --- the gold-label watch, the status dialogue and the portfolio dashboard (governance part 2) -----------
# Objects: an organisation (gold labels), a status meeting, an action item, a call (lists, the dashboard).
from applications.models import Organisation  # noqa: E402
from clusterfund.rules import is_subcommittee  # noqa: E402

from .models import ActionItem, GoldLabel, StatusMeeting  # noqa: E402


def organisation_of(obj) -> Organisation | None:
    """Return the organisation an object concerns (an organisation, a gold label, an action item)."""
    if isinstance(obj, Organisation):
        return obj
    if isinstance(obj, GoldLabel | ActionItem):
        return obj.organisation
    return None


def reviewer_organisation_ids(user) -> set[int]:
    """Return the organisations whose grant lies in a call the user works on, minus those whose application
    the user declared a conflict on (they do not exist for the user)."""
    if not is_reviewer(user):
        return set()
    calls = reviewer_call_ids(user)
    conflicted = conflicted_application_ids(user)
    return set(
        Grant.objects.filter(call_id__in=calls)
        .exclude(application_id__in=conflicted)
        .values_list("organisation_id", flat=True)
    )


@rules.predicate
def is_organisation_member(user, obj) -> bool:
    organisation = organisation_of(obj)
    return organisation is not None and organisation.pk in member_organisation_ids(user)


@rules.predicate
def is_organisation_reviewer(user, obj) -> bool:
    """A reviewer who works on a call where the organisation holds a grant, without a conflict on it."""
    organisation = organisation_of(obj)
    return organisation is not None and organisation.pk in reviewer_organisation_ids(user)


def _meeting_of(obj) -> StatusMeeting | None:
    if isinstance(obj, StatusMeeting):
        return obj
    if isinstance(obj, ActionItem):
        return obj.meeting
    return None


@rules.predicate
def is_meeting_reviewer(user, obj) -> bool:
    """A reviewer on the meeting's call with no conflict on any of its organisations."""
    meeting = _meeting_of(obj)
    if meeting is None or not is_reviewer(user) or meeting.call_id not in reviewer_call_ids(user):
        return False
    conflicted = conflicted_application_ids(user)
    return not Grant.objects.filter(
        call_id=meeting.call_id, organisation__in=meeting.organisations.all(), application_id__in=conflicted
    ).exists()


@rules.predicate
def is_meeting_member(user, obj) -> bool:
    """A member of one of the meeting's organisations, once the meeting is held (the minutes are out)."""
    meeting = _meeting_of(obj)
    if meeting is None or not meeting.is_held:
        return False
    return meeting.organisations.filter(pk__in=member_organisation_ids(user)).exists()


@rules.predicate
def meeting_is_planned(user, obj) -> bool:
    meeting = _meeting_of(obj)
    return meeting is not None and not meeting.is_held


@rules.predicate
def meeting_is_held(user, obj) -> bool:
    meeting = _meeting_of(obj)
    return meeting is not None and meeting.is_held


rules.add_perm("governance.view_gold", is_organisation_member | is_organisation_reviewer)
rules.add_perm("governance.register_gold", is_organisation_member | (is_secretariat & is_organisation_reviewer))
rules.add_perm("governance.view_gold_labels", is_reviewer & works_on_call)
rules.add_perm("governance.view_meetings", is_reviewer & works_on_call)
rules.add_perm("governance.create_meeting", is_reviewer & works_on_call)
rules.add_perm("governance.view_meeting", is_meeting_reviewer | is_meeting_member)
rules.add_perm("governance.prepare_meeting", is_meeting_reviewer & meeting_is_planned)
rules.add_perm("governance.manage_action_items", is_meeting_reviewer)
rules.add_perm("governance.generate_minutes", is_meeting_reviewer & meeting_is_held)
rules.add_perm("governance.download_minutes", (is_meeting_reviewer | is_meeting_member) & meeting_is_held)
rules.add_perm("governance.view_dashboard", (is_reviewer & works_on_call) | is_subcommittee)
# the start page's portfolio panel (which then lists only the calls whose dashboard the user may see)
rules.add_perm("governance.view_portfolio", is_reviewer | is_subcommittee)
