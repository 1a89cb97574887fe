"""Budget frames: the secretariat edits them (audited, all or nothing) until an allocation is approved."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from allocation.models import LockedError
from allocation.services.frames import frames_save
from applications.models import BudgetFrame, Funder
from clusterfund.models import AuditEvent
from tests.factories.allocation import approved_proposal, selected_call
from tests.factories.applications import open_call_with_parts


def value(year, amount, funder=Funder.BOARD, **kwargs):
    return {"year": year, "funder": funder, "amount": amount, **kwargs}


@pytest.fixture
def call(db):
    return open_call_with_parts()


def test_secretariat_changes_a_frame_with_source_and_condition(call, secretariat):
    changed = frames_save(
        call=call,
        values=[value(2021, 75_000_000, source="finance_act", source_year=2020, is_conditional=False)],
        by=secretariat,
    )
    frame = BudgetFrame.objects.get(call=call, year=2021, funder=Funder.BOARD)
    assert changed == [frame]
    assert (frame.amount, frame.source_label, frame.is_conditional) == (75_000_000, "Finance act 2020", False)
    event = AuditEvent.objects.for_object(frame).get()
    assert event.action == "frame.update"
    assert (event.before["amount"], event.after["amount"]) == (80_000_000, 75_000_000)


def test_saving_unchanged_values_writes_no_event(call, secretariat):
    frames_save(call=call, values=[value(2022, 80_000_000)], by=secretariat)
    assert not AuditEvent.objects.filter(action__startswith="frame.").exists()


def test_a_missing_year_is_created(call, secretariat):
    BudgetFrame.objects.filter(call=call, year=2024, funder=Funder.BOARD).delete()
    frames_save(call=call, values=[value(2024, 60_000_000, source="undecided", is_conditional=True)], by=secretariat)
    assert BudgetFrame.objects.get(call=call, year=2024, funder=Funder.BOARD).is_conditional
    assert AuditEvent.objects.filter(action="frame.create").count() == 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (value(2022, -1), "cannot be negative"),
        (value(2022, 10**12), "unrealistically large"),
        (value(2022, "80.000.000"), "whole number"),
        (value(2022, 1_000, source="finance_act"), "year of the finance act"),
        (value(2030, 1_000), "within the call's period"),
    ],
)
def test_bad_frames_are_refused_and_nothing_is_saved_half_way(call, secretariat, bad, message):
    with pytest.raises(ValidationError) as caught:
        frames_save(call=call, values=[value(2021, 1_000_000), bad], by=secretariat)
    assert any(message in m for m in caught.value.messages)
    assert BudgetFrame.objects.get(call=call, year=2021, funder=Funder.BOARD).amount == 80_000_000
    assert not AuditEvent.objects.filter(action__startswith="frame.").exists()


@pytest.mark.parametrize("role", ["ufm", "subcommittee_member", "subcommittee_chair", "applicant"])
def test_only_the_secretariat_edits_frames(call, make_user, role):
    with pytest.raises(PermissionDenied):
        frames_save(call=call, values=[value(2021, 1)], by=make_user(role))


def test_frames_are_fixed_once_an_allocation_is_approved(db, secretariat):
    call = selected_call(organisations=2)
    approved_proposal(call)
    with pytest.raises(ValidationError, match="approved"):
        frames_save(call=call, values=[value(2021, 90_000_000)], by=secretariat)
    frame = BudgetFrame.objects.get(call=call, year=2021, funder=Funder.BOARD)
    frame.amount = 90_000_000
    with pytest.raises(LockedError):
        frame.save()  # the admin's path, bypassing the service
    with pytest.raises(LockedError), transaction.atomic():  # Django deletes without a savepoint of its own
        frame.delete()
    with pytest.raises(LockedError):
        BudgetFrame.objects.create(call=call, year=2025, funder=Funder.BOARD, amount=1)
    frame.refresh_from_db()
    frame.save()  # the same values again (seed_demo's update_or_create) are let through
    assert frame.amount == 80_000_000
