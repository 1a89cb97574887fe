"""Writes for the application's sections, one service per section.

Every service goes through `section_save` (applications/services.py), the one function that locks the
draft, refuses a stale version with `VersionConflict` and writes the section's audit event; the functions
here only say what the section changes on the locked application and which names changed (field names and
codes, never the applicant's text or amounts: the audit trail must not repeat confidential content).
"""

from typing import Any

from django.db import models, transaction

from .models import (
    Activity,
    ActivityActor,
    Application,
    BoardMember,
    BudgetLine,
    BusinessArea,
    Criterion,
    CriterionAnswer,
    Location,
    Partner,
    Requirement,
    RequirementAnswer,
    SectionState,
)
from .services import attachment_remove, section_save

BOARD_FIELDS = ("name", "affiliation", "employer")
LOCATION_FIELDS = ("kind", "city", "region", "host")
BUDGET_FIELDS = ("board_amount", "ufm_amount", "cofinancing")
ACTOR_FIELDS = ("name", "actor_type")


# --- shared steps --------------------------------------------------------------------------------


def _assign(instance: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the attributes of `instance` that differ from `values`; return their names (nothing is saved)."""
    changed = []
    for name, value in values.items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            # Compare ids: reading a relation that is not set yet would raise, and costs a query when it is.
            if getattr(instance, field.attname) == (value.pk if value is not None else None):
                continue
        elif getattr(instance, name) == value:
            continue
        setattr(instance, name, value)
        changed.append(name)
    return changed


def _answers_write(application: Application, *, model: type[models.Model], key: str, texts: dict) -> list[str]:
    """Create or change one answer per item of `texts` ({requirement or criterion: text}).

    Returns '<key>:<code>' for each answer that changed. A new answer is created only when it has text;
    an emptied answer is kept, empty.
    """
    existing = {getattr(answer, f"{key}_id"): answer for answer in model.objects.filter(application=application)}
    changed = []
    for item, text in texts.items():
        answer = existing.get(item.pk)
        if answer is None:
            if not text:
                continue
            model.objects.create(application=application, text=text, **{key: item})
        elif answer.text != text:
            answer.text = text
            answer.save(update_fields=["text"])
        else:
            continue
        changed.append(f"{key}:{item.code}")
    return changed


def _rows_replace(application: Application, *, model: type[models.Model], fields: tuple, rows: list[dict]) -> bool:
    """Make the application's rows of `model` exactly `rows` (in order); return whether anything changed.

    The whole list is replaced, so an autosave that posts the same rows again changes nothing (idempotent).
    """
    saved = model.objects.filter(application=application)
    before = [tuple(getattr(row, name) for name in fields) for row in saved]
    after = [tuple(row.get(name) or "" for name in fields) for row in rows]
    if before == after:
        return False
    saved.delete()
    model.objects.bulk_create(
        model(application=application, **dict(zip(fields, values, strict=True))) for values in after
    )
    return True


# --- the sections --------------------------------------------------------------------------------


@transaction.atomic
def area_save(
    *, application: Application, by, expected_version: int, business_area: BusinessArea | None
) -> SectionState:
    """Save the business area the application is for; return the section's new state."""
    if business_area is not None and business_area.call_id != application.call_id:
        raise ValueError("the business area belongs to another call")

    def write(locked: Application) -> list[str]:
        changed = _assign(locked, {"business_area": business_area})
        locked.save(update_fields=["business_area", "updated_at"])
        return changed

    return section_save(application=application, section="area", by=by, expected_version=expected_version, write=write)


@transaction.atomic
def requirements_save(
    *,
    application: Application,
    by,
    expected_version: int,
    answers: dict[Requirement, str],
    evidence: dict[str, Any] | None = None,
    board: list[dict] | None = None,
) -> SectionState:
    """Save how the applicant meets each requirement, the evidence kept on the application and the board.

    `answers` maps each requirement to its text; `evidence` maps evidence fields of the application to
    their values (None when the call asks for none); `board` lists the board's members as dicts of
    name, affiliation and employer, and replaces the saved board (None when the call does not ask).
    Returns the section's new state.
    """

    def write(locked: Application) -> list[str]:
        changed = _answers_write(locked, model=RequirementAnswer, key="requirement", texts=answers)
        if evidence is not None:
            fields = _assign(locked, evidence)
            if fields:
                locked.save(update_fields=[*fields, "updated_at"])
            changed += fields
        if board is not None and _rows_replace(locked, model=BoardMember, fields=BOARD_FIELDS, rows=board):
            changed.append("board")
        return changed

    return section_save(
        application=application, section="requirements", by=by, expected_version=expected_version, write=write
    )


@transaction.atomic
def criteria_save(
    *,
    application: Application,
    by,
    expected_version: int,
    texts: dict[Criterion, str],
    locations: list[dict] | None = None,
) -> SectionState:
    """Save the applicant's text per criterion and the organisation's locations; return the section's new state.

    `locations` lists dicts of kind, city, region and host, and replaces the saved locations (None when
    no criterion of the call asks for them).
    """

    def write(locked: Application) -> list[str]:
        changed = _answers_write(locked, model=CriterionAnswer, key="criterion", texts=texts)
        if locations is not None and _rows_replace(locked, model=Location, fields=LOCATION_FIELDS, rows=locations):
            changed.append("locations")
        return changed

    return section_save(
        application=application, section="criteria", by=by, expected_version=expected_version, write=write
    )


@transaction.atomic
def budget_save(
    *, application: Application, by, expected_version: int, amounts: dict[int, dict[str, int]]
) -> SectionState:
    """Save the amounts applied for, one budget line per year of the call; return the section's new state.

    `amounts` maps a year to {model field: whole kroner}; a year or field left out counts as 0, so an old
    amount where a funder no longer has a frame is cleared. No line is created for a year of zeros. The
    audit names a change as the page does ('board_2022', 'cofinancing_2023').
    """

    def write(locked: Application) -> list[str]:
        lines = {line.year: line for line in locked.budget_lines.all()}
        changed = []
        for year in locked.call.years:
            values = {name: amounts.get(year, {}).get(name, 0) for name in BUDGET_FIELDS}
            line = lines.get(year)
            if line is None:
                if not any(values.values()):
                    continue
                line = BudgetLine(application=locked, year=year)
            fields = _assign(line, values)
            if not fields:
                continue
            line.full_clean()
            if line.pk is None:
                line.save()
            else:
                line.save(update_fields=fields)
            changed += [f"{name.removesuffix('_amount')}_{year}" for name in fields]
        return changed

    return section_save(
        application=application, section="budget", by=by, expected_version=expected_version, write=write
    )


@transaction.atomic
def partners_save(
    *, application: Application, by, expected_version: int, rows: list[dict]
) -> tuple[SectionState, dict[int, int]]:
    """Create, change and delete partners as `rows` say; return the section's new state and the new partners.

    Each row is {"id": a saved partner's id or None, "delete": bool, "fields": {partner field: value}}.
    Rows are matched to partners by id, not by position, so a page that autosaved new rows (and got their
    ids back) or still shows a deleted row never duplicates or resurrects anyone; an id of another
    application's partner is treated as a new row. A deleted partner's letter of intent is removed too.
    The second value maps the position in `rows` of each created partner to its id.
    """
    created: dict[int, int] = {}

    def write(locked: Application) -> list[str]:
        existing = {p.pk: p for p in locked.partners.select_related("letter_of_intent")}
        changed: set[str] = set()
        for position, row in enumerate(rows):
            partner = existing.pop(row.get("id"), None)
            if row.get("delete"):
                if partner is not None:
                    _partner_delete(partner, by=by)
                    changed.add("partners")
                continue
            if partner is None:
                partner = Partner(application=locked, **row["fields"])
                partner.full_clean()
                partner.save()
                created[position] = partner.pk
                changed |= {name for name, value in row["fields"].items() if value}
                changed.add("partners")
                continue
            fields = _assign(partner, row["fields"])
            if fields:
                partner.full_clean()
                partner.save(update_fields=fields)
                changed |= set(fields)
        return sorted(changed)

    state = section_save(
        application=application, section="partners", by=by, expected_version=expected_version, write=write
    )
    return state, created


def _partner_delete(partner: Partner, *, by) -> None:
    letter = partner.letter_of_intent
    partner.delete()
    if letter is not None:
        attachment_remove(attachment=letter, by=by)


@transaction.atomic
def activity_save(
    *,
    application: Application,
    by,
    expected_version: int,
    activity: Activity | None,
    fields: dict[str, Any],
    actors: list[dict],
) -> Activity:
    """Create (`activity` None) or change an activity and its actors; return the saved activity.

    `fields` are the activity's own fields; `actors` lists the rows that count: {"id": a saved actor's
    id or None, "delete": True} or {"id": ..., "name": ..., "actor_type": ...} (blank new rows left out).
    Actors that are not listed stay as they are.
    """
    activity_type = fields.get("activity_type")
    if activity_type is not None and activity_type.call_id != application.call_id:
        raise ValueError("the activity type belongs to another call")
    saved: list[Activity] = []

    def write(locked: Application) -> list[str]:
        # Read again on the locked application (the form has already changed the instance it was given, so
        # comparing with that would find nothing changed). One a colleague deleted meanwhile is saved anew:
        # the applicant chose to save their version over the colleague's.
        found = locked.activities.filter(pk=activity.pk).first() if activity is not None else None
        current = found or Activity(application=locked)
        changed = _assign(current, fields)
        current.full_clean()
        current.save()
        if _actors_write(current, actors):
            changed.append("actors")
        saved.append(current)
        return changed

    section_save(application=application, section="activities", by=by, expected_version=expected_version, write=write)
    return saved[0]


def _actors_write(activity: Activity, rows: list[dict]) -> bool:
    """Create, change and delete the activity's actors as `rows` say; return whether anything changed."""
    existing = {actor.pk: actor for actor in activity.actors.all()}
    changed = False
    for row in rows:
        actor = existing.get(row.get("id"))
        if row.get("delete"):
            if actor is not None:
                actor.delete()
                changed = True
            continue
        if actor is None:
            actor = ActivityActor(activity=activity)
        if _assign(actor, {name: row[name] for name in ACTOR_FIELDS}):
            actor.full_clean()
            actor.save()
            changed = True
    return changed


@transaction.atomic
def activity_delete(*, application: Application, by, expected_version: int, activity: Activity) -> SectionState:
    """Delete an activity with its actors; return the activities section's new state."""

    def write(locked: Application) -> list[str]:
        locked.activities.filter(pk=activity.pk).delete()
        return ["activity_deleted"]

    return section_save(
        application=application, section="activities", by=by, expected_version=expected_version, write=write
    )
