"""Property: whatever the activities' budgets, the plan is refused over the ceiling exactly for the funders
whose sum exceeds the year's grant, and the frozen snapshot's budget equals an independent sum."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.models import ActionPlan, ActorKind, PlanActivity, PlanActor
from governance.selectors.plans import grant_ceiling, plan_snapshot, plan_state

pytestmark = pytest.mark.django_db

budgets = st.lists(st.tuples(st.integers(0, 12_000_000), st.integers(0, 6_000_000)), min_size=1, max_size=5)


class Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=budgets)
def test_ceiling_per_funder_matches_an_independent_sum(grant, rows):
    try:
        with transaction.atomic():
            plan = ActionPlan.objects.create(grant=grant, year=2022)
            for number, (board, ufm) in enumerate(rows):
                activity = PlanActivity.objects.create(
                    plan=plan,
                    activity_type=grant.call.activity_types.first(),
                    title=f"Aktivitet {number}",
                    description="Beskrivelse.",
                    starts_on=dt.date(2022, 1, 1),
                    ends_on=dt.date(2022, 12, 31),
                    regions=["syddanmark"],
                    budget_board=board,
                    budget_ufm=ufm,
                )
                PlanActor.objects.create(activity=activity, name="A/S", kind=ActorKind.COMPANY)
                PlanActor.objects.create(activity=activity, name="Uni", kind=ActorKind.KNOWLEDGE_INSTITUTION)
            ceiling = grant_ceiling(plan=plan)
            board_sum, ufm_sum = sum(r[0] for r in rows), sum(r[1] for r in rows)
            over = [p for p in plan_state(plan=plan).problems if "more than the grant" in p]
            assert len(over) == (board_sum > ceiling["board"]) + (ufm_sum > ceiling["ufm"])
            assert plan_snapshot(plan=plan)["budget"] == {"board": board_sum, "ufm": ufm_sum}
            raise Rollback
    except Rollback:
        pass
