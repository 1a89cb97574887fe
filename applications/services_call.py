"""Writes for the staff's call configuration: the call and its lists (areas, requirements, criteria,
activity types, the timeline). Each one checks the permission, is atomic, validated and audited."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from clusterfund.services import audit_record

from .models import ActivityType, BudgetFrame, BusinessArea, Call, Criterion, Milestone, Requirement

CALL_FIELDS = (
    "title",
    "title_en",
    "slug",
    "summary",
    "summary_en",
    "period_start",
    "period_end",
    "opens_at",
    "deadline",
    "is_published",
    "activity_min_actors",
    "activity_requires_company",
    "max_attachments",
    "hide_scores_until_submitted",
)


@dataclass(frozen=True)
class PartKind:
    """One of the call's lists: its model, the fields staff edit, and the audit action's stem."""

    model: type[models.Model]
    fields: tuple[str, ...]
    action: str


PART_KINDS: dict[str, PartKind] = {
    "areas": PartKind(BusinessArea, ("name", "name_en", "is_emerging", "order"), "call.area"),
    "requirements": PartKind(Requirement, ("code", "text", "text_en", "note", "note_en", "order"), "call.requirement"),
    "criteria": PartKind(
        Criterion,
        (
            "code",
            "name",
            "name_en",
            "short_name",
            "short_name_en",
            "description",
            "description_en",
            "weight",
            "scale_min",
            "scale_max",
            "max_chars",
            "asks_for_locations",
            "order",
        ),
        "call.criterion",
    ),
    "activity_types": PartKind(ActivityType, ("code", "name", "name_en", "order"), "call.activity_type"),
    "milestones": PartKind(Milestone, ("title", "title_en", "date", "precision", "order"), "call.milestone"),
}


def _require(by, call: Call | None = None) -> None:
    if not by.has_perm("applications.configure_call", call):
        raise PermissionDenied


def _snapshot(obj: models.Model, fields: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    """Return (before, after) restricted to the fields whose value changed."""
    names = [name for name in after if before.get(name) != after[name]]
    return {name: before.get(name) for name in names}, {name: after[name] for name in names}


def _check_period(call: Call) -> None:
    """Refuse a period that would leave budget frames outside it."""
    outside = BudgetFrame.objects.filter(call_id=call.pk).exclude(year__range=(call.period_start, call.period_end))
    years = sorted(set(outside.values_list("year", flat=True)))
    if years:
        raise ValidationError(
            {
                "period_start": _(
                    "The call has budget frames for %(years)s, outside the new period. Change the frames first."
                )
                % {"years": ", ".join(str(year) for year in years)}
            }
        )


def _check_call(call: Call) -> None:
    """Say in words what the call's CHECK constraints would refuse."""
    problems = {}
    if call.period_start is not None and call.period_end is not None and call.period_end < call.period_start:
        problems["period_end"] = _("The last year cannot come before the first year.")
    if call.opens_at is not None and call.deadline is not None and call.deadline <= call.opens_at:
        problems["deadline"] = _("The deadline must come after the opening.")
    if call.activity_min_actors is not None and call.activity_min_actors < 1:
        problems["activity_min_actors"] = _("At least one actor is needed per activity.")
    if problems:
        raise ValidationError(problems)


def _save_checked(obj: models.Model, *, exclude=None) -> None:
    """full_clean and save; a constraint the database still refuses (a race) becomes a ValidationError."""
    obj.full_clean(exclude=exclude)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as error:
        raise ValidationError(_("Someone saved a conflicting change at the same time. Try again.")) from error


def _in_use(obj: models.Model) -> bool:
    """Return True if any row of any app points at `obj` (found through the model's reverse relations, hidden
    ones included, so applications need not import the apps that build on it)."""
    relations = [
        relation
        for relation in obj._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
    ]
    return any(r.related_model._base_manager.filter(**{r.field.name: obj.pk}).exists() for r in relations)


def _check_part(obj: models.Model, changed: Sequence[str] = ()) -> None:
    """Say in words what the database's CHECK constraints would refuse (full_clean names only the constraint),
    and refuse to change the scale of a criterion that reviewers may already have scored on."""
    if isinstance(obj, Criterion):
        if obj.pk and {"scale_min", "scale_max"} & set(changed) and _in_use(obj):
            raise ValidationError(
                _("The scale of “%(item)s” cannot change: it is already in use.") % {"item": obj.name[:80]}
            )
        if obj.weight is None or obj.weight <= 0:
            raise ValidationError(_("The weight must be above 0."))
        if obj.scale_min is not None and obj.scale_max is not None and obj.scale_max <= obj.scale_min:
            raise ValidationError(_("The highest score must be above the lowest."))
        if obj.max_chars is not None and obj.max_chars <= 0:
            raise ValidationError(_("The maximum number of characters must be above 0."))


@transaction.atomic
def call_create(*, values: Mapping[str, Any], by) -> Call:
    """Create a call (not published unless `values` says so) and return it."""
    _require(by)
    call = Call(**{name: values[name] for name in CALL_FIELDS if name in values})
    _check_call(call)
    _save_checked(call)
    audit_record(actor=by, action="call.create", obj=call, after=_snapshot(call, CALL_FIELDS))
    return call


@transaction.atomic
def call_update(*, call: Call, values: Mapping[str, Any], by) -> list[str]:
    """Change the call's settings and return the names of the fields that changed."""
    _require(by, call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    before = _snapshot(call, CALL_FIELDS)
    for name in CALL_FIELDS:
        if name in values:
            setattr(call, name, values[name])
    before, after = _changes(before, _snapshot(call, CALL_FIELDS))
    if not after:
        return []
    _check_call(call)
    _check_period(call)
    _save_checked(call)
    audit_record(actor=by, action="call.update", obj=call, before=before, after=after)
    return list(after)


@transaction.atomic
def call_parts_save(*, call: Call, kind: str, rows: Sequence[Mapping[str, Any]], by) -> int:
    """Apply one list's rows to the call and return how many items were created, changed or deleted.

    Each row holds the kind's fields, `pk` (None for a new item) and `delete` (True to remove it). Deletes
    come first, so an item can be removed and its code reused in the same save. All or nothing: any error
    raises ValidationError (with every problem found) and nothing is saved.
    """
    _require(by, call)
    part = PART_KINDS[kind]
    call = Call.objects.select_for_update().get(pk=call.pk)  # one writer per call's lists at a time
    existing = {obj.pk: obj for obj in part.model.objects.filter(call=call)}
    errors: list[ValidationError] = []
    count = 0
    ordered = sorted(rows, key=lambda row: not row.get("delete"))
    for index, row in enumerate(ordered, start=1):
        number = row.get("number", index)
        pk = row.get("pk")
        obj = existing.get(pk) if pk is not None else None
        if pk is not None and obj is None:
            errors.append(ValidationError(_("Row %(n)s no longer exists; reload the page.") % {"n": number}))
            continue
        if row.get("delete"):
            if obj is None:
                continue
            label = str(obj)
            snapshot = _snapshot(obj, part.fields)
            try:
                obj.delete()
            except ProtectedError:
                errors.append(
                    ValidationError(
                        _("“%(item)s” is already in use (by applications or reviews) and cannot be deleted.")
                        % {"item": label[:80]}
                    )
                )
                continue
            obj.pk = pk  # the audit event names the deleted item
            audit_record(actor=by, action=f"{part.action}.delete", obj=obj, before=snapshot)
            count += 1
            continue
        is_new = obj is None
        obj = obj or part.model(call=call)
        before = {} if is_new else _snapshot(obj, part.fields)
        for name in part.fields:
            if name in row:
                setattr(obj, name, row[name])
        changed_before, changed_after = _changes(before, _snapshot(obj, part.fields))
        if not changed_after:
            continue
        try:
            _check_part(obj, changed_after)
            _save_checked(obj)
        except ValidationError as error:
            errors.extend(
                ValidationError(_("Row %(n)s: %(problem)s") % {"n": number, "problem": message})
                for message in error.messages
            )
            continue
        action = f"{part.action}.create" if is_new else f"{part.action}.update"
        audit_record(actor=by, action=action, obj=obj, before=changed_before, after=changed_after)
        count += 1
    if errors:
        raise ValidationError(errors)  # the atomic block rolls back whatever was saved above
    return count
