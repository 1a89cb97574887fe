"""The minister's selections: recording (or changing) the decision on an application, with the UFM grants per
year, and telling the applicant."""

from collections.abc import Mapping
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Application
from applications.services import application_transition
from clusterfund.money import format_kroner
from clusterfund.services import audit_record

from ..database_lock import LOCKED_MESSAGE, is_lock_refusal, refusal_as_validation_error
from ..models import Selection, SelectionGrant, application_is_locked
from ..selectors import joint_result
from .checks import check_amount, require
from .notify import send_to_organisation

IN_REVIEW = (
    Application.Status.SUBMITTED,
    Application.Status.UNDER_REVIEW,
    Application.Status.SELECTED,
    Application.Status.NOT_SELECTED,
)


@transaction.atomic
@refusal_as_validation_error()
def selection_record(
    *,
    application: Application,
    decision: str,
    decision_date: date,
    case_number: str,
    note: str = "",
    grants: Mapping[int, int] | None = None,
    by,
    now: datetime | None = None,
) -> Selection:
    """Record (or change) the minister's decision on an application and return the selection.

    Moves the application to selected / not selected (via under review if it was only submitted), keeps the
    UFM grants per year of a selected organisation, and tells the applicant once per decision: a message on
    their dashboard and an e-mail after commit. Refuses a second selected organisation in a business area
    (naming the first), an application the joint assessment did not find eligible, and any change to a
    selection behind an approved allocation.
    """
    now = now or timezone.now()
    require(by, "allocation.record_selection", application.call)
    locked = _lock_application(application)
    existing = _lock_selection(locked)
    case_number = _check_decision(locked, decision=decision, decision_date=decision_date, case_number=case_number)
    grants = _check_grants(grants or {}, locked.call.years) if decision == Selection.Decision.SELECTED else {}
    if decision == Selection.Decision.SELECTED:
        _check_selectable(locked)

    before = _selection_snapshot(existing)
    selection = _store_selection(
        existing or Selection(application=locked),
        application=locked,
        decision=decision,
        decision_date=decision_date,
        case_number=case_number,
        note=note,
        by=by,
    )
    _store_grants(selection, grants)
    locked = _move_application(locked, decision=decision, by=by)
    after = _selection_snapshot(selection)
    if after != before:
        audit_record(actor=by, action="selection.record", obj=selection, before=before, after=after)
    if selection.notified_decision != decision:
        _notify_decision(selection=selection, application=locked, grants=grants, by=by, now=now)
    return selection


def _lock_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "organisation", "business_area")
        .get(pk=application.pk)
    )


def _lock_selection(application: Application) -> Selection | None:
    """Lock and return the application's selection (None if there is none yet); refuse one that an approved
    allocation has fixed.

    The selection is locked before asking whether an approval has fixed it: an approval in flight holds this
    row, so we wait for it and then see its outcome.
    """
    existing = Selection.objects.select_for_update().filter(application=application).first()
    if existing is not None and application_is_locked(application.pk):
        raise ValidationError(
            _("The selection of %(name)s is part of an approved allocation and can no longer be changed."),
            code="locked",
            params={"name": application.organisation.name},
        )
    return existing


def _check_decision(application: Application, *, decision: str, decision_date: date | None, case_number: str) -> str:
    """Check the decision, the application's status, the case number and the date; return the case number."""
    if decision not in Selection.Decision.values:
        raise ValidationError({"decision": _("Choose selected or not selected.")})
    if application.status not in IN_REVIEW:
        raise ValidationError(
            _("Only an application in the review can be selected or not selected."), code="not_in_review"
        )
    errors = {}
    case_number = (case_number or "").strip()
    if not case_number:
        errors["case_number"] = _("Give the case number of the decision.")
    if decision_date is None:
        errors["decision_date"] = _("Give the date of the decision.")
    if errors:
        raise ValidationError(errors)
    return case_number


def _check_grants(grants: Mapping[int, int], years: list[int]) -> dict[int, int]:
    clean, errors = {}, []
    for year, amount in grants.items():
        if year not in years:
            errors.append(
                ValidationError(
                    _("%(year)s is not a year of the call's period."), code="bad_year", params={"year": year}
                )
            )
            continue
        try:
            clean[year] = check_amount(amount, label=_("The UFM grant for %(year)s") % {"year": year})
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return clean


def _check_selectable(application: Application) -> None:
    """Refuse to select an application without a business area, one the joint assessment did not find
    eligible, or one in an area where another organisation is already selected."""
    if application.business_area_id is None:
        raise ValidationError(_("The application has no business area, so it cannot be selected."))
    result = joint_result(application=application)
    if result is None or result.eligible is not True:
        raise ValidationError(
            _("The joint assessment has not found that %(name)s meets the requirements, so it cannot be selected."),
            code="not_eligible",
            params={"name": application.organisation.name},
        )
    first = (
        Selection.objects.filter(
            call=application.call, business_area=application.business_area, decision=Selection.Decision.SELECTED
        )
        .exclude(application=application)
        .select_related("application__organisation")
        .first()
    )
    if first is not None:
        raise ValidationError(
            _(
                "%(name)s is already selected in %(area)s. Only one organisation can be selected per area; "
                "record %(name)s as not selected first."
            ),
            code="area_taken",
            params={"name": first.application.organisation.name, "area": application.business_area.tr("name")},
        )


def _store_selection(
    selection: Selection, *, application: Application, decision: str, decision_date: date, case_number: str, note, by
) -> Selection:
    """Write the decision onto `selection` and save it; a concurrent selection in the area is refused."""
    selection.call = application.call
    selection.business_area = application.business_area
    selection.decision = decision
    selection.decision_date = decision_date
    selection.case_number = case_number
    selection.note = (note or "").strip()
    selection.recorded_by = by
    selection.full_clean(exclude=["application", "call", "business_area", "recorded_by"], validate_constraints=False)
    try:
        with transaction.atomic():  # a savepoint: two UFM users selecting in one area at the same moment
            selection.save()
    except IntegrityError as error:
        if is_lock_refusal(error):  # an approval fixed the selection after all (the service refused first)
            raise ValidationError(LOCKED_MESSAGE, code="locked") from error
        raise ValidationError(
            _("Another organisation was just selected in %(area)s. Reload the page to see it."),
            code="area_taken",
            params={"area": application.business_area.tr("name") if application.business_area else ""},
        ) from None
    return selection


def _store_grants(selection: Selection, grants: dict[int, int]) -> None:
    """Keep exactly the given UFM grants per year (none for an organisation not selected)."""
    selection.grants.exclude(year__in=list(grants)).delete()
    for year, amount in grants.items():
        SelectionGrant.objects.update_or_create(selection=selection, year=year, defaults={"amount": amount})


def _move_application(application: Application, *, decision: str, by) -> Application:
    """Move the application to the decision's status (via under review if it was only submitted)."""
    if application.status == Application.Status.SUBMITTED:
        application = application_transition(application=application, to=Application.Status.UNDER_REVIEW, by=by)
    if application.status != decision:
        application_transition(application=application, to=decision, by=by)
    return application


def _selection_snapshot(selection: Selection | None) -> dict:
    if selection is None or selection.pk is None:
        return {}
    return {
        "decision": selection.decision,
        "decision_date": selection.decision_date.isoformat() if selection.decision_date else None,
        "case_number": selection.case_number,
        "note": selection.note,
        "grants": {str(g.year): g.amount for g in selection.grants.order_by("year")},
    }


def _notify_decision(*, selection: Selection, application: Application, grants: dict[int, int], by, now) -> None:
    context = {
        "selection": selection,
        "application": application,
        "call": application.call,
        "grants": [
            (year, format_kroner(amount, language=settings.LANGUAGE_CODE)) for year, amount in sorted(grants.items())
        ],
    }
    # Stored once and e-mailed: in the portal's default language, whatever language the UFM user reads.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("allocation/email/decision_subject.txt", context).strip()
        body = render_to_string("allocation/email/decision.txt", context)
    send_to_organisation(
        organisation=application.organisation, application=application, subject=subject, body=body, by=by
    )
    selection.notified_decision = selection.decision
    selection.notified_at = now
    selection.save(update_fields=["notified_decision", "notified_at"])
