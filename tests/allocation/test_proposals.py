"""Allocation proposals: helpers, hand adjustment, bad input, approval, the chair's lock, notifications, audit."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from allocation.apportion import Bounds
from allocation.models import LockedError, Proposal, ProposalAmount, ProposalApproval
from allocation.selectors import approval_state, approved_amounts, proposal_grid
from allocation.services.approval import proposal_approve, proposal_review, proposal_submit
from allocation.services.frames import frames_save
from allocation.services.proposals import proposal_amounts_save, proposal_copy, proposal_create, proposal_fill
from applications.models import Application, BudgetFrame, Funder, Message
from clusterfund.models import AuditEvent
from tests.factories.allocation import approve_by_members, approved_proposal, make_proposal, selected_call
from tests.factories.clusterfund import UserFactory


@pytest.fixture
def call(db):
    # three organisations with UFM grants 10m, 20m and 30m per year; the board's frame is 80m per year
    return selected_call(organisations=3)


@pytest.fixture
def apps(call):
    return list(Application.objects.filter(call=call).order_by("pk"))


def amounts_of(proposal) -> dict[tuple[int, int], int]:
    return {(a.application_id, a.year): a.amount for a in ProposalAmount.objects.filter(proposal=proposal)}


def year_sums(proposal) -> dict[int, int]:
    sums = {}
    for (_pk, year), amount in amounts_of(proposal).items():
        sums[year] = sums.get(year, 0) + amount
    return sums


# --- helpers ------------------------------------------------------------------------------------------


def test_proportional_to_ufm_grant_sums_to_each_frame(call, apps, secretariat):
    proposal = make_proposal(call, method="ufm_grant", unit=1_000, by=secretariat)
    assert proposal.number == 1 and proposal.revision == 1
    assert year_sums(proposal) == dict.fromkeys(call.years, 80_000_000)
    amounts = amounts_of(proposal)
    # 10:20:30 of 80m in thousands: 13.333.000 / 26.667.000 / 40.000.000 (largest remainder)
    assert [amounts[(a.pk, 2021)] for a in apps] == [13_333_000, 26_667_000, 40_000_000]
    event = AuditEvent.objects.for_object(proposal).get(action="proposal.create")
    assert event.after["method"] == "ufm_grant" and event.after["total"] == 4 * 80_000_000


def test_equal_split_and_joint_score(call, apps, secretariat):
    equal = make_proposal(call, method="equal", unit=100_000, by=secretariat)
    assert sorted(amounts_of(equal)[(a.pk, 2021)] for a in apps) == [26_600_000, 26_700_000, 26_700_000]
    scored = make_proposal(call, method="joint_score", unit=1, by=secretariat)
    assert scored.number == 2
    assert year_sums(scored) == dict.fromkeys(call.years, 80_000_000)
    # every selected organisation here has the same consensus scores: the split is equal to the krone
    assert sorted(amounts_of(scored)[(a.pk, 2022)] for a in apps) == [26_666_666, 26_666_667, 26_666_667]


def test_bounds_are_honoured_and_recorded(call, apps, secretariat):
    bounds = {apps[2].pk: Bounds(maximum=30_000_000), apps[0].pk: Bounds(minimum=20_000_000)}
    proposal = proposal_create(call=call, title="Loft", method="ufm_grant", unit=1_000, bounds=bounds, by=secretariat)
    amounts = amounts_of(proposal)
    assert [amounts[(a.pk, 2023)] for a in apps] == [20_000_000, 30_000_000, 30_000_000]
    assert proposal.bounds == {str(apps[0].pk): [20_000_000, None], str(apps[2].pk): [None, 30_000_000]}


@pytest.mark.parametrize(
    ("bounds", "unit", "message"),
    [
        ("min_above_max", 1_000, "is above its maximum"),
        ("minimums", 1_000, "The minimums add up to"),
        ("maximums", 1_000, "The maximums add up to"),
    ],
)
def test_impossible_helpers_explain_and_save_nothing(call, apps, secretariat, bounds, unit, message):
    b = {
        "min_above_max": {apps[0].pk: Bounds(5_000_000, 4_000_000)},
        "minimums": {a.pk: Bounds(minimum=30_000_000) for a in apps},
        "maximums": {a.pk: Bounds(maximum=20_000_000) for a in apps},
    }[bounds]
    with pytest.raises(ValidationError) as caught:
        proposal_create(call=call, title="X", method="equal", unit=unit, bounds=b, by=secretariat)
    assert any(message in m for m in caught.value.messages)
    assert all(m[:4].isdigit() for m in caught.value.messages)  # each reason names its year
    assert not Proposal.objects.exists() and not ProposalAmount.objects.exists()


def test_a_unit_that_does_not_divide_the_frame_is_explained(call, secretariat):
    frames_save(call=call, values=[{"year": 2022, "funder": Funder.BOARD, "amount": 80_000_500}], by=secretariat)
    with pytest.raises(ValidationError) as caught:
        make_proposal(call, method="equal", unit=1_000, by=secretariat)
    assert caught.value.messages == ["2022: The frame of DKK 80,000,500 cannot be split in whole units of DKK 1,000."]
    assert not Proposal.objects.exists()
    assert make_proposal(call, method="equal", unit=1, by=secretariat).number == 1  # 1 kr. always divides


def test_proportional_to_ufm_grant_needs_grants(db, secretariat):
    call = selected_call(organisations=2, grants=[0, 0])
    with pytest.raises(ValidationError, match="Every weight is zero"):
        make_proposal(call, method="ufm_grant", by=secretariat)


def test_nothing_to_allocate_without_selections(db, secretariat):
    from tests.factories.allocation import reviewed_call

    with pytest.raises(ValidationError, match="No organisation is selected"):
        make_proposal(reviewed_call(), by=secretariat)


def test_refill_replaces_the_amounts_and_bumps_the_revision(call, apps, secretariat):
    proposal = make_proposal(call, method="equal", by=secretariat)
    proposal = proposal_fill(proposal=proposal, method="ufm_grant", unit=1_000, expected_revision=1, by=secretariat)
    assert proposal.revision == 2 and proposal.method == "ufm_grant"
    assert amounts_of(proposal)[(apps[2].pk, 2024)] == 40_000_000
    with pytest.raises(ValidationError, match="colleague changed"):
        proposal_fill(proposal=proposal, method="equal", unit=1_000, expected_revision=1, by=secretariat)


# --- adjusting by hand ----------------------------------------------------------------------------------


def test_hand_adjustments_are_saved_audited_and_bump_the_revision(call, apps, secretariat):
    proposal = make_proposal(call, by=secretariat)
    changes = proposal_amounts_save(
        proposal=proposal,
        amounts={(apps[0].pk, 2021): 14_000_000, (apps[1].pk, 2021): 26_667_000},  # the second is unchanged
        expected_revision=1,
        by=secretariat,
    )
    assert changes == [(apps[0].pk, 2021, 13_333_000, 14_000_000)]
    proposal.refresh_from_db()
    assert proposal.revision == 2
    event = AuditEvent.objects.for_object(proposal).get(action="proposal.amounts_save")
    assert event.before["amounts"] == {f"{apps[0].pk}/2021": 13_333_000}
    assert event.after["amounts"] == {f"{apps[0].pk}/2021": 14_000_000}
    # a year over its frame may be saved while adjusting; the grid says by how much
    grid = proposal_grid(proposal=proposal)
    over = next(t for t in grid.totals if t.year == 2021)
    assert over.over and over.difference == -667_000
    assert grid.problems == [
        "2021 is over the frame: DKK 80,667,000 allocated of DKK 80,000,000 (DKK 667,000 too much)."
    ]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (-1, "cannot be negative"),
        ("abc", "whole number of kroner"),
        (Decimal("1000.50"), "whole number of kroner"),
        (1000.5, "whole number of kroner"),
        (10**11, "unrealistically large"),
        (None, "whole number of kroner"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_saved_half_way(call, apps, secretariat, bad, message):
    proposal = make_proposal(call, by=secretariat)
    before = amounts_of(proposal)
    with pytest.raises(ValidationError) as caught:
        proposal_amounts_save(
            proposal=proposal,
            amounts={(apps[0].pk, 2021): 1_000_000, (apps[1].pk, 2022): bad},
            expected_revision=1,
            by=secretariat,
        )
    assert any(message in m for m in caught.value.messages)
    assert amounts_of(proposal) == before
    proposal.refresh_from_db()
    assert proposal.revision == 1


def test_an_unknown_cell_is_refused(call, apps, secretariat):
    proposal = make_proposal(call, by=secretariat)
    with pytest.raises(ValidationError, match="no such organisation and year"):
        proposal_amounts_save(proposal=proposal, amounts={(apps[0].pk, 2030): 1}, expected_revision=1, by=secretariat)


def test_a_stale_grid_is_refused(call, apps, secretariat):
    proposal = make_proposal(call, by=secretariat)
    proposal_amounts_save(proposal=proposal, amounts={(apps[0].pk, 2021): 1}, expected_revision=1, by=secretariat)
    with pytest.raises(ValidationError, match="colleague changed"):
        proposal_amounts_save(proposal=proposal, amounts={(apps[0].pk, 2021): 2}, expected_revision=1, by=secretariat)
    assert amounts_of(proposal)[(apps[0].pk, 2021)] == 1


def test_the_database_refuses_negative_amounts(call, apps, secretariat):
    from django.db import IntegrityError

    proposal = make_proposal(call, by=secretariat)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalAmount.objects.filter(proposal=proposal).update(amount=-5)


@pytest.mark.parametrize("role", ["subcommittee_member", "subcommittee_chair", "ufm", "applicant"])
def test_only_the_secretariat_prepares_and_adjusts(call, apps, secretariat, make_user, role):
    proposal = make_proposal(call, by=secretariat)
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        make_proposal(call, by=user)
    with pytest.raises(PermissionDenied):
        proposal_amounts_save(proposal=proposal, amounts={(apps[0].pk, 2021): 1}, expected_revision=1, by=user)
    with pytest.raises(PermissionDenied):
        proposal_fill(proposal=proposal, method="equal", unit=1, by=user)
    with pytest.raises(PermissionDenied):
        proposal_submit(proposal=proposal, by=user)


# --- approval ---------------------------------------------------------------------------------------------


@pytest.fixture
def submitted(call, secretariat):
    return proposal_submit(proposal=make_proposal(call, by=secretariat), by=secretariat)


def test_members_approve_and_the_chair_locks(
    call, submitted, members, chair, mailoutbox, django_capture_on_commit_callbacks
):
    Application.objects.filter(call=call).first().organisation.members.add(UserFactory())
    for member in members:
        proposal_review(proposal=submitted, decision="approve", by=member)
    proposal_review(proposal=submitted, decision="comment", comment="Fint, men se 2024.", by=chair)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_approve(proposal=submitted, by=chair)
    assert proposal.status == "approved" and proposal.approved_by == chair and proposal.is_locked
    assert ProposalApproval.objects.filter(proposal=proposal, as_chair=True).count() == 1
    actions = list(AuditEvent.objects.for_object(proposal).values_list("action", flat=True))
    assert actions.count("proposal.review") == 3 and "proposal.lock" in actions
    lock = AuditEvent.objects.for_object(proposal).get(action="proposal.lock")
    assert lock.after["totals"] == {str(y): 80_000_000 for y in call.years}
    # each organisation is told its amounts: a message for all three, an e-mail where there are members
    assert Message.objects.filter(sent_by=chair).count() == 3
    assert len(mailoutbox) == 1 and "2021" in mailoutbox[0].body
    application = Application.objects.filter(call=call).order_by("pk").first()
    assert approved_amounts(application=application) == dict.fromkeys(call.years, 13_333_000)


def test_the_chair_waits_for_every_member(submitted, members, chair):
    proposal_review(proposal=submitted, decision="approve", by=members[0])
    with pytest.raises(ValidationError) as caught:
        proposal_approve(proposal=submitted, by=chair)
    assert caught.value.messages == [f"Not every member has approved this version yet: {members[1].get_full_name()}."]
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_comment_after_an_approval_withdraws_it(submitted, members):
    proposal_review(proposal=submitted, decision="approve", by=members[0])
    proposal_review(proposal=submitted, decision="comment", comment="Vent lidt", by=members[0])
    assert members[0] in approval_state(proposal=submitted).missing


def test_a_changed_amount_needs_fresh_approvals(call, apps, submitted, members, chair, secretariat):
    approve_by_members(submitted)
    proposal_amounts_save(
        proposal=submitted,
        amounts={(apps[0].pk, 2021): 13_332_000, (apps[1].pk, 2021): 26_668_000},
        expected_revision=1,
        by=secretariat,
    )
    submitted.refresh_from_db()
    assert set(approval_state(proposal=submitted).missing) == set(members)
    with pytest.raises(ValidationError, match="Not every member"):
        proposal_approve(proposal=submitted, by=chair)


def test_approval_over_the_frame_is_refused(call, apps, submitted, members, chair, secretariat):
    approve_by_members(submitted)
    frames_save(call=call, values=[{"year": 2023, "funder": Funder.BOARD, "amount": 79_000_000}], by=secretariat)
    with pytest.raises(ValidationError) as caught:
        proposal_approve(proposal=submitted, by=chair)
    assert "2023 is over the frame: DKK 80,000,000 allocated of DKK 79,000,000 (DKK 1,000,000 too much)." in (
        caught.value.messages
    )
    with pytest.raises(ValidationError, match="over the frame"):
        proposal_review(proposal=submitted, decision="approve", by=members[0])
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.approved_at is None


def test_an_over_frame_draft_cannot_be_submitted(call, apps, secretariat):
    proposal = make_proposal(call, by=secretariat)
    proposal_amounts_save(
        proposal=proposal, amounts={(apps[0].pk, 2024): 20_000_000}, expected_revision=1, by=secretariat
    )
    with pytest.raises(ValidationError, match="2024 is over the frame"):
        proposal_submit(proposal=proposal, by=secretariat)
    proposal.refresh_from_db()
    assert proposal.status == "draft"


def test_an_organisation_selected_later_needs_a_new_version(call, submitted, chair, ufm):
    from tests.factories.allocation import reviewed_call, select

    approve_by_members(submitted)
    reviewed_call(call=call, areas=4, per_area=1)  # adds a fourth area with an eligible application
    newcomer = Application.objects.filter(call=call, selection__isnull=True).first()
    select(newcomer, by=ufm)
    with pytest.raises(ValidationError, match="was selected after this proposal was made"):
        proposal_approve(proposal=submitted, by=chair)


@pytest.mark.parametrize("role", ["subcommittee_member", "secretariat", "ufm", "administrator"])
def test_only_the_chair_locks(submitted, make_user, role):
    approve_by_members(submitted)
    with pytest.raises(PermissionDenied):
        proposal_approve(proposal=submitted, by=make_user(role))


@pytest.mark.parametrize("role", ["secretariat", "ufm", "applicant"])
def test_only_the_sub_committee_approves_or_comments(submitted, make_user, role):
    with pytest.raises(PermissionDenied):
        proposal_review(proposal=submitted, decision="approve", by=make_user(role))


def test_a_draft_cannot_be_approved(call, secretariat, members):
    draft = make_proposal(call, by=secretariat)
    with pytest.raises(PermissionDenied):  # review_proposal needs a submitted proposal
        proposal_review(proposal=draft, decision="approve", by=members[0])


def test_a_comment_needs_text(submitted, members):
    with pytest.raises(ValidationError) as caught:
        proposal_review(proposal=submitted, decision="comment", comment="  ", by=members[0])
    assert "comment" in caught.value.message_dict


# --- the lock -------------------------------------------------------------------------------------------


@pytest.fixture
def locked(call):
    return approved_proposal(call)


def test_no_service_can_change_a_locked_proposal(call, apps, locked, make_user):
    secretariat = make_user("secretariat")
    with pytest.raises((ValidationError, PermissionDenied)):
        proposal_amounts_save(proposal=locked, amounts={(apps[0].pk, 2021): 1}, expected_revision=None, by=secretariat)
    with pytest.raises((ValidationError, PermissionDenied)):
        proposal_fill(proposal=locked, method="equal", unit=1, by=secretariat)
    with pytest.raises((ValidationError, PermissionDenied)):
        proposal_submit(proposal=locked, by=secretariat)
    with pytest.raises((ValidationError, PermissionDenied)):
        proposal_review(proposal=locked, decision="approve", by=make_user("subcommittee_member"))
    with pytest.raises((ValidationError, PermissionDenied)):
        proposal_approve(proposal=locked, by=make_user("subcommittee_chair"))
    assert set(year_sums(locked).values()) == {80_000_000}
    assert Proposal.objects.get(pk=locked.pk).revision == locked.revision


def test_the_services_refuse_a_locked_proposal_with_a_reason(locked, apps):
    from allocation.services.locks import refuse_locked

    with pytest.raises(ValidationError, match="approved and locked"):
        refuse_locked(Proposal.objects.get(pk=locked.pk))


def test_the_rows_refuse_to_change_whatever_the_path(apps, locked):
    proposal = Proposal.objects.get(pk=locked.pk)
    proposal.title = "Ændret"
    with pytest.raises(LockedError):
        proposal.save()
    with pytest.raises(LockedError):
        proposal.delete()
    amount = ProposalAmount.objects.filter(proposal=locked).first()
    amount.amount += 1
    with pytest.raises(LockedError):
        amount.save()
    with pytest.raises(LockedError):
        amount.delete()
    with pytest.raises(LockedError):
        ProposalApproval.objects.filter(proposal=locked).first().delete()
    assert set(year_sums(locked).values()) == {80_000_000}


def test_a_new_version_copies_the_amounts_as_a_draft(call, locked, secretariat):
    copy = proposal_copy(proposal=locked, by=secretariat)
    assert (copy.number, copy.status, copy.based_on) == (2, "draft", locked)
    assert amounts_of(copy).values() and sorted(amounts_of(copy).values()) == sorted(amounts_of(locked).values())
    assert AuditEvent.objects.for_object(copy).filter(action="proposal.copy").exists()


def test_frame_years_drive_the_columns(call, secretariat):
    BudgetFrame.objects.filter(call=call, year=2024, funder=Funder.BOARD).delete()
    proposal = make_proposal(call, by=secretariat)
    assert sorted(year_sums(proposal)) == [2021, 2022, 2023]
