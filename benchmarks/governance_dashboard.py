"""Time the portfolio dashboard (and its CSV/XLSX exports) for 200 organisations × 4 years (goal: under 0.3 s
server time for the page).

Run from the repository root:

    DJANGO_SETTINGS_MODULE=clusterfund.settings.test .venv/bin/python benchmarks/governance_dashboard.py

It builds a throwaway SQLite database in a temporary directory (pass --use-database-url to measure against
DATABASE_URL instead, e.g. PostgreSQL) with bulk inserts: one call, three indicators, and per organisation a
grant (board and UFM per year), four action plans with two activities each, a period target per indicator,
four report dates with accepted reports (actuals and accounts per funder), and a gold label (a quarter of them
lapsed). Then it requests the page in-process through Django's test client as a secretariat reviewer: server
time (middleware, SQL, Python, templates, the SVG charts), without a network or a browser. Prints the median
and best wall-clock time of --repeat runs, the median CPU time, the query count and the size.
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from review_matrix import measure, setup  # noqa: E402


def build(organisations: int):
    """Fill the database; return (the call, a secretariat reviewer working on it)."""
    from django.utils import timezone

    from applications.models import Application, Organisation
    from governance.models import (
        ActionPlan,
        GoldLabel,
        Grant,
        GrantVersion,
        GrantYear,
        Indicator,
        IndicatorTarget,
        PlanActivity,
        Report,
        ReportAccountLine,
        ReportDue,
        ReportIndicatorActual,
    )
    from review.models import Assignment
    from tests.factories.applications import open_call_with_parts
    from tests.factories.clusterfund import UserFactory

    call = open_call_with_parts()
    area = call.areas.first()
    activity_type = call.activity_types.first()
    lead = UserFactory(roles=["secretariat"])
    creator = UserFactory(roles=["applicant"])
    indicators = [
        Indicator.objects.create(call=call, code=code, name=name, aggregation="sum", order=i)
        for i, (code, name) in enumerate([("virksomheder", "Virksomheder"), ("projekter", "Projekter"), ("kr", "Kr.")])
    ]
    regions = ["hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland"]
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Klynge {n:03d}", cvr=f"{90000000 + n}", legal_form="association", region=regions[n % 5])
            for n in range(organisations)
        ]
    )
    now = timezone.now()
    apps = Application.objects.bulk_create(
        [
            Application(
                call=call, organisation=o, business_area=area, created_by=creator, status="selected", submitted_at=now
            )
            for o in orgs
        ]
    )
    Assignment.objects.create(application=apps[0], reviewer=lead, side="secretariat", assigned_by=lead)
    grants = Grant.objects.bulk_create(
        [
            Grant(
                call=call,
                application=a,
                organisation=a.organisation,
                case_number=f"2020-{i:04d}",
                first_year=2021,
                last_year=2024,
                created_by=lead,
            )
            for i, a in enumerate(apps)
        ]
    )
    versions = GrantVersion.objects.bulk_create([GrantVersion(grant=g, number=1, created_by=lead) for g in grants])
    for grant, version in zip(grants, versions, strict=True):
        grant.current_version = version
    Grant.objects.bulk_update(grants, ["current_version"])
    years = [2021, 2022, 2023, 2024]
    GrantYear.objects.bulk_create(
        [
            GrantYear(
                version=v,
                year=y,
                funder=f,
                source="finance_act" if f == "board" else "ministry",
                source_year=2020 if f == "board" else None,
                amount=amount,
            )
            for v in versions
            for y in years
            for f, amount in (("board", 5_000_000), ("ufm", 2_000_000))
        ]
    )
    plans = ActionPlan.objects.bulk_create(
        [
            ActionPlan(grant=g, year=y, status="approved", submitted_at=now, approved_at=now)
            for g in grants
            for y in years
        ]
    )
    PlanActivity.objects.bulk_create(
        [
            PlanActivity(
                plan=p,
                activity_type=activity_type,
                title=f"Aktivitet {k}",
                description="",
                starts_on=dt.date(p.year, 2, 1),
                ends_on=dt.date(p.year, 11, 30),
                regions=["syddanmark"],
                budget_board=2_000_000,
                budget_ufm=500_000,
            )
            for p in plans
            for k in range(2)
        ]
    )
    IndicatorTarget.objects.bulk_create(
        [IndicatorTarget(grant=g, indicator=i, year=None, value=600) for g in grants for i in indicators]
    )
    dues = ReportDue.objects.bulk_create(
        [
            ReportDue(
                grant=g,
                kind="periodic",
                source="finance_act",
                due_on=dt.date(y + 1, 3, 31),
                period_start=dt.date(y, 1, 1),
                period_end=dt.date(y, 12, 31),
            )
            for g in grants
            for y in years
        ]
    )
    reports = Report.objects.bulk_create(
        [
            Report(due=d, status="accepted", first_submitted_at=now, submitted_at=now)
            for d in dues
            if d.due_on.year <= 2024
        ]
    )
    ReportIndicatorActual.objects.bulk_create(
        [ReportIndicatorActual(report=r, indicator=i, value=100 + r.pk % 50) for r in reports for i in indicators]
    )
    ReportAccountLine.objects.bulk_create(
        [
            ReportAccountLine(report=r, funder=f, line="Løn", budget=3_000_000, actual=2_500_000 + r.pk % 7 * 10_000)
            for r in reports
            for f in ("board", "ufm")
        ]
    )
    GoldLabel.objects.bulk_create(
        [
            GoldLabel(
                organisation=o,
                level="gold",
                audited_on=dt.date(2021 if n % 4 else 2019, 6, 1),
                valid_until=dt.date(2023 if n % 4 else 2021, 5, 31),
                registered_by=lead,
            )
            for n, o in enumerate(orgs)
        ]
    )
    return call, lead


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--organisations", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--use-database-url", action="store_true", help="use DATABASE_URL instead of a temp SQLite")
    args = parser.parse_args()
    setup(args.use_database_url)

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    started = time.perf_counter()
    call, lead = build(args.organisations)
    built = time.perf_counter() - started
    client = Client()
    client.force_login(lead)
    print(f"database: {connection.vendor}; {args.organisations} organisations x 4 years; {args.repeat} runs each")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"{'page':<26} {'median s':>9} {'best s':>8} {'CPU s':>7} {'queries':>7} {'KiB':>7}")
    pages = {
        "dashboard": reverse("governance:dashboard", args=[call.slug]),
        "dashboard ?year=2022": reverse("governance:dashboard", args=[call.slug]) + "?year=2022",
        "export organisations csv": reverse("governance:dashboard_export", args=[call.slug, "organisations", "csv"]),
        "export budget xlsx": reverse("governance:dashboard_export", args=[call.slug, "budget", "xlsx"]),
    }
    for name, url in pages.items():
        result = measure(client, url, args.repeat)
        print(
            f"{name:<26} {result['median']:>9.3f} {result['best']:>8.3f} {result['cpu']:>7.3f} "
            f"{result['queries']:>7} {result['bytes'] / 1024:>7.0f}"
        )
    print(f"(data built in {built:.1f} s)")


if __name__ == "__main__":
    main()
