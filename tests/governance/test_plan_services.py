"""The action plan's rules and workflow, through the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clusterfund.models import AuditEvent
from governance.models import ActionPlan, ActorKind, PlanApproval, PlanVersion
from governance.selectors.plans import plan_diff, plan_state
from governance.services.common import VersionConflict
from governance.services.plans import (
    plan_activity_delete,
    plan_activity_save,
    plan_aims_save,
    plan_approve,
    plan_figures_save,
    plan_request_changes,
    plan_start,
    plan_submit,
)
from tests.factories.clusterfund import UserFactory
from tests.factories.governance import plan_with_activity, ready_plan, simple_grant

pytestmark = pytest.mark.django_db


def activity_fields(grant, *, board=1_000_000, ufm=0, year=2022):
    return {
        "activity_type": grant.call.activity_types.first(),
        "title": "Matchmaking",
        "description": "Virksomheder møder forskere.",
        "starts_on": dt.date(year, 3, 1),
        "ends_on": dt.date(year, 6, 30),
        "regions": ["midtjylland"],
        "budget_board": board,
        "budget_ufm": ufm,
    }


COMPANY = {"name": "Virksomhed A/S", "kind": ActorKind.COMPANY, "cvr": ""}
INSTITUTION = {"name": "Aarhus Universitet", "kind": ActorKind.KNOWLEDGE_INSTITUTION, "cvr": ""}
OTHER = {"name": "Kommunen", "kind": ActorKind.OTHER, "cvr": ""}


def problems_after(grant, member, actors, **budget):
    plan = plan_start(grant=grant, year=2022, by=member)
    plan_activity_save(
        plan=plan, fields=activity_fields(grant, **budget), actors=actors, expected_revision=plan.revision, by=member
    )
    plan.refresh_from_db()
    return plan, plan_state(plan=plan).problems


def test_board_activity_needs_two_actors(grant, member):
    _plan, problems = problems_after(grant, member, [COMPANY])
    assert any("at least 2 actors" in p for p in problems)


def test_board_activity_needs_a_company(grant, member):
    _plan, problems = problems_after(grant, member, [INSTITUTION, OTHER])
    assert any("board must involve at least one company" in p for p in problems)


def test_board_activity_with_two_actors_and_a_company_passes_the_rule(grant, member):
    _plan, problems = problems_after(grant, member, [COMPANY, OTHER])
    assert not [p for p in problems if "Matchmaking" in p]


def test_ufm_activity_needs_a_company_and_a_knowledge_institution(grant, member):
    _plan, problems = problems_after(grant, member, [COMPANY, OTHER], board=0, ufm=500_000)
    assert any("UFM must involve at least one knowledge institution" in p for p in problems)
    assert not any("UFM must involve at least one company" in p for p in problems)
    _plan2, problems = problems_after(simple_grant(member=member), member, [INSTITUTION], board=0, ufm=500_000)
    assert any("UFM must involve at least one company" in p for p in problems)


def test_submit_refused_when_board_budget_exceeds_the_years_grant(grant, member):
    plan, _ = problems_after(grant, member, [COMPANY, INSTITUTION], board=20_000_001)
    with pytest.raises(ValidationError, match="more than the grant for 2022"):
        plan_submit(plan=plan, by=member)
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.DRAFT
    assert not PlanVersion.objects.filter(plan=plan).exists()


def test_budget_exactly_at_the_ceiling_per_funder_is_allowed(grant, member):
    plan, _ = problems_after(grant, member, [COMPANY, INSTITUTION], board=20_000_000, ufm=10_000_000)
    plan_figures_save(
        plan=plan, values={i.pk: 5 for i in grant.call.indicators.all()}, expected_revision=plan.revision, by=member
    )
    plan.refresh_from_db()
    assert plan_state(plan=plan).problems == []
    version = plan_submit(plan=plan, by=member)
    assert version.number == 1
    assert version.snapshot["budget"] == {"board": 20_000_000, "ufm": 10_000_000}


def test_ufm_ceiling_is_separate_from_the_boards(grant, member):
    plan, _ = problems_after(grant, member, [COMPANY, INSTITUTION], board=1_000, ufm=10_000_001)
    problems = plan_state(plan=plan).problems
    over = [p for p in problems if "more than the grant" in p]
    assert len(over) == 1 and "10000001" in over[0].replace(",", "").replace(".", "")


def test_missing_planned_figures_block_submission(grant, member):
    plan, _ = problems_after(grant, member, [COMPANY, INSTITUTION])
    with pytest.raises(ValidationError, match="planned figure"):
        plan_submit(plan=plan, by=member)


def test_stale_revision_is_refused(grant, member):
    plan = plan_start(grant=grant, year=2022, by=member)
    plan_aims_save(plan=plan, summary="Første udgave", expected_revision=1, by=member)
    with pytest.raises(VersionConflict):
        plan_aims_save(plan=plan, summary="Fra en gammel fane", expected_revision=1, by=member)
    plan.refresh_from_db()
    assert plan.summary == "Første udgave"
    assert plan.revision == 2


def test_another_organisation_cannot_change_the_plan(grant, member):
    plan = plan_start(grant=grant, year=2022, by=member)
    stranger = UserFactory(roles=["applicant"])
    simple_grant(member=stranger)
    with pytest.raises(PermissionDenied):
        plan_aims_save(plan=plan, summary="Ikke jeres", expected_revision=plan.revision, by=stranger)


def test_full_workflow_with_two_sided_approval(grant, member, reviewers):
    secretariat, ufm = reviewers
    plan = ready_plan(grant, year=2022)
    first = plan_submit(plan=plan, by=member)
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.SUBMITTED
    plan_approve(plan=plan, by=ufm, expected_revision=plan.revision)
    notes = plan_request_changes(
        plan=plan,
        notes=[{"section": "budget", "text": "Fordel budgettet på flere aktiviteter."}],
        by=secretariat,
    )
    assert notes[0].side == "secretariat" and notes[0].version_number == 1
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.CHANGES_REQUESTED
    # UFM's approval stands until the organisation changes something
    assert PlanApproval.objects.filter(plan=plan, withdrawn_at__isnull=True, side="ufm").exists()
    plan_aims_save(plan=plan, summary="Nyt fokus på SMV'er", expected_revision=plan.revision, by=member)
    assert not PlanApproval.objects.filter(plan=plan, withdrawn_at__isnull=True).exists()
    second = plan_submit(plan=plan, by=member)
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.RESUBMITTED and second.number == 2
    rows = plan_diff(before=first.snapshot, after=second.snapshot)
    assert [(r.section, r.before, r.after) for r in rows] == [("aims", "", "Nyt fokus på SMV'er")]
    plan_approve(plan=plan, by=secretariat, expected_revision=plan.revision)
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.RESUBMITTED  # one side is not enough
    plan_approve(plan=plan, by=ufm, expected_revision=plan.revision)
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.APPROVED and plan.approved_at is not None
    actions = list(AuditEvent.objects.filter(object_id=str(plan.pk)).values_list("action", flat=True))
    for action in ("plan.submit", "plan.approve", "plan.request_changes", "plan.aims"):
        assert action in actions


def test_a_change_withdraws_both_approvals(grant, member, reviewers):
    """Both sides approved revision n while the plan was under review; the plan is sent back and changed:
    neither approval counts any longer, and the resubmitted plan needs both again."""
    secretariat, ufm = reviewers
    plan = ready_plan(grant, year=2022)
    plan_submit(plan=plan, by=member)
    plan.refresh_from_db()
    plan_approve(plan=plan, by=secretariat, expected_revision=plan.revision)
    plan_request_changes(plan=plan, notes=[{"section": "general", "text": "Mere om effekt."}], by=ufm)
    plan.refresh_from_db()
    activity = plan.activities.first()
    plan_activity_save(
        plan=plan,
        activity=activity,
        fields={**activity_fields(grant), "title": "Nyt navn"},
        actors=[COMPANY, INSTITUTION],
        expected_revision=plan.revision,
        by=member,
    )
    assert PlanApproval.objects.filter(plan=plan, withdrawn_at__isnull=False).count() == 1
    assert not PlanApproval.objects.filter(plan=plan, withdrawn_at__isnull=True).exists()
    plan_submit(plan=plan, by=member)
    plan.refresh_from_db()
    plan_approve(plan=plan, by=ufm, expected_revision=plan.revision)
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.RESUBMITTED


def test_approval_of_a_stale_revision_is_refused(grant, member, reviewers):
    secretariat, _ufm = reviewers
    plan = ready_plan(grant, year=2022)
    plan_submit(plan=plan, by=member)
    plan.refresh_from_db()
    with pytest.raises(VersionConflict):
        plan_approve(plan=plan, by=secretariat, expected_revision=plan.revision - 1)


def test_submitted_plan_cannot_be_changed(grant, member):
    plan = ready_plan(grant, year=2022)
    plan_submit(plan=plan, by=member)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot be changed now"):
        plan_aims_save(plan=plan, summary="Efter indsendelse", expected_revision=plan.revision, by=member)


def test_conflicted_reviewer_cannot_review(grant, member, reviewers):
    from review.models import Assignment

    secretariat, _ufm = reviewers
    Assignment.objects.filter(reviewer=secretariat).update(
        conflict=Assignment.Conflict.DECLARED, conflict_note="Bestyrelsesmedlem."
    )
    plan = ready_plan(grant, year=2022)
    plan_submit(plan=plan, by=member)
    plan.refresh_from_db()
    with pytest.raises(PermissionDenied):
        plan_approve(plan=plan, by=secretariat, expected_revision=plan.revision)


def test_request_changes_needs_a_note(grant, member, reviewers):
    plan = ready_plan(grant, year=2022)
    plan_submit(plan=plan, by=member)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="at least one note"):
        plan_request_changes(plan=plan, notes=[{"section": "budget", "text": "  "}], by=reviewers[0])


def test_activity_delete_and_cvr_check(grant, member):
    plan = plan_with_activity(grant, year=2022)
    with pytest.raises(ValidationError, match="CVR"):
        plan_activity_save(
            plan=plan,
            fields=activity_fields(grant),
            actors=[{**COMPANY, "cvr": "12345678"}],
            expected_revision=plan.revision,
            by=member,
        )
    plan_activity_delete(plan=plan, activity=plan.activities.first(), expected_revision=plan.revision, by=member)
    assert not plan.activities.exists()


def test_period_outside_the_year_is_a_problem(grant, member):
    _plan, problems = problems_after(grant, member, [COMPANY, INSTITUTION], year=2023)
    assert any("within 2022" in p for p in problems)


def test_plan_due_dates_and_lateness(grant, member):
    import datetime as dt

    from governance.models import GovernanceSettings
    from governance.selectors.plans import plan_years

    GovernanceSettings.objects.create(call=grant.call, plan_due_date="12-01", erdf_statement_dates=["02-28"])
    plan = ready_plan(grant, year=2022)
    rows = {row.year: row for row in plan_years(grant=grant, today=dt.date(2021, 12, 1))}
    assert rows[2022].due_on == dt.date(2021, 12, 1) and not rows[2022].is_late  # the due date itself is in time
    rows = {row.year: row for row in plan_years(grant=grant, today=dt.date(2021, 12, 2))}
    assert rows[2022].is_late and not rows[2023].is_late
    plan_submit(plan=plan, by=member)  # submitted now, long after 1 December 2021
    rows = {row.year: row for row in plan_years(grant=grant, today=dt.date(2021, 11, 1))}
    assert rows[2022].is_late and rows[2022].plan.pk == plan.pk
