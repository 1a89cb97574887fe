"""The review's writes: assignment, conflict of interest, checks, scores, submission, joint assessment."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models import Application
from clusterfund.models import AuditEvent
from review.models import Assignment, JointAssessment, RequirementCheck, Score, Side
from review.services import (
    CheckInput,
    JointChanged,
    ScoreInput,
    assignment_create,
    assignment_remove,
    assignments_create_for_area,
    conflict_declare,
    joint_confirm,
    joint_save,
    requirement_check_record,
    review_save,
    review_submit,
    score_record,
)
from tests.factories.applications import ApplicationFactory
from tests.factories.review import SubmittedApplicationFactory


def criteria(call):
    return list(call.criteria.all())


def full_review(assignment, values=(4, 3, 5, 2)):
    call = assignment.application.call
    review_save(
        assignment=assignment,
        by=assignment.reviewer,
        checks=[CheckInput(r, "met") for r in call.requirements.all()],
        scores=[ScoreInput(c, v, f"Fordi {v}.") for c, v in zip(criteria(call), values, strict=True)],
    )
    return review_submit(assignment=assignment, by=assignment.reviewer)


# --- assignment -----------------------------------------------------------------------------------


def test_assignment_takes_the_side_from_the_reviewers_role(application, lead, sec, ufm):
    assert assignment_create(application=application, reviewer=sec, by=lead).side == Side.SECRETARIAT
    assert assignment_create(application=application, reviewer=ufm, by=lead).side == Side.UFM
    event = AuditEvent.objects.filter(action="review.assign").first()
    assert event.actor == lead and event.after["reviewer"] in {sec.email, ufm.email}


def test_assigning_twice_returns_the_first_assignment(application, lead, sec):
    first = assignment_create(application=application, reviewer=sec, by=lead)
    assert assignment_create(application=application, reviewer=sec, by=lead) == first
    assert Assignment.objects.count() == 1


def test_a_person_without_a_reviewer_role_cannot_be_assigned(application, lead, make_user):
    with pytest.raises(ValidationError, match="neither a secretariat nor a UFM reviewer"):
        assignment_create(application=application, reviewer=make_user("applicant"), by=lead)


def test_a_draft_cannot_be_assigned(call, lead, sec):
    draft = ApplicationFactory(call=call)
    with pytest.raises(ValidationError, match="Only submitted applications"):
        assignment_create(application=draft, reviewer=sec, by=lead)


def test_bulk_assignment_by_area_takes_only_that_areas_submitted_applications(call, lead, ufm):
    area, other = call.areas.all()
    in_area = [SubmittedApplicationFactory(call=call, business_area=area) for _ in range(3)]
    SubmittedApplicationFactory(call=call, business_area=other)
    ApplicationFactory(call=call, business_area=area)  # a draft
    created = assignments_create_for_area(call=call, area=area, reviewer=ufm, by=lead)
    assert {a.application for a in created} == set(in_area)
    assert all(a.side == Side.UFM for a in created)
    assert assignments_create_for_area(call=call, area=area, reviewer=ufm, by=lead) == []  # nothing new


def test_an_unstarted_assignment_can_be_removed_but_a_conflict_stays(application, lead, sec, ufm, assign):
    assignment_remove(assignment=assignment_create(application=application, reviewer=sec, by=lead), by=lead)
    assert not Assignment.objects.filter(reviewer=sec).exists()
    conflicted = assignment_create(application=application, reviewer=ufm, by=lead)
    conflict_declare(assignment=conflicted, by=ufm, conflict="declared", note="Bestyrelsesmedlem")
    with pytest.raises(ValidationError, match="stays on record"):
        assignment_remove(assignment=conflicted, by=lead)


# --- conflict of interest -------------------------------------------------------------------------


def test_no_review_before_the_conflict_declaration(application, sec, assign):
    assignment = assign(application, sec, declare=False)
    with pytest.raises(ValidationError, match="Declare whether you have a conflict"):
        score_record(assignment=assignment, criterion=criteria(application.call)[0], value=3, justification="x", by=sec)


def test_a_declared_conflict_needs_a_note_is_audited_and_is_final(application, sec, assign):
    assignment = assign(application, sec, declare=False)
    with pytest.raises(ValidationError, match="Describe the conflict"):
        conflict_declare(assignment=assignment, by=sec, conflict="declared", note="  ")
    conflict_declare(assignment=assignment, by=sec, conflict="declared", note="Min søster er direktør")
    event = AuditEvent.objects.get(action="review.conflict_declare")
    assert event.after == {"conflict": "declared", "note": "Min søster er direktør"}
    with pytest.raises(ValidationError, match="cannot be withdrawn"):
        conflict_declare(assignment=assignment, by=sec, conflict="none")
    with pytest.raises(PermissionDenied):
        score_record(assignment=assignment, criterion=criteria(application.call)[0], value=3, justification="x", by=sec)


def test_no_conflict_may_become_a_conflict_before_submission(application, sec, assign):
    assignment = assign(application, sec)
    assignment = conflict_declare(assignment=assignment, by=sec, conflict="declared", note="Opdaget senere")
    assert assignment.is_conflicted


def test_only_the_reviewer_declares_for_their_assignment(application, sec, ufm, assign):
    assignment = assign(application, sec, declare=False)
    with pytest.raises(PermissionDenied):
        conflict_declare(assignment=assignment, by=ufm, conflict="none")


def test_the_database_refuses_a_declared_conflict_without_a_note(application, sec, assign):
    assignment = assign(application, sec, declare=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk).update(
            conflict="declared", conflict_note="", conflict_declared_at=timezone.now()
        )


# --- scores and checks ------------------------------------------------------------------------------


def test_a_score_is_recorded_with_its_justification_and_audited(application, sec, assign):
    assignment = assign(application, sec)
    criterion = criteria(application.call)[0]
    score_record(assignment=assignment, criterion=criterion, value=4, justification=" Stærk ", by=sec)
    score_record(assignment=assignment, criterion=criterion, value=5, justification="Stærkere", by=sec)
    score_record(assignment=assignment, criterion=criterion, value=5, justification="Stærkere", by=sec)  # no change
    score = Score.objects.get()
    assert (score.value, score.justification) == (5, "Stærkere")
    events = list(AuditEvent.objects.filter(action="review.score").order_by("pk"))
    assert len(events) == 2
    assert events[1].before == {"value": 4, "justification": "Stærk"}
    assert events[1].after == {"criterion": criterion.code, "value": 5, "justification": "Stærkere"}
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.IN_PROGRESS


@pytest.mark.parametrize("value", [0, 6, -1, 100])
def test_a_score_outside_the_scale_is_refused(application, sec, assign, value):
    assignment = assign(application, sec)
    with pytest.raises(ValidationError, match="must lie between 1 and 5") as error:
        score_record(
            assignment=assignment, criterion=criteria(application.call)[0], value=value, justification="x", by=sec
        )
    assert "value" in error.value.message_dict
    assert not Score.objects.exists()


@pytest.mark.parametrize("value", ["4", 3.5, None, True])
def test_a_score_that_is_not_a_whole_number_is_refused(application, sec, assign, value):
    assignment = assign(application, sec)
    with pytest.raises(ValidationError, match="whole number from 1 to 5"):
        score_record(
            assignment=assignment, criterion=criteria(application.call)[0], value=value, justification="x", by=sec
        )


def test_a_score_without_justification_is_refused(application, sec, assign):
    assignment = assign(application, sec)
    with pytest.raises(ValidationError, match="Write a justification") as error:
        score_record(assignment=assignment, criterion=criteria(application.call)[0], value=3, justification=" ", by=sec)
    assert "justification" in error.value.message_dict


def test_a_non_default_scale_is_respected(application, sec, assign):
    criterion = criteria(application.call)[0]
    criterion.scale_min, criterion.scale_max = 0, 10
    criterion.save()
    assignment = assign(application, sec)
    score_record(assignment=assignment, criterion=criterion, value=0, justification="Intet", by=sec)
    score_record(assignment=assignment, criterion=criterion, value=10, justification="Alt", by=sec)
    with pytest.raises(ValidationError, match="between 0 and 10"):
        score_record(assignment=assignment, criterion=criterion, value=11, justification="For meget", by=sec)


def test_another_reviewers_assignment_is_refused(application, sec, ufm, assign):
    assignment = assign(application, sec)
    with pytest.raises(PermissionDenied):
        score_record(assignment=assignment, criterion=criteria(application.call)[0], value=3, justification="x", by=ufm)
    assert not Score.objects.exists()


def test_a_criterion_of_another_call_is_refused(application, sec, assign):
    from tests.factories.applications import open_call_with_parts

    other = open_call_with_parts().criteria.first()
    with pytest.raises(ValidationError, match="does not belong"):
        score_record(assignment=assign(application, sec), criterion=other, value=3, justification="x", by=sec)


def test_the_database_keeps_scores_non_negative_and_justified(application, sec, assign):
    assignment = assign(application, sec)
    criterion = criteria(application.call)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(assignment=assignment, criterion=criterion, value=-1, justification="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(assignment=assignment, criterion=criterion, value=3, justification="")


def test_a_requirement_verdict_other_than_met_needs_a_note(application, sec, assign):
    assignment = assign(application, sec)
    requirement = application.call.requirements.get(code="gold_label")
    with pytest.raises(ValidationError, match="Explain why"):
        requirement_check_record(assignment=assignment, requirement=requirement, verdict="not_met", by=sec)
    with pytest.raises(ValidationError, match="Choose met"):
        requirement_check_record(assignment=assignment, requirement=requirement, verdict="maybe", by=sec)
    requirement_check_record(
        assignment=assignment, requirement=requirement, verdict="needs_clarification", note="Udløbsdato?", by=sec
    )
    assert RequirementCheck.objects.get().verdict == "needs_clarification"
    event = AuditEvent.objects.get(action="review.requirement_check")
    assert event.after == {"requirement": "gold_label", "verdict": "needs_clarification", "note": "Udløbsdato?"}


# --- submission -----------------------------------------------------------------------------------


def test_an_incomplete_review_cannot_be_submitted(application, sec, assign):
    assignment = assign(application, sec)
    score_record(assignment=assignment, criterion=criteria(application.call)[0], value=3, justification="x", by=sec)
    with pytest.raises(ValidationError) as error:
        review_submit(assignment=assignment, by=sec)
    assert len(error.value.messages) == 5 + 3  # five requirements, three criteria
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.IN_PROGRESS


def test_submitting_locks_the_review_and_puts_the_application_under_review(application, sec, ufm, assign):
    first = full_review(assign(application, sec))
    assert first.status == Assignment.Status.SUBMITTED and first.submitted_at
    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW
    with pytest.raises(ValidationError, match="submitted and is locked"):
        score_record(assignment=first, criterion=criteria(application.call)[0], value=1, justification="x", by=sec)
    full_review(assign(application, ufm))  # the second review leaves the status alone
    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW
    assert AuditEvent.objects.filter(action="review.submit").count() == 2
    assert AuditEvent.objects.filter(action="application.transition").count() == 1


# --- joint assessment -----------------------------------------------------------------------------


@pytest.fixture
def reviewed(application, sec, ufm, assign):
    """Both sides have submitted their reviews."""
    full_review(assign(application, sec), (4, 3, 5, 2))
    full_review(assign(application, ufm), (2, 3, 4, 2))
    return application


def agree_all(application, by, version=0, values=(3, 3, 4, 2), **kwargs):
    fields = {"eligible": True, "recommendation": "recommend", **kwargs}
    return joint_save(
        application=application,
        by=by,
        expected_version=version,
        scores=[ScoreInput(c, v, f"Enige om {v}.") for c, v in zip(criteria(application.call), values, strict=True)],
        **fields,
    )


def test_the_joint_assessment_needs_ones_own_review_submitted(application, sec, assign):
    assign(application, sec)
    with pytest.raises(ValidationError, match="Submit your own review"):
        agree_all(application, sec)


def test_an_unassigned_reviewer_cannot_touch_the_joint_assessment(reviewed, make_user):
    with pytest.raises(PermissionDenied):
        agree_all(reviewed, make_user("secretariat"))


def test_agreed_when_both_sides_confirm(reviewed, sec, ufm):
    joint = agree_all(reviewed, sec)
    joint = joint_confirm(application=reviewed, by=sec, expected_version=joint.version)
    assert joint.secretariat_confirmed_by == sec and not joint.is_agreed
    joint = joint_confirm(application=reviewed, by=ufm, expected_version=joint.version)
    assert joint.is_agreed and joint.ufm_confirmed_by == ufm
    assert AuditEvent.objects.filter(action="review.joint_confirm").count() == 2


def test_any_change_withdraws_both_confirmations(reviewed, sec, ufm):
    joint = agree_all(reviewed, sec)
    joint_confirm(application=reviewed, by=sec, expected_version=joint.version)
    joint = joint_confirm(application=reviewed, by=ufm, expected_version=joint.version)
    unchanged = agree_all(reviewed, ufm, version=joint.version)  # saving the same content changes nothing
    assert unchanged.is_agreed
    changed = agree_all(reviewed, ufm, version=joint.version, values=(3, 3, 4, 3))
    assert changed.secretariat_confirmed_by is None and changed.ufm_confirmed_by is None
    assert not changed.is_agreed and changed.version == joint.version + 1
    withdrawn = AuditEvent.objects.get(action="review.joint_confirmations_withdrawn")
    assert withdrawn.before == {"secretariat": sec.email, "ufm": ufm.email}
    score_event = AuditEvent.objects.filter(action="review.joint_score").latest("pk")
    assert score_event.before["value"] == 2 and score_event.after["value"] == 3


def test_changing_the_recommendation_alone_also_withdraws(reviewed, sec, ufm):
    joint = agree_all(reviewed, sec)
    joint = joint_confirm(application=reviewed, by=sec, expected_version=joint.version)
    joint = agree_all(reviewed, ufm, version=joint.version, recommendation="do_not_recommend")
    assert joint.secretariat_confirmed_by is None


def test_a_confirmation_of_content_that_changed_meanwhile_is_refused(reviewed, sec, ufm):
    joint = agree_all(reviewed, sec)
    seen = joint.version
    agree_all(reviewed, sec, version=seen, values=(5, 5, 5, 5))
    with pytest.raises(JointChanged):
        joint_confirm(application=reviewed, by=ufm, expected_version=seen)
    with pytest.raises(JointChanged):
        agree_all(reviewed, ufm, version=seen)


def test_an_incomplete_joint_assessment_cannot_be_confirmed(reviewed, sec):
    joint = joint_save(application=reviewed, by=sec, expected_version=0, eligible=True)
    with pytest.raises(ValidationError) as error:
        joint_confirm(application=reviewed, by=sec, expected_version=joint.version)
    assert len(error.value.messages) == 4 + 1  # four consensus scores, a recommendation


def test_ineligible_needs_reasons(reviewed, sec):
    with pytest.raises(ValidationError, match="reasons"):
        agree_all(reviewed, sec, eligible=False, recommendation="do_not_recommend")
    joint = agree_all(
        reviewed, sec, eligible=False, eligibility_reasons="Intet guld", recommendation="do_not_recommend"
    )
    assert joint.eligible is False


def test_a_consensus_score_outside_the_scale_is_refused(reviewed, sec):
    with pytest.raises(ValidationError, match="between 1 and 5"):
        agree_all(reviewed, sec, values=(3, 3, 4, 9))
    assert not JointAssessment.objects.filter(scores__isnull=False).exists()
