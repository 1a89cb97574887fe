"""The invariants the database keeps for grants, indicators and plans."""

import pytest
from django.db import IntegrityError, transaction

from applications.models import Funder
from governance.models import ActionPlan, FundingSource, GrantYear, Indicator, PlanApproval
from tests.factories.governance import IndicatorFactory, plan_with_activity, simple_grant

pytestmark = pytest.mark.django_db


def test_one_plan_per_grant_and_year():
    grant = simple_grant()
    ActionPlan.objects.create(grant=grant, year=2022)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlan.objects.create(grant=grant, year=2022)


def test_undecided_year_must_be_conditional():
    grant = simple_grant()
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantYear.objects.create(
            version=grant.current_version,
            year=2024,
            funder=Funder.BOARD,
            source=FundingSource.ERDF,
            amount=1,
            is_conditional=False,
        )
        GrantYear.objects.filter(version=grant.current_version, year=2024, source="erdf").update(source="undecided")


def test_register_indicator_says_what_it_counts():
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(aggregation=Indicator.Aggregation.REGISTER, counts="")
    indicator = IndicatorFactory(aggregation=Indicator.Aggregation.REGISTER, counts=Indicator.Counts.SMES)
    assert indicator.is_counted


def test_one_live_approval_per_side(django_user_model):
    from django.utils import timezone

    from tests.factories.clusterfund import UserFactory

    plan = plan_with_activity(simple_grant())
    first, second = UserFactory(), UserFactory()
    now = timezone.now()
    PlanApproval.objects.create(plan=plan, side="secretariat", reviewer=first, revision=1, approved_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanApproval.objects.create(plan=plan, side="secretariat", reviewer=second, revision=1, approved_at=now)
    PlanApproval.objects.filter(plan=plan).update(withdrawn_at=now)
    PlanApproval.objects.create(plan=plan, side="secretariat", reviewer=second, revision=2, approved_at=now)
    assert plan.approvals.filter(withdrawn_at__isnull=True).count() == 1
