"""Demo data for the grant period: the demo call's governance settings and indicators (the programme's usual
ones), grants for the selected organisations from the approved allocation and the UFM grants (accepted), the
2023–24 source decision (ERDF plus national funds, as the board decided in 2022), targets, and the 2021 action
plans: most approved by both sides, one sent back with changes requested.

Runs after allocation.demo (seed_demo follows INSTALLED_APPS) and goes through the services, so statuses,
versions, audit events and messages are real. Idempotent: what exists is kept.

`SEEDERS` is a list: the reports half appends its own seeding functions (each `fn(stdout=None) -> None`).
"""

import datetime as dt

from django.contrib.auth import get_user_model

from applications.demo import CALL_SLUG
from applications.models import Call, Funder

from .demo_people import SECRETARIAT, _contact, _say
from .demo_reports import seed_reports
from .models import ActionPlan, ActorKind, FundingSource, GovernanceSettings, Grant, GrantYear, Indicator
from .services.common import without_email
from .services.grants import grant_accept, grant_source_decide, grant_targets_save, grants_create_for_call
from .services.plans import (
    plan_activity_save,
    plan_aims_save,
    plan_approve,
    plan_figures_save,
    plan_request_changes,
    plan_start,
    plan_submit,
)

UFM = "ufm@klyngeportalen.example"
APPLICANT = "ansoeger@klyngeportalen.example"

# code, name, name (English), unit, aggregation, counts, definition
INDICATORS = [
    (
        "companies",
        "Deltagende virksomheder",
        "Participating companies",
        "count",
        "register",
        "companies",
        "Virksomheder, der har deltaget i mindst én aktivitet; hvert CVR-nummer tælles én gang.",
    ),
    (
        "smes",
        "Heraf SMV'er",
        "Of which SMEs",
        "count",
        "register",
        "smes",
        "Deltagende virksomheder med under 250 ansatte.",
    ),
    (
        "knowledge_institutions",
        "Deltagende videninstitutioner",
        "Participating knowledge institutions",
        "count",
        "register",
        "knowledge_institutions",
        "Universiteter, GTS-institutter, erhvervsakademier og professionshøjskoler.",
    ),
    (
        "innovation_projects",
        "Innovationsprojekter",
        "Innovation projects",
        "count",
        "sum",
        "",
        "Igangsatte samarbejdsprojekter om innovation mellem virksomheder og videninstitutioner.",
    ),
    (
        "new_products",
        "Virksomheder med nye produkter, services eller processer",
        "Companies with new products, services or processes",
        "count",
        "sum",
        "",
        "Virksomheder, der har udviklet nye produkter, services eller processer gennem aktiviteterne.",
    ),
    (
        "international",
        "Internationale deltagere",
        "International participants",
        "count",
        "sum",
        "",
        "Udenlandske virksomheder og videninstitutioner, der har deltaget i aktiviteterne.",
    ),
    (
        "cofinancing",
        "Privat medfinansiering",
        "Private co-financing",
        "kroner",
        "sum",
        "",
        "Virksomhedernes egen finansiering af aktiviteterne (kontant og timer).",
    ),
]

# per-grant targets for the whole period (scaled by the grant's size below)
TARGETS = {
    "companies": 600,
    "smes": 450,
    "knowledge_institutions": 12,
    "innovation_projects": 40,
    "new_products": 80,
    "international": 60,
    "cofinancing": 8_000_000,
}

# The board decided in 2022: 2023–24 financed with 160m, of which 100m from the ERDF and 60m national.
ERDF_SHARE = (100, 160)
DECISION_REASON = (
    "Erhvervsfremmebestyrelsen besluttede i 2022 at finansiere 2023–2024 med i alt 160 mio. kr., heraf 100 mio. kr. "
    "fra EU's Regionalfond og 60 mio. kr. fra finansloven."
)

ACTIVITIES = [
    ("innovation", "Innovationsforløb for SMV'er", "Forløb hvor SMV'er udvikler nye løsninger med forskere.", 0.5, 0.6),
    ("knowledge_dissemination", "Temadage og konferencer", "Videnspredning om nye teknologier.", 0.3, 0.4),
    ("internationalisation", "Internationale matchmaking-ture", "Ture til messer og partnerklynger i EU.", 0.2, 0.0),
]

REGIONS = ["hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland"]


def _settings_and_indicators(call: Call) -> None:
    GovernanceSettings.objects.get_or_create(
        call=call, defaults={"erdf_statement_dates": ["02-28", "08-31"], "final_report_months": 3}
    )
    for order, (code, name, name_en, unit, aggregation, counts, definition) in enumerate(INDICATORS, start=1):
        Indicator.objects.update_or_create(
            call=call,
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "unit": unit,
                "aggregation": aggregation,
                "counts": counts,
                "definition": definition,
                "order": order,
            },
        )


def _decide_2023_24(grant: Grant, secretariat) -> bool:
    decided = False
    for year in (2023, 2024):
        if year not in grant.years:
            continue
        rows = GrantYear.objects.filter(version_id=grant.current_version_id, year=year, funder=Funder.BOARD)
        if not rows.filter(source=FundingSource.UNDECIDED).exists():
            continue
        amount = sum(row.amount for row in rows)
        erdf = amount * ERDF_SHARE[0] // ERDF_SHARE[1]
        grant_source_decide(
            grant=grant,
            year=year,
            lines=[
                {"source": FundingSource.ERDF, "amount": erdf},
                {"source": FundingSource.FINANCE_ACT, "source_year": year - 1, "amount": amount - erdf},
            ],
            reason=DECISION_REASON,
            by=secretariat,
        )
        grant.refresh_from_db()
        decided = True
    return decided


def _plan_2021(grant: Grant, member, index: int):
    """File and submit the 2021 plan within the year's grant; return it (None if there is no 2021)."""
    if 2021 not in grant.years:
        return None
    plan = plan_start(grant=grant, year=2021, by=member)
    if plan.status != ActionPlan.Status.DRAFT:
        return plan
    ceiling = {f: 0 for f in Funder.values}
    for funder, amount in GrantYear.objects.filter(version_id=grant.current_version_id, year=2021).values_list(
        "funder", "amount"
    ):
        ceiling[funder] += amount
    types = {t.code: t for t in grant.call.activity_types.all()}
    if not plan.activities.exists():
        plan = plan_aims_save(
            plan=plan,
            summary=f"{grant.organisation.name} vil i 2021 samle virksomheder og videninstitutioner om nye løsninger.",
            expected_revision=plan.revision,
            by=member,
        )
        for number, (code, title, description, board_share, ufm_share) in enumerate(ACTIVITIES):
            activity_type = types.get(code) or next(iter(types.values()))
            plan_activity_save(
                plan=plan,
                fields={
                    "activity_type": activity_type,
                    "title": title,
                    "description": description,
                    "starts_on": dt.date(2021, 2 + number * 3, 1),
                    "ends_on": dt.date(2021, 4 + number * 3, 28),
                    "regions": [REGIONS[(index + number) % len(REGIONS)]],
                    # whole thousands, a little under the grant so the plan fits its ceiling per funder
                    "budget_board": int(ceiling[Funder.BOARD] * board_share * 0.95) // 1000 * 1000,
                    "budget_ufm": int(ceiling[Funder.UFM] * ufm_share * 0.95) // 1000 * 1000,
                },
                actors=[
                    {"name": f"Virksomhed {index}-{number} ApS", "kind": ActorKind.COMPANY, "cvr": ""},
                    {"name": "Aarhus Universitet", "kind": ActorKind.KNOWLEDGE_INSTITUTION, "cvr": ""},
                    {"name": f"Partner {index}-{number} A/S", "kind": ActorKind.COMPANY, "cvr": ""},
                ],
                expected_revision=plan.revision,
                by=member,
            )
            plan.refresh_from_db()
        indicators = Indicator.objects.filter(call=grant.call)
        plan = plan_figures_save(
            plan=plan,
            values={i.pk: max(TARGETS.get(i.code, 10) // 4, 1) for i in indicators},
            expected_revision=plan.revision,
            by=member,
        )
    plan_submit(plan=plan, by=member)
    plan.refresh_from_db()
    return plan


def seed_grants_and_plans(*, stdout=None) -> None:
    """Carry the demo call into its grant period (idempotent)."""
    call = Call.objects.filter(slug=CALL_SLUG).first()
    if call is None:
        _say(stdout, "Governance: no demo call; skipped.")
        return
    users = get_user_model().objects.in_bulk([SECRETARIAT, UFM], field_name="email")
    if len(users) != 2:
        _say(stdout, "Governance: the demo users are missing; skipped.")
        return
    secretariat, ufm = users[SECRETARIAT], users[UFM]
    _settings_and_indicators(call)
    from allocation.selectors import approved_proposal

    if approved_proposal(call=call) is None:
        _say(stdout, "Governance: the demo call has no approved allocation (allocation.demo); skipped.")
        return
    created = grants_create_for_call(call=call, by=secretariat)
    grants = list(Grant.objects.filter(call=call).select_related("organisation", "call").order_by("pk"))
    indicators = {i.code: i for i in Indicator.objects.filter(call=call)}
    decided = approved = sent_back = 0
    for index, grant in enumerate(grants):
        member = _contact(grant, index)
        if _decide_2023_24(grant, secretariat):
            decided += 1
        grant_accept(grant=grant, by=member)
        if not grant.targets.exists():
            grant_targets_save(
                grant=grant, values={indicators[code].pk: value for code, value in TARGETS.items()}, by=secretariat
            )
        plan = _plan_2021(grant, member, index)
        if plan is None or not plan.is_under_review:
            continue
        if index == len(grants) - 1:
            plan_approve(plan=plan, by=ufm, expected_revision=plan.revision)
            plan_request_changes(
                plan=plan,
                notes=[
                    {
                        "section": "budget",
                        "text": "Internationaliseringen er alene finansieret af bestyrelsen; beskriv UFM's andel.",
                    },
                    {"section": "indicators", "text": "Det planlagte antal SMV'er virker lavt i forhold til målet."},
                ],
                by=secretariat,
            )
            sent_back += 1
        else:
            plan_approve(plan=plan, by=secretariat, expected_revision=plan.revision)
            plan_approve(plan=plan, by=ufm, expected_revision=plan.revision)
            approved += 1
    _say(
        stdout,
        f"Governance: {len(grants)} grants ({len(created)} new), 2023–24 source decided for {decided}, "
        f"2021 plans: {approved} approved, {sent_back} with changes requested.",
    )


SEEDERS = [seed_grants_and_plans, seed_reports]


def seed(*, stdout=None) -> None:
    """Run every governance seeder in order (grants and plans first, then the reports half's). The demo's
    organisations get their messages on the start page, but no e-mail goes to the fictional contacts."""
    with without_email():
        for seeder in SEEDERS:
            seeder(stdout=stdout)


# governance part 2: gold labels, plans to become gold and status meetings (governance/demo_watch.py)
from .demo_watch import seed_watch  # noqa: E402

SEEDERS.append(seed_watch)
