"""The approved allocation cannot change, whatever the path (issue 13, item 1).

The database's triggers (migration allocation/0002) run on whichever database the suite runs on: SQLite
locally, PostgreSQL under CI (DATABASE_URL). Every test here therefore covers both; none is skipped on either.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.deletion import ProtectedError
from django.urls import reverse
from django.utils import translation

from allocation.database_lock import LOCKED_MESSAGE, is_lock_refusal
from allocation.models import LockedError, Proposal, ProposalAmount, ProposalApproval, Selection, SelectionGrant
from allocation.selectors import approval_state
from allocation.services.approval import proposal_approve, proposal_review, proposal_submit
from allocation.services.frames import frames_save
from allocation.services.proposals import proposal_amounts_save
from applications.models import BudgetFrame, Call, Funder
from tests.factories.allocation import approve_by_members, approved_proposal, make_proposal, selected_call
from tests.factories.applications import open_call_with_parts
from tests.factories.clusterfund import UserFactory


@pytest.fixture
def call(db):
    return selected_call(organisations=2)


@pytest.fixture
def approved(call):
    return approved_proposal(call)


@pytest.fixture
def submitted(call):
    """A proposal with the sub-committee that every member has approved (but the chair has not)."""
    secretariat = UserFactory(roles=["secretariat"])
    proposal = proposal_submit(proposal=make_proposal(call, by=secretariat), by=secretariat)
    approve_by_members(proposal)
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert approval_state(proposal=proposal).approved and not approval_state(proposal=proposal).missing
    return proposal


@pytest.fixture
def superuser_client(db, client):
    client.force_login(UserFactory(roles=["administrator"], is_staff=True, is_superuser=True))
    return client


def state(call: Call) -> dict:
    """Everything an approved allocation fixes, as plain values."""
    return {
        "proposals": list(Proposal.objects.filter(call=call).order_by("pk").values_list("pk", "status", "revision")),
        "amounts": list(
            ProposalAmount.objects.filter(proposal__call=call).order_by("pk").values_list("pk", "proposal", "amount")
        ),
        "approvals": list(
            ProposalApproval.objects.filter(proposal__call=call).order_by("pk").values_list("pk", "comment")
        ),
        "selections": list(Selection.objects.filter(call=call).order_by("pk").values_list("pk", "decision", "note")),
        "grants": list(
            SelectionGrant.objects.filter(selection__call=call).order_by("pk").values_list("pk", "year", "amount")
        ),
        "frames": list(BudgetFrame.objects.filter(call=call).order_by("pk").values_list("pk", "year", "amount")),
    }


def refused(operation) -> Exception:
    """Run `operation` in a savepoint and return the lock's refusal it must raise."""
    with pytest.raises((IntegrityError, LockedError)) as caught, transaction.atomic():
        operation()
    assert is_lock_refusal(caught.value), caught.value
    return caught.value


# --- the database refuses: the ORM's update() and delete() -------------------------------------------------

ORM_CHANGES = {
    "proposal back to draft": lambda p: Proposal.objects.filter(pk=p.pk).update(status="draft"),
    "proposal title": lambda p: Proposal.objects.filter(pk=p.pk).update(title="Ændret"),
    "proposal delete": lambda p: Proposal.objects.filter(pk=p.pk).delete(),
    "amount update": lambda p: ProposalAmount.objects.filter(proposal=p).update(amount=F("amount") + 1),
    "amount bulk_update": lambda p: ProposalAmount.objects.bulk_update(
        [ProposalAmount(pk=a.pk, amount=a.amount + 1) for a in ProposalAmount.objects.filter(proposal=p)], ["amount"]
    ),
    "amount delete": lambda p: ProposalAmount.objects.filter(proposal=p).delete(),
    "amount insert": lambda p: ProposalAmount.objects.bulk_create(
        [ProposalAmount(proposal=p, application=p.amounts.first().application, year=2030, amount=1)]
    ),
    "approval update": lambda p: ProposalApproval.objects.filter(proposal=p).update(comment="Ændret"),
    "approval delete": lambda p: ProposalApproval.objects.filter(proposal=p).delete(),
    "selection update": lambda p: Selection.objects.filter(call=p.call).update(note="Ændret"),
    "selection delete": lambda p: Selection.objects.filter(call=p.call).delete(),
    "grant update": lambda p: SelectionGrant.objects.filter(selection__call=p.call).update(amount=1),
    "grant delete": lambda p: SelectionGrant.objects.filter(selection__call=p.call).delete(),
    "grant insert": lambda p: SelectionGrant.objects.bulk_create(
        [SelectionGrant(selection=Selection.objects.filter(call=p.call).first(), year=2030, amount=1)]
    ),
    "frame update": lambda p: BudgetFrame.objects.filter(call=p.call).update(amount=F("amount") + 1),
    "frame insert": lambda p: BudgetFrame.objects.bulk_create(
        [BudgetFrame(call=p.call, year=2030, funder=Funder.BOARD, amount=1)]
    ),
}


@pytest.mark.parametrize("change", list(ORM_CHANGES))
def test_the_orm_cannot_change_an_approved_allocation(approved, change):
    before = state(approved.call)
    error = refused(lambda: ORM_CHANGES[change](approved))
    if not isinstance(error, LockedError):
        assert "allocation_locked" in str(error)
    assert state(approved.call) == before


# Raw SQL passes no Python guard at all: only the triggers stand in the way.
SQL_CHANGES = {
    "proposal back to draft": "UPDATE allocation_proposal SET status = 'draft' WHERE id = %s",
    "proposal delete": "DELETE FROM allocation_proposal WHERE id = %s",
    "amount update": "UPDATE allocation_proposalamount SET amount = amount + 1 WHERE proposal_id = %s",
    "amount delete": "DELETE FROM allocation_proposalamount WHERE proposal_id = %s",
    "approval update": "UPDATE allocation_proposalapproval SET comment = 'x' WHERE proposal_id = %s",
    "approval delete": "DELETE FROM allocation_proposalapproval WHERE proposal_id = %s",
    "selection update": "UPDATE allocation_selection SET note = 'x' WHERE call_id = "
    "(SELECT call_id FROM allocation_proposal WHERE id = %s)",
    "selection delete": "DELETE FROM allocation_selection WHERE call_id = "
    "(SELECT call_id FROM allocation_proposal WHERE id = %s)",
    "grant update": "UPDATE allocation_selectiongrant SET amount = 1 WHERE selection_id IN (SELECT s.id FROM "
    "allocation_selection s JOIN allocation_proposal p ON p.call_id = s.call_id WHERE p.id = %s)",
    "grant delete": "DELETE FROM allocation_selectiongrant WHERE selection_id IN (SELECT s.id FROM "
    "allocation_selection s JOIN allocation_proposal p ON p.call_id = s.call_id WHERE p.id = %s)",
    "frame update": "UPDATE applications_budgetframe SET amount = amount + 1 WHERE call_id = "
    "(SELECT call_id FROM allocation_proposal WHERE id = %s)",
    "frame delete": "DELETE FROM applications_budgetframe WHERE call_id = "
    "(SELECT call_id FROM allocation_proposal WHERE id = %s)",
}


@pytest.mark.parametrize("change", list(SQL_CHANGES))
def test_the_database_itself_refuses_raw_sql(approved, change):
    before = state(approved.call)

    def run():
        with connection.cursor() as cursor:
            cursor.execute(SQL_CHANGES[change], [approved.pk])

    error = refused(run)
    assert isinstance(error, IntegrityError) and "allocation_locked" in str(error)
    assert state(approved.call) == before


def test_what_the_lock_lets_through(approved):
    call = approved.call
    # re-saving a frame with the same values (seed_demo's update_or_create) changes nothing and passes
    frame = BudgetFrame.objects.filter(call=call).first()
    BudgetFrame.objects.update_or_create(
        call=call, year=frame.year, funder=frame.funder, defaults={"amount": frame.amount}
    )
    BudgetFrame.objects.filter(pk=frame.pk).update(amount=frame.amount)
    # a draft of the same call can still be written and deleted, with its amounts and approvals (CASCADE)
    draft = make_proposal(call)
    ProposalAmount.objects.filter(proposal=draft).update(amount=5)
    Proposal.objects.filter(pk=draft.pk).delete()
    assert not Proposal.objects.filter(pk=draft.pk).exists()
    assert Proposal.objects.get(pk=approved.pk).status == "approved"


def test_a_whole_call_deletes_with_its_frames_unless_an_allocation_is_approved(approved):
    unlocked = open_call_with_parts(slug="kan-slettes")
    assert BudgetFrame.objects.filter(call=unlocked).exists()
    unlocked.delete()  # CASCADE to its frames: no approved allocation, so the triggers let it through
    assert not BudgetFrame.objects.filter(call_id=unlocked.pk).exists()
    before = state(approved.call)
    with pytest.raises(ProtectedError), transaction.atomic():
        Call.objects.filter(pk=approved.call_id).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        approved.call.delete()
    assert state(approved.call) == before


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_a_database_with_an_approved_allocation():
    """pytest-django's teardown of a transactional test flushes (SQLite: DELETE row by row, PostgreSQL:
    TRUNCATE); the lock must not stand in its way - and stands again afterwards."""
    proposal = approved_proposal(selected_call(organisations=2))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM allocation_proposal WHERE id = %s", [proposal.pk])
    call_command("flush", interactive=False, verbosity=0)
    assert not Proposal.objects.exists() and not ProposalAmount.objects.exists()
    assert not Selection.objects.exists() and not BudgetFrame.objects.exists()
    again = approved_proposal(selected_call(organisations=2))
    refused(lambda: Proposal.objects.filter(pk=again.pk).update(status="draft"))


# --- the database refuses: through the admin ---------------------------------------------------------------


def test_the_admin_refuses_to_delete_an_approved_proposal_or_its_selections(superuser_client, approved):
    before = state(approved.call)
    changelist = reverse("admin:allocation_proposal_changelist")
    data = {"action": "delete_selected", "_selected_action": [approved.pk]}
    page = superuser_client.post(changelist, data)
    assert page.status_code == 200 and str(LOCKED_MESSAGE) in page.content.decode()
    superuser_client.post(changelist, {**data, "post": "yes"})
    selections = list(Selection.objects.filter(call=approved.call).values_list("pk", flat=True))
    page = superuser_client.post(
        reverse("admin:allocation_selection_changelist"),
        {"action": "delete_selected", "_selected_action": selections, "post": "yes"},
    )
    assert page.status_code == 200 and str(LOCKED_MESSAGE) in page.content.decode()
    assert state(approved.call) == before


def test_the_admin_turns_the_database_refusal_into_a_message_in_danish(superuser_client, approved, monkeypatch):
    """Even past the admin's own check (say, approved between the confirmation and the POST), the database
    refuses, and the user reads why - in Danish by default - instead of an error page."""
    from allocation.admin import ProposalAdmin

    monkeypatch.setattr(ProposalAdmin, "is_locked", lambda self, obj: False)
    before = state(approved.call)
    superuser_client.cookies["django_language"] = "da"
    changelist = reverse("admin:allocation_proposal_changelist")
    response = superuser_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [approved.pk], "post": "yes"}, follow=True
    )
    assert response.status_code == 200
    with translation.override("da"):
        danish = str(LOCKED_MESSAGE)
    with translation.override("en"):
        english = str(LOCKED_MESSAGE)
    page = response.content.decode()
    assert danish != english and danish in page and "Internal Server Error" not in page
    assert state(approved.call) == before


def test_the_admin_does_not_edit_an_approved_proposal(superuser_client, approved):
    before = state(approved.call)
    amount = ProposalAmount.objects.filter(proposal=approved).first()
    url = reverse("admin:allocation_proposal_change", args=[approved.pk])
    data = {
        "title": "Ændret",
        "amounts-TOTAL_FORMS": "1",
        "amounts-INITIAL_FORMS": "1",
        "amounts-0-id": amount.pk,
        "amounts-0-proposal": approved.pk,
        "amounts-0-application": amount.application_id,
        "amounts-0-year": amount.year,
        "amounts-0-amount": "1",
    }
    assert superuser_client.post(url, data).status_code == 403
    assert state(approved.call) == before


def test_the_services_turn_the_database_refusal_into_a_validation_error(approved, monkeypatch):
    """With every Python check out of the way, the frames service still cannot change a locked frame, and
    says why."""
    import allocation.guards
    import allocation.services.frames

    monkeypatch.setattr(allocation.services.frames, "call_is_locked", lambda call: False)
    monkeypatch.setattr(allocation.guards, "_locked", lambda call_id: False)
    frame = BudgetFrame.objects.filter(call=approved.call, funder=Funder.BOARD).first()
    before = state(approved.call)
    value = {"year": frame.year, "funder": frame.funder, "amount": frame.amount + 1, "source": frame.source}
    with pytest.raises(ValidationError) as caught:
        frames_save(call=approved.call, values=[value], by=UserFactory(roles=["secretariat"]))
    assert caught.value.error_list[0].code == "locked" and str(LOCKED_MESSAGE) in caught.value.messages
    assert state(approved.call) == before


# --- a changed amount of a submitted proposal: new revision, approvals withdrawn -----------------------------


def _first(proposal):
    return ProposalAmount.objects.filter(proposal=proposal).order_by("pk").first()


def _admin_change(client, proposal):
    """Change the first amount on the proposal's admin page (the amount inline), as an administrator would."""
    url = reverse("admin:allocation_proposal_change", args=[proposal.pk])
    page = client.get(url)
    data = {"title": proposal.title}
    first, changed = _first(proposal), False
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.forms:
            values = {**form.initial, "id": form.instance.pk, formset.fk.name: proposal.pk}
            if form.instance == first:
                values["amount"], changed = first.amount - 1_000, True
            data.update({form.add_prefix(n): v for n, v in values.items() if n in form.fields and v is not None})
    assert changed
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _raw_update(proposal):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE allocation_proposalamount SET amount = amount - 1000 WHERE id = %s", [_first(proposal).pk]
        )


def _save_outside_the_services(proposal):
    amount = _first(proposal)
    amount.amount -= 1_000
    amount.save()


CHANGE_PATHS = {
    "service": lambda p, client: proposal_amounts_save(
        proposal=p,
        amounts={(_first(p).application_id, _first(p).year): _first(p).amount - 1_000},
        expected_revision=p.revision,
        by=UserFactory(roles=["secretariat"]),
    ),
    "model save outside the services": lambda p, client: _save_outside_the_services(p),
    "queryset update": lambda p, client: ProposalAmount.objects.filter(pk=_first(p).pk).update(
        amount=F("amount") - 1_000
    ),
    "bulk_update": lambda p, client: ProposalAmount.objects.bulk_update(
        [ProposalAmount(pk=_first(p).pk, amount=_first(p).amount - 1_000)], ["amount"]
    ),
    "queryset delete": lambda p, client: ProposalAmount.objects.filter(pk=_first(p).pk).delete(),
    "insert": lambda p, client: ProposalAmount.objects.bulk_create(
        [ProposalAmount(proposal=p, application=_first(p).application, year=2030, amount=1_000)]
    ),
    "raw sql": lambda p, client: _raw_update(p),
    "admin amount inline": lambda p, client: _admin_change(client, p),
}


@pytest.mark.parametrize("path", list(CHANGE_PATHS))
def test_a_changed_amount_makes_a_new_revision_and_withdraws_the_approvals(submitted, superuser_client, path):
    before = submitted.revision
    approved_before = approval_state(proposal=submitted).approved
    CHANGE_PATHS[path](submitted, superuser_client)
    proposal = Proposal.objects.get(pk=submitted.pk)
    assert proposal.status == "submitted" and proposal.revision > before
    state_now = approval_state(proposal=proposal)
    assert approved_before and not state_now.approved  # every member's approval was of the earlier amounts
    assert {m.pk for m in state_now.missing} == {m.pk for m in approved_before}
    with pytest.raises(ValidationError, match="Not every member has approved"):
        proposal_approve(proposal=proposal, by=UserFactory(roles=["subcommittee_chair"]))
    if path in ("queryset delete", "insert"):
        return  # the grid no longer has one amount per organisation and year: nothing to approve again
    # the members approve the new revision (1.000 kr. below the frame), and then the chair can
    for member in approved_before:
        proposal_review(proposal=proposal, decision="approve", by=member)
    assert proposal_approve(proposal=proposal, by=UserFactory(roles=["subcommittee_chair"])).is_locked


def test_a_draft_keeps_one_revision_per_save_and_a_revision_never_goes_back(call, submitted):
    draft = make_proposal(call)
    assert draft.revision == 1
    ProposalAmount.objects.filter(proposal=draft).update(amount=F("amount") + 1)
    assert Proposal.objects.get(pk=draft.pk).revision == 1  # a draft has no approvals to withdraw
    ProposalAmount.objects.filter(pk=_first(submitted).pk).update(amount=F("amount") + 1)
    bumped = Proposal.objects.get(pk=submitted.pk).revision
    assert bumped > submitted.revision
    refused(lambda: Proposal.objects.filter(pk=submitted.pk).update(revision=submitted.revision))
    assert Proposal.objects.get(pk=submitted.pk).revision == bumped


def test_an_unchanged_amount_is_no_new_revision(submitted):
    ProposalAmount.objects.filter(pk=_first(submitted).pk).update(amount=F("amount"))
    assert Proposal.objects.get(pk=submitted.pk).revision == submitted.revision
    assert approval_state(proposal=Proposal.objects.get(pk=submitted.pk)).approved
