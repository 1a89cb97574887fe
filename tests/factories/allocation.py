"""Builders for the allocation's tests: a reviewed call, selections with UFM grants, proposals."""

import datetime as dt

from applications.models import Application, Call
from tests.factories.applications import BusinessAreaFactory, open_call_with_parts
from tests.factories.clusterfund import UserFactory
from tests.factories.review import SubmittedApplicationFactory, agree

# consensus scores per criterion (weights 30/30/20/20 on 1–5): weighted means 4.5, 3.5, 2.6, ...
SCORES = [[5, 4, 5, 4], [4, 3, 4, 3], [3, 2, 3, 2], [2, 2, 2, 2]]


def reviewed_call(*, areas: int = 2, per_area: int = 2, call: Call | None = None) -> Call:
    """Return an open call with `areas` business areas and `per_area` applications under review in each,
    every one with an agreed, eligible joint assessment (the first in each area scores highest)."""
    call = call or open_call_with_parts()
    existing = list(call.areas.all())
    for index in range(len(existing), areas):
        existing.append(BusinessAreaFactory(call=call, name=f"Område {index + 1}", order=index + 1))
    for area in existing[:areas]:
        for rank in range(per_area):
            application = SubmittedApplicationFactory(
                call=call, business_area=area, status=Application.Status.UNDER_REVIEW
            )
            application.organisation.name = f"{area.name} klynge {rank + 1}"
            application.organisation.save()
            agree(application, SCORES[rank % len(SCORES)])
    return call


def applications_by_area(call: Call) -> dict[str, list[Application]]:
    """Return area name -> the call's applications in it, best joint score first (the builder's order)."""
    result = {}
    for area in call.areas.all():
        result[area.name] = list(
            Application.objects.filter(call=call, business_area=area).select_related("organisation").order_by("pk")
        )
    return result


def ufm_user():
    return UserFactory(roles=["ufm"])


def select(application: Application, *, by=None, grants: dict[int, int] | None = None, **kwargs):
    """Record the application as selected through the service (grants default to 10m per year)."""
    from allocation.services.selection import selection_record

    by = by or ufm_user()
    if grants is None:
        grants = dict.fromkeys(application.call.years, 10_000_000)
    return selection_record(
        application=application,
        decision="selected",
        decision_date=kwargs.pop("decision_date", dt.date(2020, 9, 2)),
        case_number=kwargs.pop("case_number", f"2020-{application.pk:04d}"),
        grants=grants,
        by=by,
        **kwargs,
    )


def selected_call(*, organisations: int = 2, grants: list[int] | None = None) -> Call:
    """Return a reviewed call with one selected organisation in each of `organisations` areas; organisation i
    gets UFM grant grants[i] per year (default 10m, 20m, ...)."""
    call = reviewed_call(areas=organisations, per_area=1)
    by = ufm_user()
    grants = grants or [10_000_000 * (i + 1) for i in range(organisations)]
    for index, application in enumerate(Application.objects.filter(call=call).order_by("pk")):
        select(application, by=by, grants=dict.fromkeys(call.years, grants[index]))
    return call


def secretariat_user():
    return UserFactory(roles=["secretariat"])


def make_proposal(call: Call, *, method: str = "ufm_grant", unit: int = 1_000, by=None, title: str = "Forslag"):
    from allocation.services.proposals import proposal_create

    return proposal_create(call=call, title=title, method=method, unit=unit, by=by or secretariat_user())


def approve_by_members(proposal):
    """Have every sub-committee member approve the proposal's current revision (two new members if none)."""
    from allocation.selectors import subcommittee_members
    from allocation.services.approval import proposal_review

    people = subcommittee_members() or [UserFactory(roles=["subcommittee_member"]) for _ in range(2)]
    for member in people:
        proposal_review(proposal=proposal, decision="approve", by=member)
    return people


def approved_proposal(call: Call, *, chair=None, **kwargs):
    """Create, submit, have every member approve and the chair lock a proposal (by UFM grant); return it."""
    from allocation.services.approval import proposal_approve, proposal_submit

    secretariat = secretariat_user()
    proposal = make_proposal(call, by=secretariat, **kwargs)
    proposal = proposal_submit(proposal=proposal, by=secretariat)
    approve_by_members(proposal)
    return proposal_approve(proposal=proposal, by=chair or UserFactory(roles=["subcommittee_chair"]))
