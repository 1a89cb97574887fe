"""Writes for annual action plans: start, change (aims, activities with actors, planned figures), submit,
request changes, approve.

Every change goes through `_plan_change`: it locks the plan row, refuses a plan that is not editable or a
page saved from an older revision (`VersionConflict`), bumps the revision and withdraws every live
approval (any change withdraws both sides' approvals, as with the joint assessment). Submitting freezes the
content in a `PlanVersion`. Approval is two-sided: one secretariat and one UFM reviewer approve the same
revision; the second approval makes the plan approved.
"""

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import ActivityType, Region
from applications.validators import validate_cvr
from clusterfund.rules import is_secretariat, is_ufm
from clusterfund.services import audit_record
from review.models import Side

from ..models import (
    ActionPlan,
    ActorKind,
    Grant,
    Indicator,
    PlanActivity,
    PlanActor,
    PlanApproval,
    PlanIndicatorFigure,
    PlanReviewNote,
    PlanVersion,
)
from ..selectors.plans import plan_snapshot, plan_state
from .common import VersionConflict, check_amount, require, send_to_organisation


def _lock(plan: ActionPlan) -> ActionPlan:
    return ActionPlan.objects.select_for_update().select_related("grant__call", "grant__organisation").get(pk=plan.pk)


def _transition(plan: ActionPlan, to: str) -> str:
    """Move the plan to status `to` if the map allows it; return the status before."""
    before = plan.status
    if to not in ActionPlan.TRANSITIONS[before]:
        raise ValidationError(
            _("An action plan cannot go from “%(before)s” to “%(after)s”."),
            code="transition",
            params={"before": ActionPlan.Status(before).label, "after": ActionPlan.Status(to).label},
        )
    plan.status = to
    return before


def _withdraw_approvals(plan: ActionPlan, now: datetime) -> list[str]:
    """Withdraw every live approval of the plan; return the sides withdrawn."""
    live = PlanApproval.objects.filter(plan=plan, withdrawn_at__isnull=True)
    sides = sorted(live.values_list("side", flat=True))
    live.update(withdrawn_at=now)
    return sides


@transaction.atomic
def plan_start(*, grant: Grant, year: int, by) -> ActionPlan:
    """Return the grant's plan for `year`, creating an empty draft if there is none yet."""
    require(by, "governance.start_plan", grant)
    Grant.objects.select_for_update().filter(pk=grant.pk).first()
    if year not in grant.years:
        raise ValidationError(_("%(year)s is not a year of the grant."), params={"year": year}, code="bad_year")
    plan = ActionPlan.objects.filter(grant=grant, year=year).first()
    if plan is not None:
        return plan
    plan = ActionPlan(grant=grant, year=year, updated_by=by)
    plan.full_clean()
    plan.save()
    audit_record(actor=by, action="plan.create", obj=plan, after={"year": year, "status": plan.status})
    return plan


def _plan_change(
    *,
    plan: ActionPlan,
    by,
    expected_revision: int,
    action: str,
    write: Callable[[ActionPlan], dict],
    now: datetime | None = None,
) -> ActionPlan:
    """Apply `write` (which returns {"before": ..., "after": ...} or {} when nothing changed) to the locked,
    editable plan at `expected_revision`; bump the revision, withdraw approvals and audit. Return the plan."""
    now = now or timezone.now()
    locked = _lock(plan)
    if not by.has_perm("governance.edit_plan", locked):
        if by.has_perm("governance.view_plan", locked):
            raise ValidationError(
                _("The plan is “%(status)s” and cannot be changed now."),
                code="not_editable",
                params={"status": locked.get_status_display()},
            )
        require(by, "governance.edit_plan", locked)
    if expected_revision != locked.revision:
        raise VersionConflict(locked.revision, locked.updated_by, locked.updated_at)
    changes = write(locked)
    if not changes:
        return locked
    locked.revision += 1
    locked.updated_by = by
    locked.full_clean()
    locked.save()
    withdrawn = _withdraw_approvals(locked, now)
    audit_record(
        actor=by,
        action=action,
        obj=locked,
        before={"revision": locked.revision - 1, **changes.get("before", {})},
        after={"revision": locked.revision, "withdrawn_approvals": withdrawn, **changes.get("after", {})},
    )
    return locked


def plan_aims_save(*, plan: ActionPlan, summary: str, expected_revision: int, by) -> ActionPlan:
    """Save the plan's aims for the year and return the plan."""

    def write(locked: ActionPlan) -> dict:
        if locked.summary == summary:
            return {}
        before, locked.summary = locked.summary, summary
        return {"before": {"summary": before}, "after": {"summary": summary}}

    with transaction.atomic():
        return _plan_change(plan=plan, by=by, expected_revision=expected_revision, action="plan.aims", write=write)


def _clean_activity(plan: ActionPlan, fields: Mapping) -> dict:
    """Return the activity's fields checked (type of the call, dates, regions, whole kroner)."""
    errors: dict[str, list] = {}
    activity_type = fields.get("activity_type")
    if not isinstance(activity_type, ActivityType) or activity_type.call_id != plan.grant.call_id:
        errors["activity_type"] = [_("Choose one of the call's activity types.")]
    title = (fields.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Give the activity a title.")]
    starts_on, ends_on = fields.get("starts_on"), fields.get("ends_on")
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        errors["starts_on"] = [_("Give the activity's period.")]
    elif ends_on < starts_on:
        errors["ends_on"] = [_("The activity cannot end before it starts.")]
    regions = list(fields.get("regions") or [])
    if any(region not in Region.values for region in regions):
        errors["regions"] = [_("Choose regions from the list.")]
    amounts = {}
    for name, label in (("budget_board", _("The budget from the board")), ("budget_ufm", _("The budget from UFM"))):
        try:
            amounts[name] = check_amount(fields.get(name, 0) or 0, label=label)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return {
        "activity_type": activity_type,
        "title": title,
        "description": (fields.get("description") or "").strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "regions": sorted(set(regions)),
        **amounts,
    }


def _clean_actors(actors: Sequence[Mapping]) -> list[dict]:
    clean, errors, seen = [], [], set()
    for number, actor in enumerate(actors, start=1):
        name = (actor.get("name") or "").strip()
        kind = actor.get("kind")
        cvr = "".join((actor.get("cvr") or "").split())
        if not name or kind not in ActorKind.values:
            errors.append(_("Actor %(n)s: give a name and a kind.") % {"n": number})
            continue
        if cvr:
            try:
                validate_cvr(cvr)
            except ValidationError as error:
                errors.append(_("Actor %(n)s: %(error)s") % {"n": number, "error": " ".join(error.messages)})
                continue
            if cvr in seen:
                errors.append(_("Actor %(n)s: the CVR number %(cvr)s is already listed.") % {"n": number, "cvr": cvr})
                continue
            seen.add(cvr)
        clean.append({"name": name, "kind": kind, "cvr": cvr})
    if errors:
        raise ValidationError({"actors": errors})
    return clean


def _activity_json(activity: PlanActivity, actors: list[dict]) -> dict:
    return json.loads(
        json.dumps(
            {
                "type": activity.activity_type.code,
                "title": activity.title,
                "starts_on": activity.starts_on,
                "ends_on": activity.ends_on,
                "regions": activity.regions,
                "budget_board": activity.budget_board,
                "budget_ufm": activity.budget_ufm,
                "actors": actors,
            },
            cls=DjangoJSONEncoder,
        )
    )


@transaction.atomic
def plan_activity_save(
    *,
    plan: ActionPlan,
    fields: Mapping,
    actors: Sequence[Mapping],
    expected_revision: int,
    by,
    activity: PlanActivity | None = None,
) -> PlanActivity:
    """Add an activity to the plan (or change `activity`) with its actors, and return it.

    `fields` holds the activity's fields (activity_type as an ActivityType of the call), `actors` one mapping
    per actor {"name", "kind", "cvr"}. The memo's actor rules and the budget ceiling are checked when the plan
    is submitted (and shown on the plan page meanwhile), so a plan can be filed in any order.
    """
    if activity is not None and activity.plan_id != plan.pk:
        raise ValidationError(_("The activity is not part of this plan."))
    clean = _clean_activity(plan, fields)
    clean_actors = _clean_actors(actors)
    saved: list[PlanActivity] = []

    def write(locked: ActionPlan) -> dict:
        target = activity or PlanActivity(plan=locked, order=locked.activities.count())
        before = {}
        if activity is not None:
            old_actors = [{"name": a.name, "kind": a.kind, "cvr": a.cvr} for a in activity.actors.order_by("pk")]
            before = _activity_json(activity, old_actors)
        for name, value in clean.items():
            setattr(target, name, value)
        target.full_clean(exclude=["plan"])
        target.save()
        target.actors.all().delete()
        PlanActor.objects.bulk_create(PlanActor(activity=target, **actor) for actor in clean_actors)
        saved.append(target)
        after = _activity_json(target, clean_actors)
        if before == after:
            return {}
        return {"before": {"activity": target.pk, **before}, "after": {"activity": target.pk, **after}}

    _plan_change(
        plan=plan,
        by=by,
        expected_revision=expected_revision,
        action="plan.activity_save" if activity is None else "plan.activity_change",
        write=write,
    )
    return saved[0]


@transaction.atomic
def plan_activity_delete(*, plan: ActionPlan, activity: PlanActivity, expected_revision: int, by) -> ActionPlan:
    """Delete an activity (and its actors) from the plan; return the plan."""
    if activity.plan_id != plan.pk:
        raise ValidationError(_("The activity is not part of this plan."))

    def write(locked: ActionPlan) -> dict:
        title = activity.title
        activity_id = activity.pk
        PlanActivity.objects.filter(pk=activity_id, plan=locked).delete()
        return {"before": {"activity": activity_id, "title": title}, "after": {"deleted": activity_id}}

    return _plan_change(
        plan=plan, by=by, expected_revision=expected_revision, action="plan.activity_delete", write=write
    )


@transaction.atomic
def plan_figures_save(*, plan: ActionPlan, values: Mapping[int, int | None], expected_revision: int, by) -> ActionPlan:
    """Save the planned figure per indicator (indicator id -> value; None removes it); return the plan."""
    indicators = {i.pk: i for i in Indicator.objects.filter(call_id=plan.grant.call_id)}
    errors = []
    clean: dict[int, int | None] = {}
    for indicator_id, value in values.items():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            errors.append(_("The indicator is not one of the call's."))
            continue
        if value is None:
            clean[indicator_id] = None
            continue
        try:
            clean[indicator_id] = check_amount(value, label=indicator.tr("name"))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)

    def write(locked: ActionPlan) -> dict:
        existing = {f.indicator_id: f for f in PlanIndicatorFigure.objects.filter(plan=locked)}
        before = {str(k): f.value for k, f in existing.items()}
        for indicator_id, value in clean.items():
            figure = existing.get(indicator_id)
            if value is None:
                if figure is not None:
                    figure.delete()
                    existing.pop(indicator_id)
                continue
            if figure is None:
                existing[indicator_id] = PlanIndicatorFigure.objects.create(
                    plan=locked, indicator_id=indicator_id, value=value
                )
            elif figure.value != value:
                figure.value = value
                figure.save(update_fields=["value"])
        after = {str(k): f.value for k, f in existing.items()}
        return {} if before == after else {"before": {"figures": before}, "after": {"figures": after}}

    return _plan_change(plan=plan, by=by, expected_revision=expected_revision, action="plan.figures", write=write)


def _digest(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()


@transaction.atomic
def plan_submit(
    *, plan: ActionPlan, by, expected_revision: int | None = None, now: datetime | None = None
) -> PlanVersion:
    """Submit (or resubmit) the plan: check it against the rules, freeze it in a new version and return that.

    Raise ValidationError listing every problem (actor rules per activity, budget per funder over the year's
    grant, missing figures) and leave the plan as it was.
    """
    now = now or timezone.now()
    locked = _lock(plan)
    require(by, "governance.submit_plan", locked)
    if expected_revision is not None and expected_revision != locked.revision:
        raise VersionConflict(locked.revision, locked.updated_by, locked.updated_at)
    state = plan_state(plan=locked)
    if state.problems:
        raise ValidationError(state.problems, code="problems")
    to = ActionPlan.Status.SUBMITTED if locked.status == ActionPlan.Status.DRAFT else ActionPlan.Status.RESUBMITTED
    before = _transition(locked, to)
    locked.submitted_at = now
    locked.submitted_by = by
    locked.full_clean()
    locked.save()
    # an approval of an earlier revision does not count for this one
    stale = PlanApproval.objects.filter(plan=locked, withdrawn_at__isnull=True).exclude(revision=locked.revision)
    withdrawn = sorted(stale.values_list("side", flat=True))
    stale.update(withdrawn_at=now)
    snapshot = json.loads(json.dumps(plan_snapshot(plan=locked), cls=DjangoJSONEncoder))
    number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = PlanVersion(
        plan=locked,
        number=number,
        revision=locked.revision,
        snapshot=snapshot,
        sha256=_digest(snapshot),
        submitted_by=by,
        submitted_at=now,
    )
    version.full_clean(exclude=["plan"])
    version.save()
    audit_record(
        actor=by,
        action="plan.submit",
        obj=locked,
        before={"status": before},
        after={"status": locked.status, "version": number, "sha256": version.sha256, "withdrawn_approvals": withdrawn},
    )
    return version


def reviewer_side(user, side: str | None = None) -> str:
    """Return the side the user speaks for (secretariat or UFM); `side` chooses for someone who holds both.

    Raise ValidationError if the user holds neither, or both and did not choose.
    """
    sides = [s for s, holds in ((Side.SECRETARIAT, is_secretariat(user)), (Side.UFM, is_ufm(user))) if holds]
    if side:
        if side not in sides:
            raise ValidationError(_("You do not review for that side."), code="side")
        return side
    if len(sides) != 1:
        raise ValidationError(_("Choose whether you approve for the secretariat or for UFM."), code="side")
    return sides[0]


def _require_review(by, plan: ActionPlan) -> None:
    if not by.has_perm("governance.review_plan", plan):
        if by.has_perm("governance.view_plan", plan) and not plan.is_under_review:
            raise ValidationError(
                _("The plan is “%(status)s” and is not waiting for review."),
                code="not_under_review",
                params={"status": plan.get_status_display()},
            )
        require(by, "governance.review_plan", plan)


@transaction.atomic
def plan_request_changes(
    *, plan: ActionPlan, notes: Sequence[Mapping], by, side: str | None = None, now: datetime | None = None
) -> list[PlanReviewNote]:
    """Send the plan back to the organisation with one note per named section ({"section", "text",
    "activity" (optional PlanActivity)}); return the notes. The organisation is told by message and e-mail.

    Approvals already given stay until the plan changes (any change withdraws them).
    """
    locked = _lock(plan)
    _require_review(by, locked)
    side = reviewer_side(by, side)
    clean = []
    for note in notes:
        text = (note.get("text") or "").strip()
        section = note.get("section")
        activity = note.get("activity")
        if not text:
            continue
        if section not in PlanReviewNote.Section.values:
            raise ValidationError(_("Choose the section the note is about."), code="section")
        if activity is not None and activity.plan_id != locked.pk:
            raise ValidationError(_("The activity is not part of this plan."), code="activity")
        clean.append((section, text, activity))
    if not clean:
        raise ValidationError(_("Write at least one note saying what should change."), code="no_notes")
    version_number = locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
    before = _transition(locked, ActionPlan.Status.CHANGES_REQUESTED)
    locked.save(update_fields=["status", "updated_at"])
    created = PlanReviewNote.objects.bulk_create(
        PlanReviewNote(
            plan=locked,
            section=section,
            activity=activity,
            text=text,
            side=side,
            author=by,
            version_number=version_number,
        )
        for section, text, activity in clean
    )
    audit_record(
        actor=by,
        action="plan.request_changes",
        obj=locked,
        before={"status": before},
        after={
            "status": locked.status,
            "side": side,
            "version": version_number,
            "notes": [{"section": s, "text": t, "activity": a.pk if a else None} for s, t, a in clean],
        },
    )
    context = {"plan": locked, "notes": created}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("governance/email/plan_changes_subject.txt", context).strip()
        body = render_to_string("governance/email/plan_changes.txt", context)
    send_to_organisation(organisation=locked.grant.organisation, subject=subject, body=body, by=by)
    return created


@transaction.atomic
def plan_approve(
    *, plan: ActionPlan, by, expected_revision: int, side: str | None = None, now: datetime | None = None
) -> ActionPlan:
    """Approve the plan's current revision for the reviewer's side; when both sides have approved the same
    revision the plan is approved (and the organisation told). Return the plan.

    Raise VersionConflict if the plan changed since the reviewer loaded it.
    """
    now = now or timezone.now()
    locked = _lock(plan)
    _require_review(by, locked)
    side = reviewer_side(by, side)
    if expected_revision != locked.revision:
        raise VersionConflict(locked.revision, locked.updated_by, locked.updated_at)
    live = PlanApproval.objects.filter(plan=locked, withdrawn_at__isnull=True)
    mine = live.filter(side=side).first()
    if mine is not None and mine.revision == locked.revision:
        return locked  # this side has approved this revision already
    if mine is not None:
        mine.withdrawn_at = now
        mine.save(update_fields=["withdrawn_at"])
    approval = PlanApproval(plan=locked, side=side, reviewer=by, revision=locked.revision, approved_at=now)
    approval.full_clean(exclude=["plan"])
    approval.save()
    sides = set(live.filter(revision=locked.revision).values_list("side", flat=True))
    before = locked.status
    if sides >= {Side.SECRETARIAT, Side.UFM}:
        _transition(locked, ActionPlan.Status.APPROVED)
        locked.approved_at = now
        locked.save(update_fields=["status", "approved_at", "updated_at"])
    audit_record(
        actor=by,
        action="plan.approve",
        obj=locked,
        before={"status": before},
        after={"status": locked.status, "side": side, "revision": locked.revision, "approved_sides": sorted(sides)},
    )
    if locked.status == ActionPlan.Status.APPROVED:
        context = {"plan": locked}
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("governance/email/plan_approved_subject.txt", context).strip()
            body = render_to_string("governance/email/plan_approved.txt", context)
        send_to_organisation(
            organisation=locked.grant.organisation,
            subject=subject,
            body=body,
            by=by,
        )
    return locked
