"""The demo carries the demo call into its grant period, matching the approved allocation, and is idempotent."""

import pytest
from django.core.management import call_command
from django.db.models import Sum

from allocation.models import ProposalAmount, SelectionGrant
from allocation.selectors import approved_proposal
from governance.models import ActionPlan, FundingSource, Grant, GrantYear, Indicator

pytestmark = pytest.mark.django_db


def test_demo_grants_plans_and_source_decision(demo):
    grants = list(Grant.objects.filter(call=demo).select_related("current_version"))
    proposal = approved_proposal(call=demo)
    assert len(grants) == ProposalAmount.objects.filter(proposal=proposal).values("application").distinct().count()
    assert len(grants) == 9
    for grant in grants:
        version1 = grant.versions.get(number=1)
        board = dict(
            GrantYear.objects.filter(version=version1, funder="board").values_list("year").annotate(s=Sum("amount"))
        )
        expected = dict(
            ProposalAmount.objects.filter(proposal=proposal, application=grant.application).values_list(
                "year", "amount"
            )
        )
        assert board == expected
        ufm = dict(GrantYear.objects.filter(version=version1, funder="ufm").values_list("year", "amount"))
        assert ufm == dict(
            SelectionGrant.objects.filter(selection__application=grant.application).values_list("year", "amount")
        )
        # 2023–24: ERDF plus national funds in the current version; the first version still says undecided
        current = grant.current_version
        assert current.number == 3
        sources = set(current.years.filter(year=2023, funder="board").values_list("source", flat=True))
        assert sources == {FundingSource.ERDF, FundingSource.FINANCE_ACT}
        assert set(version1.years.filter(year=2023, funder="board").values_list("source", flat=True)) == {
            FundingSource.UNDECIDED
        }
        assert hasattr(current, "acceptance")
    statuses = sorted(ActionPlan.objects.filter(grant__call=demo, year=2021).values_list("status", flat=True))
    assert statuses.count("approved") == 8 and statuses.count("changes_requested") == 1
    assert Indicator.objects.filter(call=demo).count() == 7
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Grant.objects.filter(call=demo).count() == 9
    assert ActionPlan.objects.filter(grant__call=demo).count() == 9


def test_the_demo_sends_no_email(demo, mailoutbox):
    from applications.models import Message

    assert mailoutbox == []  # the seeding ran in the fixture; its messages are on the start pages only
    assert Message.objects.filter(organisation__grants__call=demo, subject__startswith="Jeres tilsagn").exists()
