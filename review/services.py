"""Writes of the review: assignments, conflict declarations, requirement checks, scores, submission and
the joint assessment. Every one is atomic, validated and audited."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, BusinessArea, Call, Criterion, Requirement
from applications.services import application_transition
from clusterfund.roles import roles_of
from clusterfund.services import audit_record

from .models import Assignment, JointAssessment, JointScore, RequirementCheck, Score, Side, Verdict

# Applications a reviewer may be assigned to and score: submitted, not withdrawn, not yet decided.
REVIEWABLE_STATUSES = (Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW)


def reviewer_side(user, requested: str | None = None) -> str:
    """Return the side (secretariat or UFM) a reviewer speaks for, from their roles.

    Someone holding both roles counts as secretariat unless `requested` says otherwise. Raises
    ValidationError if the user holds neither role (or not the requested one).
    """
    held = roles_of(user)
    sides = [side for side in (Side.SECRETARIAT, Side.UFM) if side.value in held]
    if requested:
        if requested not in sides:
            raise ValidationError(_("%(user)s is not a %(side)s reviewer."), params={"user": user, "side": requested})
        return requested
    if not sides:
        raise ValidationError(
            _("%(user)s is neither a secretariat nor a UFM reviewer and cannot be assigned."), params={"user": user}
        )
    return sides[0]


def _clean(instance, *foreign_keys: str) -> None:
    """Validate the instance's own fields (choices, lengths). The services have already checked the rules,
    looked up the row under a lock and resolved the foreign keys; the database's constraints remain the
    backstop, so skipping their per-row queries here keeps a review save cheap."""
    instance.full_clean(exclude=list(foreign_keys), validate_unique=False, validate_constraints=False)


def _check_reviewable(application: Application) -> None:
    if application.status not in REVIEWABLE_STATUSES:
        raise ValidationError(
            _("Only submitted applications can be reviewed; this one is %(status)s."),
            params={"status": application.get_status_display()},
        )


# --- assignments --------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(*, application: Application, reviewer, by, side: str | None = None) -> Assignment:
    """Assign `reviewer` to the application and return the assignment (the existing one if already assigned)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    existing = Assignment.objects.filter(application=application, reviewer=reviewer).first()
    if existing:
        return existing
    _check_reviewable(application)
    assignment = Assignment(
        application=application, reviewer=reviewer, side=reviewer_side(reviewer, side), assigned_by=by
    )
    _clean(assignment, "application", "reviewer", "assigned_by")  # the unique pair was checked just above
    assignment.save()
    audit_record(
        actor=by,
        action="review.assign",
        obj=assignment,
        after={"application": application.pk, "reviewer": reviewer.email, "side": assignment.side},
    )
    return assignment


@transaction.atomic
def assignments_create_for_area(*, call: Call, area: BusinessArea, reviewer, by) -> list[Assignment]:
    """Assign `reviewer` to every reviewable application in the area; return the new assignments only."""
    if area.call_id != call.pk:
        raise ValidationError(_("The business area does not belong to this call."))
    side = reviewer_side(reviewer)
    applications = Application.objects.filter(call=call, business_area=area, status__in=REVIEWABLE_STATUSES).exclude(
        assignments__reviewer=reviewer
    )
    return [assignment_create(application=a, reviewer=reviewer, by=by, side=side) for a in applications]


@transaction.atomic
def assignment_remove(*, assignment: Assignment, by) -> None:
    """Remove an assignment nobody has started on. A declared conflict is kept: it is what protects the
    application from that reviewer, and the record of why they stepped aside."""
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.is_conflicted:
        raise ValidationError(_("A declared conflict of interest stays on record; assign another reviewer instead."))
    if locked.status != Assignment.Status.NOT_STARTED:
        raise ValidationError(_("The reviewer has started the review; it can no longer be removed."))
    audit_record(
        actor=by,
        action="review.unassign",
        obj=locked.application,
        before={"reviewer": locked.reviewer.email, "side": locked.side},
    )
    locked.delete()


def _lock_own(assignment: Assignment, by) -> Assignment:
    """Return the assignment locked for update; refuse anyone but its reviewer."""
    # of=("self",): lock the assignment only, not the application and call rows the join reads
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application__call", "application__organisation", "reviewer")
        .get(pk=assignment.pk)
    )
    if locked.reviewer_id != by.pk:
        raise PermissionDenied(_("This is another reviewer's review."))
    return locked


def _lock_for_scoring(assignment: Assignment, by) -> Assignment:
    locked = _lock_own(assignment, by)
    if locked.is_conflicted:
        raise PermissionDenied(_("You declared a conflict of interest for this application."))
    if not locked.is_declared:
        raise ValidationError(_("Declare whether you have a conflict of interest before you review the application."))
    if locked.is_submitted:
        raise ValidationError(_("Your review has been submitted and is locked."))
    _check_reviewable(locked.application)
    return locked


# --- conflict of interest -----------------------------------------------------------------------


@transaction.atomic
def conflict_declare(
    *, assignment: Assignment, by, conflict: str, note: str = "", now: datetime | None = None
) -> Assignment:
    """Record the reviewer's conflict-of-interest declaration and return the assignment.

    "No conflict" may later become "conflict" (something came to light) until the review is submitted;
    a declared conflict is final, so nobody can declare one away to see the application.
    """
    locked = _lock_own(assignment, by)
    note = (note or "").strip()
    if conflict not in Assignment.Conflict.values:
        raise ValidationError({"conflict": _("Choose whether you have a conflict of interest.")})
    if locked.is_conflicted:
        if conflict == Assignment.Conflict.DECLARED:
            return locked  # declared already; the first note stands
        raise ValidationError(_("A declared conflict of interest cannot be withdrawn."))
    if locked.conflict == conflict == Assignment.Conflict.NONE:
        return locked
    if locked.is_submitted:
        raise ValidationError(_("Your review has been submitted; contact the secretariat lead."))
    if conflict == Assignment.Conflict.DECLARED and not note:
        raise ValidationError({"note": _("Describe the conflict of interest.")})
    before = {"conflict": locked.conflict}
    locked.conflict = conflict
    locked.conflict_note = note if conflict == Assignment.Conflict.DECLARED else ""
    locked.conflict_declared_at = now or timezone.now()
    _clean(locked, "application", "reviewer", "assigned_by")
    locked.save()
    audit_record(
        actor=by,
        action="review.conflict_declare",
        obj=locked,
        before=before,
        after={"conflict": conflict, "note": locked.conflict_note},
    )
    return locked


# --- requirement checks and scores --------------------------------------------------------------


def _start(assignment: Assignment) -> None:
    if assignment.status == Assignment.Status.NOT_STARTED:
        assignment.status = Assignment.Status.IN_PROGRESS
        assignment.save(update_fields=["status"])


def _record_check(assignment: Assignment, requirement: Requirement, verdict: str, note: str, by) -> RequirementCheck:
    if requirement.call_id != assignment.application.call_id:
        raise ValidationError(_("The requirement does not belong to the application's call."))
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Choose met, not met or needs clarification.")})
    note = (note or "").strip()
    if verdict != Verdict.MET and not note:
        raise ValidationError({"note": _("Explain why the requirement is not met or needs clarification.")})
    check = RequirementCheck.objects.filter(assignment=assignment, requirement=requirement).first()
    before = {"verdict": check.verdict, "note": check.note} if check else {}
    if check and before == {"verdict": verdict, "note": note}:
        return check
    check = check or RequirementCheck(assignment=assignment, requirement=requirement)
    check.verdict, check.note = verdict, note
    _clean(check, "assignment", "requirement")
    check.save()
    _start(assignment)
    audit_record(
        actor=by,
        action="review.requirement_check",
        obj=assignment,
        before=before,
        after={"requirement": requirement.code, "verdict": verdict, "note": note},
    )
    return check


def _check_score(criterion: Criterion, value, justification: str) -> str:
    """Return the cleaned justification; raise ValidationError unless the score fits the criterion's scale."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            {
                "value": ValidationError(
                    _("Enter the score as a whole number from %(min)s to %(max)s."),
                    params={"min": criterion.scale_min, "max": criterion.scale_max},
                )
            }
        )
    if not criterion.scale_min <= value <= criterion.scale_max:
        raise ValidationError(
            {
                "value": ValidationError(
                    _("The score must lie between %(min)s and %(max)s; %(value)s is outside the scale."),
                    params={"min": criterion.scale_min, "max": criterion.scale_max, "value": value},
                )
            }
        )
    justification = (justification or "").strip()
    if not justification:
        raise ValidationError({"justification": _("Write a justification for the score.")})
    return justification


def _record_score(assignment: Assignment, criterion: Criterion, value, justification: str, by) -> Score:
    if criterion.call_id != assignment.application.call_id:
        raise ValidationError(_("The criterion does not belong to the application's call."))
    justification = _check_score(criterion, value, justification)
    score = Score.objects.filter(assignment=assignment, criterion=criterion).first()
    before = {"value": score.value, "justification": score.justification} if score else {}
    if score and before == {"value": value, "justification": justification}:
        return score
    score = score or Score(assignment=assignment, criterion=criterion)
    score.value, score.justification = value, justification
    _clean(score, "assignment", "criterion")
    score.save()
    _start(assignment)
    audit_record(
        actor=by,
        action="review.score",
        obj=assignment,
        before=before,
        after={"criterion": criterion.code, "value": value, "justification": justification},
    )
    return score


@transaction.atomic
def requirement_check_record(
    *, assignment: Assignment, requirement: Requirement, verdict: str, note: str = "", by
) -> RequirementCheck:
    """Record the reviewer's verdict on one requirement and return it."""
    return _record_check(_lock_for_scoring(assignment, by), requirement, verdict, note, by)


@transaction.atomic
def score_record(*, assignment: Assignment, criterion: Criterion, value: int, justification: str, by) -> Score:
    """Record the reviewer's score for one criterion and return it; refuses a score off the scale or
    without a justification, another reviewer's assignment and a submitted (locked) review."""
    return _record_score(_lock_for_scoring(assignment, by), criterion, value, justification, by)


@dataclass(frozen=True)
class CheckInput:
    requirement: Requirement
    verdict: str
    note: str = ""


@dataclass(frozen=True)
class ScoreInput:
    criterion: Criterion
    value: int
    justification: str


@transaction.atomic
def review_save(
    *, assignment: Assignment, by, checks: Iterable[CheckInput] = (), scores: Iterable[ScoreInput] = ()
) -> Assignment:
    """Save a draft of the review (some or all checks and scores) in one go; return the assignment."""
    locked = _lock_for_scoring(assignment, by)
    for check in checks:
        _record_check(locked, check.requirement, check.verdict, check.note, by)
    for score in scores:
        _record_score(locked, score.criterion, score.value, score.justification, by)
    return locked


def review_missing(assignment: Assignment) -> list[str]:
    """Return what the review still lacks before it can be submitted (empty when complete)."""
    call = assignment.application.call
    checked = set(assignment.requirement_checks.values_list("requirement_id", flat=True))
    scored = set(assignment.scores.values_list("criterion_id", flat=True))
    missing = [
        _("Give a verdict on the requirement: %(requirement)s") % {"requirement": r.tr("text")}
        for r in call.requirements.all()
        if r.pk not in checked
    ]
    missing += [
        _("Score the criterion: %(criterion)s") % {"criterion": c.tr("name")}
        for c in call.criteria.all()
        if c.pk not in scored
    ]
    return missing


@transaction.atomic
def review_submit(*, assignment: Assignment, by, now: datetime | None = None) -> Assignment:
    """Submit (and lock) a complete review; return the assignment.

    The first submitted review moves the application from submitted to under review.
    """
    locked = _lock_for_scoring(assignment, by)
    missing = review_missing(locked)
    if missing:
        raise ValidationError(missing, code="incomplete")
    locked.status = Assignment.Status.SUBMITTED
    locked.submitted_at = now or timezone.now()
    locked.save(update_fields=["status", "submitted_at"])
    audit_record(
        actor=by,
        action="review.submit",
        obj=locked,
        before={"status": Assignment.Status.IN_PROGRESS},
        after={"status": locked.status, "submitted_at": locked.submitted_at.isoformat()},
    )
    application = locked.application
    if application.status == Application.Status.SUBMITTED:
        application_transition(application=application, to=Application.Status.UNDER_REVIEW, by=by)
    return locked


# --- joint assessment ---------------------------------------------------------------------------


class JointChanged(ValidationError):
    """The joint assessment changed since the page was loaded."""


def _own_submitted_assignment(application: Application, by) -> Assignment:
    assignment = Assignment.objects.filter(application=application, reviewer=by).first()
    if assignment is None or assignment.is_conflicted or not assignment.is_declared:
        raise PermissionDenied(_("You are not assigned to this application."))
    if not assignment.is_submitted:
        raise ValidationError(_("Submit your own review before you work on the joint assessment."))
    return assignment


def _lock_joint(application: Application) -> JointAssessment:
    # The lock serialises the two sides: a change and a confirmation cannot interleave.
    JointAssessment.objects.get_or_create(application=application)
    return (
        JointAssessment.objects.select_for_update(of=("self",))
        .select_related("application__organisation", "application__call")
        .get(application=application)
    )


def _withdraw_confirmations(joint: JointAssessment, by) -> None:
    if not (joint.secretariat_confirmed_by_id or joint.ufm_confirmed_by_id):
        return
    before = {
        "secretariat": joint.secretariat_confirmed_by.email if joint.secretariat_confirmed_by else None,
        "ufm": joint.ufm_confirmed_by.email if joint.ufm_confirmed_by else None,
    }
    joint.secretariat_confirmed_by = joint.ufm_confirmed_by = None
    joint.secretariat_confirmed_at = joint.ufm_confirmed_at = None
    audit_record(
        actor=by, action="review.joint_confirmations_withdrawn", obj=joint, before=before, after={"reason": "changed"}
    )


def _clean_verdict(eligible: bool | None, eligibility_reasons: str, recommendation: str) -> str:
    """Return the stripped reasons; raise ValidationError if an ineligible verdict has no reasons or the
    recommendation is not one of the choices."""
    reasons = (eligibility_reasons or "").strip()
    if eligible is False and not reasons:
        raise ValidationError({"eligibility_reasons": _("Give the reasons why the requirements are not met.")})
    if recommendation and recommendation not in JointAssessment.Recommendation.values:
        raise ValidationError({"recommendation": _("Choose recommend or do not recommend.")})
    return reasons


def _save_joint_scores(joint: JointAssessment, application: Application, scores: Iterable[ScoreInput]) -> dict:
    """Save the consensus scores that differ from the saved ones; return criterion code -> {"before",
    "after"} for each one saved."""
    changes: dict[str, dict] = {}
    existing = {s.criterion_id: s for s in joint.scores.select_related("criterion")}
    for item in scores:
        if item.criterion.call_id != application.call_id:
            raise ValidationError(_("The criterion does not belong to the application's call."))
        justification = _check_score(item.criterion, item.value, item.justification)
        current = existing.get(item.criterion.pk)
        if current and (current.value, current.justification) == (item.value, justification):
            continue
        changes[item.criterion.code] = {
            "before": {"value": current.value, "justification": current.justification} if current else {},
            "after": {"value": item.value, "justification": justification},
        }
        current = current or JointScore(joint=joint, criterion=item.criterion)
        current.value, current.justification = item.value, justification
        _clean(current, "joint", "criterion")
        current.save()
    return changes


def _set_joint_verdict(
    joint: JointAssessment, eligible: bool | None, eligibility_reasons: str, recommendation: str
) -> dict | None:
    """Set the verdict (eligibility, its reasons, the recommendation) if it changed; return {"before",
    "after"}, or None if it did not change."""
    before = {
        "eligible": joint.eligible,
        "eligibility_reasons": joint.eligibility_reasons,
        "recommendation": joint.recommendation,
    }
    after = {"eligible": eligible, "eligibility_reasons": eligibility_reasons, "recommendation": recommendation}
    if after == before:
        return None
    joint.eligible, joint.eligibility_reasons, joint.recommendation = eligible, eligibility_reasons, recommendation
    return {"before": before, "after": after}


def _audit_joint_changes(joint: JointAssessment, by, changes: dict[str, dict]) -> None:
    """Record one audit event per changed consensus score and one for a changed verdict."""
    for code, change in changes.items():
        action = "review.joint_verdict" if code == "verdict" else "review.joint_score"
        after = change["after"] if code == "verdict" else {"criterion": code, **change["after"]}
        audit_record(actor=by, action=action, obj=joint, before=change["before"], after=after)


@transaction.atomic
def joint_save(
    *,
    application: Application,
    by,
    expected_version: int,
    scores: Iterable[ScoreInput] = (),
    eligible: bool | None = None,
    eligibility_reasons: str = "",
    recommendation: str = "",
) -> JointAssessment:
    """Save the joint assessment and return it. Any change withdraws both sides' confirmations.

    Raises JointChanged when someone changed it since `expected_version` was loaded (nothing is saved).
    """
    _own_submitted_assignment(application, by)
    joint = _lock_joint(application)
    if joint.version != expected_version:
        raise JointChanged(_("The joint assessment was changed by someone else while you edited it. Check it again."))
    eligibility_reasons = _clean_verdict(eligible, eligibility_reasons, recommendation)
    changes = _save_joint_scores(joint, application, scores)
    verdict = _set_joint_verdict(joint, eligible, eligibility_reasons, recommendation)
    if verdict is not None:
        changes["verdict"] = verdict
    if not changes:
        return joint
    _audit_joint_changes(joint, by, changes)
    _withdraw_confirmations(joint, by)
    joint.version += 1
    joint.updated_by = by
    _clean(joint, "application", "updated_by", "secretariat_confirmed_by", "ufm_confirmed_by")
    joint.save()
    return joint


def joint_missing(joint: JointAssessment) -> list[str]:
    """Return what the joint assessment lacks before it can be confirmed (empty when complete)."""
    scored = {s.criterion_id for s in joint.scores.all()}
    missing = [
        _("Agree a consensus score for: %(criterion)s") % {"criterion": c.tr("name")}
        for c in joint.application.call.criteria.all()
        if c.pk not in scored
    ]
    if joint.eligible is None:
        missing.append(_("Decide whether the application meets the requirements."))
    if not joint.recommendation:
        missing.append(_("Choose a recommendation."))
    return missing


@transaction.atomic
def joint_confirm(
    *, application: Application, by, expected_version: int, now: datetime | None = None
) -> JointAssessment:
    """Confirm the joint assessment for the confirming reviewer's side and return it.

    Raises JointChanged if it changed since the reviewer loaded it (they must confirm what they saw).
    """
    assignment = _own_submitted_assignment(application, by)
    joint = _lock_joint(application)
    if joint.version != expected_version:
        raise JointChanged(_("The joint assessment changed since you loaded it. Read it again before you confirm."))
    missing = joint_missing(joint)
    if missing:
        raise ValidationError(missing, code="incomplete")
    side = assignment.side
    if joint.confirmed_by(side) is not None:
        return joint
    now = now or timezone.now()
    if side == Side.SECRETARIAT:
        joint.secretariat_confirmed_by, joint.secretariat_confirmed_at = by, now
    else:
        joint.ufm_confirmed_by, joint.ufm_confirmed_at = by, now
    _clean(joint, "application", "updated_by", "secretariat_confirmed_by", "ufm_confirmed_by")
    joint.save()
    audit_record(
        actor=by,
        action="review.joint_confirm",
        obj=joint,
        after={"side": side, "version": joint.version, "agreed": joint.is_agreed},
    )
    return joint
