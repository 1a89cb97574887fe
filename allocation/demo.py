"""Demo data for the allocation: the minister's selections in the demo call (in each business area that has an
eligible application, the one with the highest joint score), UFM grants per year, and an approved allocation of
the board's funds (in proportion to the UFM grants, rounded to 1.000 kr.) whose years each sum to exactly the
board's frame of 80.000.000 kr. - approved by the two demo members and locked by the chair.

Runs after review.demo (seed_demo follows INSTALLED_APPS) and goes through the services, so statuses, audit
events and the applicants' messages are real. Idempotent: an existing decision or approved allocation is kept.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from applications.demo import CALL_SLUG
from applications.models import Application, BudgetFrame, Call, Funder

from .apportion import ApportionError, apportion_years
from .models import Proposal, Selection
from .selectors import approved_proposal, joint_results
from .services.approval import proposal_approve, proposal_review, proposal_submit
from .services.proposals import proposal_create
from .services.selection import selection_record

UFM = "ufm@klyngeportalen.example"
SECRETARIAT = "sekretariat@klyngeportalen.example"
MEMBERS = ("underudvalg@klyngeportalen.example", "underudvalg2@klyngeportalen.example")
CHAIR = "formand@klyngeportalen.example"

DECISION_DATE = dt.date(2020, 9, 2)
# What UFM grants in all per year (its frame is 80m; the rest is kept for later calls), split among the
# selected organisations in proportion to their joint points, in whole 100.000 kr.
UFM_POOL = {2021: 60_000_000, 2022: 62_000_000, 2023: 64_000_000, 2024: 66_000_000}
GRANT_UNIT = 100_000
BOARD_UNIT = 1_000
TITLE = "Fordeling efter UFM's bevillinger"


def _say(stdout, text: str) -> None:
    if stdout:
        stdout.write(text)


def _winners(call: Call, results) -> tuple[list[Application], list[Application]]:
    """Return the applications to select (per area the eligible one with the highest joint score) and those
    with an agreed joint assessment that are not selected."""
    applications = list(
        Application.objects.filter(pk__in=list(results)).select_related("organisation", "business_area")
    )
    best: dict[int, Application] = {}
    for application in applications:
        result = results[application.pk]
        if application.business_area_id is None or result.eligible is not True or result.mean is None:
            continue
        current = best.get(application.business_area_id)
        if current is None or (result.mean, -application.pk) > (results[current.pk].mean, -current.pk):
            best[application.business_area_id] = application
    chosen = {a.pk for a in best.values()}
    others = [a for a in applications if a.pk not in chosen and results[a.pk].agreed]
    return sorted(best.values(), key=lambda a: a.pk), sorted(others, key=lambda a: a.pk)


def _grants(call: Call, winners: list[Application], results) -> dict[int, dict[int, int]]:
    """Return application pk -> year -> UFM grant."""
    years = [y for y in call.years if y in UFM_POOL]
    weights = {year: {a.pk: results[a.pk].points or Decimal(1) for a in winners} for year in years}
    split = apportion_years({y: UFM_POOL[y] for y in years}, weights, unit=GRANT_UNIT)
    return {a.pk: {year: split[year][a.pk] for year in years} for a in winners}


def seed(*, stdout=None) -> None:
    """Record the demo selections and an approved allocation (idempotent); skip with a message if the review
    has not produced joint assessments."""
    call = Call.objects.filter(slug=CALL_SLUG).first()
    if call is None:
        _say(stdout, "Allocation: no demo call; skipped.")
        return
    if approved_proposal(call=call) is not None:
        _say(stdout, "Allocation: the demo call already has an approved allocation; kept as it is.")
        return
    users = get_user_model().objects.in_bulk([UFM, SECRETARIAT, *MEMBERS, CHAIR], field_name="email")
    if len(users) != 2 + len(MEMBERS) + 1:
        _say(stdout, "Allocation: the demo users are missing; skipped.")
        return
    results = joint_results(call=call)
    winners, others = _winners(call, results)
    if not winners:
        _say(stdout, "Allocation: no eligible application with a joint score yet (review.demo); skipped.")
        return
    try:
        grants = _grants(call, winners, results)
    except ApportionError as error:
        _say(stdout, f"Allocation: the UFM grants cannot be split ({'; '.join(error.messages)}); skipped.")
        return

    ufm = users[UFM]
    decided = set(Selection.objects.filter(application__call=call).values_list("application_id", flat=True))
    for number, application in enumerate(winners, start=1):
        if application.pk not in decided:
            selection_record(
                application=application,
                decision=Selection.Decision.SELECTED,
                decision_date=DECISION_DATE,
                case_number=f"2020-{4100 + number}",
                note="Udpeget efter den fælles vurdering.",
                grants=grants[application.pk],
                by=ufm,
            )
    for number, application in enumerate(others, start=1):
        if application.pk not in decided:
            selection_record(
                application=application,
                decision=Selection.Decision.NOT_SELECTED,
                decision_date=DECISION_DATE,
                case_number=f"2020-{4200 + number}",
                by=ufm,
            )

    frames = BudgetFrame.objects.filter(call=call, funder=Funder.BOARD)
    secretariat = users[SECRETARIAT]
    proposal = Proposal.objects.filter(call=call, title=TITLE).exclude(status=Proposal.Status.APPROVED).first()
    if proposal is None:
        proposal = proposal_create(
            call=call, title=TITLE, method=Proposal.Method.UFM_GRANT, unit=BOARD_UNIT, by=secretariat
        )
    if proposal.status == Proposal.Status.DRAFT:
        proposal = proposal_submit(proposal=proposal, by=secretariat)
    # every sub-committee member must approve before the chair: in the demo, the two demo members
    for email in MEMBERS:
        proposal_review(proposal=proposal, decision="approve", by=users[email])
    try:
        proposal = proposal_approve(proposal=proposal, by=users[CHAIR])
    except ValidationError as error:  # e.g. another sub-committee member exists who has not approved
        _say(
            stdout, f"Allocation: proposal {proposal.number} is submitted but not approved: {' '.join(error.messages)}"
        )
        return
    sums = sorted({sum(a.amount for a in proposal.amounts.filter(year=f.year)) for f in frames})
    _say(
        stdout,
        f"Allocation: {len(winners)} organisations selected, {len(others)} not selected; proposal "
        f"{proposal.number} approved, each year {'/'.join(f'{s:,}'.replace(',', '.') for s in sums)} kr.",
    )
