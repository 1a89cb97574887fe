"""Time the governance programme overview (and its CSV/XLSX exports) for 14 and 200 organisations × 4 years.

Run from the repository root:

    DJANGO_SETTINGS_MODULE=clusterfund.settings.test .venv/bin/python benchmarks/governance_overview.py

It builds a throwaway SQLite database in a temporary directory (pass --use-database-url to measure against
DATABASE_URL instead, e.g. PostgreSQL). Each organisation gets a grant for 2021–24 (its reporting calendar
generated), a plan per year, an accepted report for each year with --participants register rows (a share of
them companies that take part in every cluster, so the programme counts them once), an actual figure and two
account lines; the call has seven indicators (four counted from the register) with period targets. Each page
is requested in-process through Django's test client as a secretariat reviewer working on the call: the
figures are server time (middleware, SQL, Python, templates). Prints the median and best wall-clock time of
--repeat runs and the median CPU time of this process.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from review_matrix import measure, setup  # noqa: E402


def build(organisations: int, participants: int):
    """Return (call, reviewer) for a call with `organisations` grants and their accepted yearly reports."""
    from django.utils import timezone

    from governance.models import (
        ActionPlan,
        IndicatorTarget,
        Participant,
        Report,
        ReportAccountLine,
        ReportDue,
        ReportIndicatorActual,
    )
    from tests.factories.governance import IndicatorFactory, reviewers_for, simple_grant
    from tests.factories.governance_reports import fictional_cvr

    first = simple_grant()
    call = first.call
    indicators = [
        IndicatorFactory(call=call, code="companies", aggregation="register", counts="companies", order=1),
        IndicatorFactory(call=call, code="smes", aggregation="register", counts="smes", order=2),
        IndicatorFactory(call=call, code="institutions", aggregation="register", counts="knowledge_institutions"),
        IndicatorFactory(call=call, code="all", aggregation="register", counts="all"),
        IndicatorFactory(call=call, code="projects"),
        IndicatorFactory(call=call, code="products"),
        IndicatorFactory(call=call, code="cofinancing", unit="kroner"),
    ]
    summed = [i for i in indicators if not i.is_counted]
    secretariat, _ufm = reviewers_for(first)
    grants = [first] + [simple_grant(call=call) for _ in range(organisations - 1)]
    now = timezone.now()
    kinds = ["company", "company", "company", "knowledge_institution", "other"]
    sizes = ["micro", "small", "medium", "large", "n_a"]
    for g_index, grant in enumerate(grants):
        ActionPlan.objects.bulk_create(
            ActionPlan(grant=grant, year=y, status="approved", submitted_at=now, approved_at=now) for y in grant.years
        )
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(grant=grant, indicator=i, year=None, value=100) for i in indicators
        )
        dues = list(ReportDue.objects.filter(grant=grant, kind="periodic"))
        reports = Report.objects.bulk_create(
            Report(due=d, status="accepted", summary="x", first_submitted_at=now, submitted_at=now) for d in dues
        )
        rows, actuals, lines = [], [], []
        for r_index, report in enumerate(reports):
            for n in range(participants):
                shared = n < participants // 5
                number = n if shared else 10_000 + (g_index * 4 + r_index) * participants + n
                rows.append(
                    Participant(
                        report=report,
                        cvr=fictional_cvr(number),
                        name=f"Firma {number}",
                        kind=kinds[n % len(kinds)],
                        size_class=sizes[n % len(sizes)],
                    )
                )
            actuals += [ReportIndicatorActual(report=report, indicator=i, value=10 + r_index) for i in summed]
            lines += [
                ReportAccountLine(report=report, funder=f, line="Løn", budget=1_000_000, actual=900_000)
                for f in ("board", "ufm")
            ]
        Participant.objects.bulk_create(rows)
        ReportIndicatorActual.objects.bulk_create(actuals)
        ReportAccountLine.objects.bulk_create(lines)
    return call, secretariat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[14, 200], help="organisations in the call")
    parser.add_argument("--participants", type=int, default=25, help="register rows per report")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--use-database-url", action="store_true", help="use DATABASE_URL instead of a temp SQLite")
    args = parser.parse_args()
    setup(args.use_database_url)

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    print(f"database: {connection.vendor}; 4 years; {args.participants} participants per report; {args.repeat} runs")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"{'organisations':>13}  {'page':<12} {'median s':>9} {'best s':>8} {'CPU s':>7} {'queries':>7} {'KiB':>7}")
    for size in args.sizes:
        started = time.perf_counter()
        call, reviewer = build(size, args.participants)
        built = time.perf_counter() - started
        client = Client()
        client.force_login(reviewer)
        pages = {
            "overview": reverse("governance:overview", args=[call.slug]),
            "export csv": reverse("governance:overview_export", args=[call.slug, "csv"]),
            "export xlsx": reverse("governance:overview_export", args=[call.slug, "xlsx"]),
            "report queue": reverse("governance:report_queue", args=[call.slug]),
        }
        for name, url in pages.items():
            result = measure(client, url, args.repeat)
            print(
                f"{size:>13}  {name:<12} {result['median']:>9.3f} {result['best']:>8.3f} {result['cpu']:>7.3f} "
                f"{result['queries']:>7} {result['bytes'] / 1024:>7.0f}"
            )
        print(f"{'':>13}  (data built in {built:.1f} s)")


if __name__ == "__main__":
    main()
