"""Figures that add up: the computed totals and cumulative figures equal an independent sum over random
plans, reports and participant registers, with participants counted once per CVR number."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.models import ActorKind, Indicator, Participant, Report, ReportDue, ReportIndicatorActual
from governance.selectors.overview import overview_for
from governance.selectors.reports import grants_figures
from tests.factories.governance import IndicatorFactory, plan_with_activity, simple_grant
from tests.factories.governance_reports import fictional_cvr

pytestmark = pytest.mark.django_db

CVRS = [fictional_cvr(i) for i in range(8)]  # a small pool, so the same company turns up again and again
STATUSES = [s.value for s in Report.Status]
KINDS = [k.value for k in ActorKind]
SIZES = [s.value for s in Participant.SizeClass]

person = st.tuples(st.sampled_from(CVRS), st.sampled_from(KINDS), st.sampled_from(SIZES))
report = st.fixed_dictionaries(
    {
        "status": st.sampled_from(STATUSES),
        "people": st.lists(person, max_size=6, unique_by=lambda p: p[0]),  # the register holds a CVR once
        "cofinancing": st.none() | st.integers(min_value=0, max_value=5_000_000),
    }
)
# per grant: a report (or none) for each of its report dates
world = st.lists(st.lists(st.none() | report, min_size=6, max_size=6), min_size=2, max_size=3)


@pytest.fixture
def grants(grant):
    call = grant.call
    IndicatorFactory(call=call, code="smv", aggregation="register", counts="smes")
    IndicatorFactory(call=call, code="alle-virksomheder", aggregation="register", counts="companies")
    IndicatorFactory(call=call, code="viden", aggregation="register", counts="knowledge_institutions")
    IndicatorFactory(call=call, code="alle", aggregation="register", counts="all")
    result = [grant, simple_grant(call=call), simple_grant(call=call)]
    for g in result:
        plan_with_activity(g, year=2021)
    return result


def counted_by(counts: str, kind: str, size: str) -> bool:
    # written out again, on purpose not shared with the selector
    return {
        "all": True,
        "companies": kind == "company",
        "smes": kind == "company" and size in ("micro", "small", "medium"),
        "knowledge_institutions": kind == "knowledge_institution",
    }[counts]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=world)
def test_totals_equal_an_independent_sum(grants, data):
    indicators = list(Indicator.objects.filter(call=grants[0].call))
    cofinancing = next(i for i in indicators if i.code == "medfinansiering")
    with transaction.atomic():
        expected_sum: dict = {}
        cvrs: dict = {}
        used = grants[: len(data)]
        for g, reports in zip(used, data, strict=False):
            dues = list(ReportDue.objects.filter(grant=g).order_by("due_on", "kind"))
            for due, spec in zip(dues, reports, strict=False):
                if spec is None:
                    continue
                submitted = None if spec["status"] == "draft" else due.deadline()
                r = Report.objects.create(
                    due=due,
                    status=spec["status"],
                    first_submitted_at=submitted,
                    submitted_at=submitted,
                    review_note="x",
                    locked_at=submitted,
                )
                for cvr, kind, size in spec["people"]:
                    Participant.objects.create(report=r, cvr=cvr, name=cvr, kind=kind, size_class=size)
                if spec["cofinancing"] is not None:
                    ReportIndicatorActual.objects.create(report=r, indicator=cofinancing, value=spec["cofinancing"])
                if spec["status"] not in ("accepted", "locked"):
                    continue
                year = due.period_end.year
                for key in [(g.pk, year), (g.pk, None), (None, year), (None, None)]:
                    expected_sum[key] = expected_sum.get(key, 0) + (spec["cofinancing"] or 0)
                    for indicator in indicators:
                        if indicator.is_counted:
                            chosen = {c for c, k, s in spec["people"] if counted_by(indicator.counts, k, s)}
                            cvrs.setdefault((key, indicator.pk), set()).update(chosen)
        figures = grants_figures(grant_ids=[g.pk for g in used], indicators=indicators)

        def got(key, indicator_id):
            grant_id, year = key
            if grant_id and year:
                bucket = figures.by_grant_year.get((grant_id, year), {})
            elif grant_id:
                bucket = figures.by_grant.get(grant_id, {})
            elif year:
                bucket = figures.by_year.get(year, {})
            else:
                bucket = figures.programme
            return bucket.get(indicator_id, 0)

        keys = [(g.pk, y) for g in used for y in (2021, 2022, 2023, 2024, None)] + [
            (None, y) for y in (2021, 2022, 2023, 2024, None)
        ]
        for key in keys:
            assert got(key, cofinancing.pk) == expected_sum.get(key, 0), key
            for indicator in indicators:
                if indicator.is_counted:
                    assert got(key, indicator.pk) == len(cvrs.get((key, indicator.pk), set())), (key, indicator.code)
        # the overview shows the same figures (cumulative row per organisation, the programme's total)
        overview = overview_for(
            call=used[0].call, user=None, grants=type(used[0]).objects.filter(pk__in=[g.pk for g in used])
        )
        programme = overview.totals[-1]
        assert programme.actuals.get(cofinancing.pk, 0) == expected_sum.get((None, None), 0)
        transaction.set_rollback(True)
