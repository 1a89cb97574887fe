"""The call's budget frames per year and funder: created and changed by the secretariat until an allocation of
the call is approved."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import BudgetFrame, Call, Funder
from clusterfund.services import audit_record

from ..database_lock import refusal_as_validation_error
from ..selectors import call_is_locked
from .checks import check_amount, require
from .locks import lock_frames


def _frame_snapshot(frame: BudgetFrame) -> dict:
    return {
        "year": frame.year,
        "funder": frame.funder,
        "amount": frame.amount,
        "source": frame.source,
        "source_year": frame.source_year,
        "is_conditional": frame.is_conditional,
    }


@transaction.atomic
@refusal_as_validation_error()
def frames_save(*, call: Call, values: list[Mapping], by) -> list[BudgetFrame]:
    """Create or change the call's frames (each mapping: year, funder, amount, source, source_year,
    is_conditional) and return the changed ones. All or nothing; refused once an allocation is approved."""
    require(by, "allocation.edit_frames", call)
    lock_frames(call)
    if call_is_locked(call=call):
        raise ValidationError(
            _("An allocation of this call is approved, so its budget frames can no longer change."), code="locked"
        )
    existing = {(f.year, f.funder): f for f in BudgetFrame.objects.filter(call=call)}
    changed, errors = [], []
    for value in values:
        year, funder = value["year"], value["funder"]
        if funder not in Funder.values:
            raise ValidationError(_("Unknown funder."), code="bad_funder")
        try:
            amount = check_amount(value["amount"], label=_("The frame for %(year)s") % {"year": year})
        except ValidationError as error:
            errors.append(error)
            continue
        frame = existing.get((year, funder)) or BudgetFrame(call=call, year=year, funder=funder)
        before = _frame_snapshot(frame) if frame.pk else {}
        frame.amount = amount
        frame.source = value.get("source") or BudgetFrame.Source.UNDECIDED
        frame.source_year = value.get("source_year")
        if frame.source != BudgetFrame.Source.FINANCE_ACT:
            frame.source_year = None
        frame.is_conditional = bool(value.get("is_conditional"))
        try:
            frame.full_clean(exclude=["call"], validate_unique=False, validate_constraints=False)
            if frame.source == BudgetFrame.Source.FINANCE_ACT and not frame.source_year:
                raise ValidationError(
                    _("Give the year of the finance act for %(year)s."), code="source_year", params={"year": year}
                )
        except ValidationError as error:
            errors.append(error)
            continue
        after = _frame_snapshot(frame)
        if after != before:
            frame.save()
            changed.append(frame)
            audit_record(
                actor=by, action="frame.create" if not before else "frame.update", obj=frame, before=before, after=after
            )
    if errors:
        raise ValidationError(errors)  # the atomic block rolls back every frame saved above
    return changed
