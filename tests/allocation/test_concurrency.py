"""Two transactions at once cannot leave an approved allocation over its frame (PostgreSQL: real row locks).

Each test holds one transaction open in a thread right after its service has taken the frame lock, and
starts the other service meanwhile. With the lock, the second waits and then sees the first's outcome;
without it, the second would read the old sums or frame and both would commit, leaving an approved
allocation over its frame. SQLite has no row locks (it locks the whole database), so these run on
PostgreSQL only - CI runs the suite on PostgreSQL.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import translation

from allocation.models import Proposal, ProposalAmount
from allocation.services.approval import proposal_approve, proposal_submit
from allocation.services.frames import frames_save
from allocation.services.proposals import proposal_amounts_save
from applications.models import Application, BudgetFrame, Funder
from tests.factories.allocation import approve_by_members, make_proposal, secretariat_user, selected_call
from tests.factories.clusterfund import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

HOLD = 0.6  # seconds the first transaction keeps its locks after its service returned


def _in_thread(target, results: dict, name: str, started: threading.Event | None = None):
    def run():
        try:
            with translation.override("en"):  # a thread starts in the default language; the test reads English
                results[name] = target()
        except Exception as error:  # handed to the test to assert on
            results[name] = error
        finally:
            if started is not None:
                started.set()
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _holding(service, locked: threading.Event):
    """Return a function that runs `service` in a transaction and keeps it open (locks held) for HOLD seconds."""

    def run():
        with transaction.atomic():
            result = service()
            locked.set()
            time.sleep(HOLD)
        return result

    return run


def _approved_within_frames() -> bool:
    frames = {(f.call_id, f.year): f.amount for f in BudgetFrame.objects.filter(funder=Funder.BOARD)}
    sums: dict = {}
    for proposal_id, call_id, year, amount in ProposalAmount.objects.filter(
        proposal__status=Proposal.Status.APPROVED
    ).values_list("proposal_id", "proposal__call_id", "year", "amount"):
        sums[(proposal_id, call_id, year)] = sums.get((proposal_id, call_id, year), 0) + amount
    return all(total <= frames.get((call_id, year), 0) for (_p, call_id, year), total in sums.items())


@pytest.fixture
def ready():
    """A submitted proposal (80m a year, exactly the frames) that every member has approved; the chair."""
    call = selected_call(organisations=3)
    secretariat = secretariat_user()
    proposal = proposal_submit(proposal=make_proposal(call, by=secretariat), by=secretariat)
    approve_by_members(proposal)
    return call, proposal, secretariat, UserFactory(roles=["subcommittee_chair"])


def test_a_frame_lowered_during_the_chairs_approval_makes_it_wait_and_refuse(ready):
    call, proposal, secretariat, chair = ready
    results, locked = {}, threading.Event()
    lower = _holding(
        lambda: frames_save(
            call=call, values=[{"year": 2023, "funder": Funder.BOARD, "amount": 79_000_000}], by=secretariat
        ),
        locked,
    )
    editor = _in_thread(lower, results, "frame")
    assert locked.wait(10)
    approver = _in_thread(lambda: proposal_approve(proposal=proposal, by=chair), results, "approve")
    editor.join(10)
    approver.join(10)
    assert not isinstance(results["frame"], Exception), results["frame"]
    assert isinstance(results["approve"], ValidationError), results["approve"]
    assert any("2023 is over the frame" in m for m in results["approve"].messages)
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.SUBMITTED
    assert _approved_within_frames()


def test_a_frame_edit_during_the_chairs_approval_waits_and_is_refused(ready):
    call, proposal, secretariat, chair = ready
    results, locked = {}, threading.Event()
    approver = _in_thread(_holding(lambda: proposal_approve(proposal=proposal, by=chair), locked), results, "approve")
    assert locked.wait(10)
    editor = _in_thread(
        lambda: frames_save(
            call=call, values=[{"year": 2023, "funder": Funder.BOARD, "amount": 79_000_000}], by=secretariat
        ),
        results,
        "frame",
    )
    approver.join(10)
    editor.join(10)
    assert isinstance(results["approve"], Proposal), results["approve"]
    assert isinstance(results["frame"], ValidationError), results["frame"]
    assert BudgetFrame.objects.get(call=call, year=2023, funder=Funder.BOARD).amount == 80_000_000
    assert _approved_within_frames()


def test_an_amount_raised_during_the_chairs_approval_cannot_end_up_approved(ready):
    call, proposal, secretariat, chair = ready
    first = Application.objects.filter(call=call).order_by("pk").first()
    results, locked = {}, threading.Event()
    raise_amount = _holding(
        lambda: proposal_amounts_save(
            proposal=proposal, amounts={(first.pk, 2022): 20_000_000}, expected_revision=None, by=secretariat
        ),
        locked,
    )
    editor = _in_thread(raise_amount, results, "edit")
    assert locked.wait(10)
    approver = _in_thread(lambda: proposal_approve(proposal=proposal, by=chair), results, "approve")
    editor.join(10)
    approver.join(10)
    assert not isinstance(results["edit"], Exception), results["edit"]
    assert isinstance(results["approve"], ValidationError), results["approve"]
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.SUBMITTED
    assert _approved_within_frames()
