"""Builders for the governance tests: grants with versions and years, indicators, plans with activities."""

import datetime as dt

import factory

from applications.models import Funder
from governance.models import (
    ActionPlan,
    ActorKind,
    FundingSource,
    Grant,
    GrantVersion,
    GrantYear,
    Indicator,
    PlanActivity,
    PlanActor,
)
from tests.factories.applications import ApplicationFactory, open_call_with_parts
from tests.factories.clusterfund import UserFactory


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    call = factory.SubFactory("tests.factories.applications.CallFactory")
    code = factory.Sequence(lambda n: f"indikator-{n}")
    name = factory.Sequence(lambda n: f"Indikator {n}")
    aggregation = Indicator.Aggregation.SUM


def grant_for(application, *, board: int = 20_000_000, ufm: int = 10_000_000, by=None) -> Grant:
    """Return a grant (version 1) for the application directly in the database: `board` and `ufm` kroner
    a year; the first two years on the finance act, the rest undecided and conditional."""
    call = application.call
    by = by or UserFactory(roles=["secretariat"])
    grant = Grant.objects.create(
        call=call,
        application=application,
        organisation=application.organisation,
        case_number=f"2020-{application.pk:04d}",
        first_year=call.period_start,
        last_year=call.period_end,
        created_by=by,
    )
    version = GrantVersion.objects.create(grant=grant, number=1, conditions="Standardvilkår.", created_by=by)
    for index, year in enumerate(call.years):
        decided = index < 2
        GrantYear.objects.create(
            version=version,
            year=year,
            funder=Funder.BOARD,
            source=FundingSource.FINANCE_ACT if decided else FundingSource.UNDECIDED,
            source_year=call.period_start - 1 if decided else None,
            amount=board,
            is_conditional=not decided,
        )
        GrantYear.objects.create(
            version=version, year=year, funder=Funder.UFM, source=FundingSource.MINISTRY, amount=ufm
        )
    grant.current_version = version
    grant.save()
    return grant


def simple_grant(*, call=None, member=None, **kwargs) -> Grant:
    """Return a grant to a new organisation under `call` (default: a new open call with parts)."""
    call = call or open_call_with_parts()
    application = ApplicationFactory(call=call, business_area=call.areas.first())
    if member is not None:
        application.organisation.members.add(member)
    return grant_for(application, **kwargs)


def plan_with_activity(grant: Grant, *, year: int | None = None, board: int = 1_000_000, ufm: int = 0) -> ActionPlan:
    """Return a draft plan with one activity involving a company and a knowledge institution."""
    year = year or grant.first_year
    plan = ActionPlan.objects.create(grant=grant, year=year)
    activity = PlanActivity.objects.create(
        plan=plan,
        activity_type=grant.call.activity_types.first(),
        title="Innovationsforløb",
        description="Forløb for SMV'er.",
        starts_on=dt.date(year, 2, 1),
        ends_on=dt.date(year, 11, 30),
        regions=["syddanmark"],
        budget_board=board,
        budget_ufm=ufm,
    )
    PlanActor.objects.create(activity=activity, cvr="", name="Virksomhed A/S", kind=ActorKind.COMPANY)
    PlanActor.objects.create(activity=activity, cvr="", name="Universitet", kind=ActorKind.KNOWLEDGE_INSTITUTION)
    return plan


def reviewers_for(grant: Grant, *, secretariat=None, ufm=None):
    """Assign a secretariat and a UFM reviewer (new ones unless given) to the grant's application, without
    conflict, so they work on its call; return (secretariat, ufm)."""
    from review.models import Side
    from tests.factories.review import AssignmentFactory

    secretariat = secretariat or UserFactory(roles=["secretariat"])
    ufm = ufm or UserFactory(roles=["ufm"])
    AssignmentFactory(application=grant.application, reviewer=secretariat, side=Side.SECRETARIAT)
    AssignmentFactory(application=grant.application, reviewer=ufm, side=Side.UFM)
    return secretariat, ufm


def ready_plan(grant: Grant, *, year: int | None = None, board: int = 1_000_000, ufm: int = 0) -> ActionPlan:
    """Return a draft plan that can be submitted: one activity that meets both rules and a figure per indicator."""
    from governance.models import PlanIndicatorFigure

    plan = plan_with_activity(grant, year=year, board=board, ufm=ufm)
    for indicator in Indicator.objects.filter(call=grant.call):
        PlanIndicatorFigure.objects.create(plan=plan, indicator=indicator, value=10)
    return plan
