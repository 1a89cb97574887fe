"""Grants from the approved allocation, a later source decision as a new version, and acceptance."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from allocation.models import ProposalAmount, SelectionGrant
from applications.models import BudgetFrame, Funder, Message
from clusterfund.models import AuditEvent
from governance.models import FundingSource, Grant, GrantAcceptance, GrantYear, IndicatorTarget
from governance.services.grants import grant_accept, grant_source_decide, grant_targets_save, grants_create_for_call
from tests.factories.allocation import approved_proposal, secretariat_user, selected_call
from tests.factories.clusterfund import UserFactory
from tests.factories.governance import IndicatorFactory, reviewers_for
from tests.factories.review import AssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def allocated_call():
    """A call with two selected organisations, an approved allocation, finance-act frames for 2021–22 and
    undecided, conditional frames for 2023–24."""
    call = selected_call(organisations=2)
    for frame in BudgetFrame.objects.filter(call=call, funder=Funder.BOARD):
        if frame.year <= 2022:
            frame.source, frame.source_year, frame.is_conditional = BudgetFrame.Source.FINANCE_ACT, 2020, False
        else:
            frame.source, frame.is_conditional = BudgetFrame.Source.UNDECIDED, True
        frame.save()
    approved_proposal(call)
    return call


def staff_on(call):
    user = secretariat_user()
    AssignmentFactory(application=call.applications.first(), reviewer=user)
    return user


def test_grants_match_the_approved_allocation_and_ufm_grants(allocated_call, django_capture_on_commit_callbacks):
    by = staff_on(allocated_call)
    with django_capture_on_commit_callbacks(execute=True):
        grants = grants_create_for_call(call=allocated_call, by=by)
    assert len(grants) == 2
    for grant in grants:
        rows = GrantYear.objects.filter(version=grant.current_version)
        board = {r.year: r.amount for r in rows if r.funder == Funder.BOARD}
        ufm = {r.year: r.amount for r in rows if r.funder == Funder.UFM}
        expected_board = dict(
            ProposalAmount.objects.filter(application=grant.application, proposal__status="approved").values_list(
                "year", "amount"
            )
        )
        expected_ufm = dict(
            SelectionGrant.objects.filter(selection__application=grant.application).values_list("year", "amount")
        )
        assert board == expected_board and ufm == expected_ufm
        sources = {r.year: (r.source, r.is_conditional) for r in rows if r.funder == Funder.BOARD}
        assert sources[2021] == (FundingSource.FINANCE_ACT, False)
        assert sources[2024] == (FundingSource.UNDECIDED, True)
    assert (
        Message.objects.filter(organisation__grants__in=grants, subject__startswith="Jeres tilsagn er klar").count()
        == 2
    )
    assert AuditEvent.objects.filter(action="grant.create").count() == 2
    # a second click creates nothing new
    assert grants_create_for_call(call=allocated_call, by=by) == []
    assert Grant.objects.filter(call=allocated_call).count() == 2


def test_grants_need_an_approved_allocation():
    call = selected_call(organisations=1)
    with pytest.raises(ValidationError, match="no approved allocation"):
        grants_create_for_call(call=call, by=staff_on(call))


def test_only_the_secretariat_creates_grants(allocated_call):
    ufm = UserFactory(roles=["ufm"])
    AssignmentFactory(application=allocated_call.applications.first(), reviewer=ufm)
    with pytest.raises(PermissionDenied):
        grants_create_for_call(call=allocated_call, by=ufm)


def test_source_decision_makes_a_new_version_and_keeps_the_old(allocated_call, django_capture_on_commit_callbacks):
    by = staff_on(allocated_call)
    grant = grants_create_for_call(call=allocated_call, by=by)[0]
    old = grant.current_version
    amount_2023 = GrantYear.objects.get(version=old, year=2023, funder=Funder.BOARD).amount
    erdf = amount_2023 * 5 // 8
    member = UserFactory(roles=["applicant"])
    grant.organisation.members.add(member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        version = grant_source_decide(
            grant=grant,
            year=2023,
            lines=[
                {"source": FundingSource.ERDF, "amount": erdf},
                {"source": FundingSource.FINANCE_ACT, "source_year": 2022, "amount": amount_2023 - erdf},
            ],
            reason="Bestyrelsens beslutning af 2022.",
            by=by,
        )
    grant.refresh_from_db()
    assert grant.current_version == version and version.number == 2
    new_rows = {(r.source, r.is_conditional): r.amount for r in version.years.filter(year=2023, funder="board")}
    assert new_rows == {("erdf", False): erdf, ("finance_act", False): amount_2023 - erdf}
    # the old version still says what it said
    assert list(old.years.filter(year=2023, funder="board").values_list("source", "amount")) == [
        ("undecided", amount_2023)
    ]
    # the other years are carried over unchanged
    assert version.years.filter(year=2021).count() == old.years.filter(year=2021).count()
    assert len(mail.outbox) == 1 and member.email in mail.outbox[0].to
    event = AuditEvent.objects.get(action="grant.source_decide")
    assert event.before["version"] == 1 and event.after["version"] == 2


def test_source_decision_needs_a_reason_and_a_change(allocated_call):
    by = staff_on(allocated_call)
    grant = grants_create_for_call(call=allocated_call, by=by)[0]
    amount = GrantYear.objects.get(version=grant.current_version, year=2023, funder="board").amount
    with pytest.raises(ValidationError, match="Say why"):
        grant_source_decide(grant=grant, year=2023, lines=[{"source": "erdf", "amount": amount}], reason="", by=by)
    with pytest.raises(ValidationError, match="Nothing would change"):
        grant_source_decide(
            grant=grant,
            year=2023,
            lines=[{"source": "undecided", "amount": amount, "is_conditional": True}],
            reason="Ingen ændring",
            by=by,
        )
    with pytest.raises(ValidationError, match="cannot be negative"):
        grant_source_decide(grant=grant, year=2023, lines=[{"source": "erdf", "amount": -1}], reason="x", by=by)


def test_acceptance_is_recorded_once_and_audited(grant, member):
    first = grant_accept(grant=grant, by=member)
    again = grant_accept(grant=grant, by=member)
    assert first == again and GrantAcceptance.objects.count() == 1
    assert AuditEvent.objects.filter(action="grant.accept").count() == 1


def test_another_organisation_cannot_accept(grant):
    with pytest.raises(PermissionDenied):
        grant_accept(grant=grant, by=UserFactory(roles=["applicant"]))


def test_targets_per_grant(grant):
    secretariat, _ufm = reviewers_for(grant)
    indicator = grant.call.indicators.first()
    grant_targets_save(grant=grant, values={indicator.pk: 600}, by=secretariat)
    assert IndicatorTarget.objects.get(grant=grant, indicator=indicator).value == 600
    grant_targets_save(grant=grant, values={indicator.pk: None}, by=secretariat)
    assert not IndicatorTarget.objects.filter(grant=grant).exists()
    other = IndicatorFactory()
    with pytest.raises(ValidationError, match="not one of the call"):
        grant_targets_save(grant=grant, values={other.pk: 1}, by=secretariat)
