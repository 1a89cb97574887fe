"""Demo data for the reports half: the 2021 reports of the demo call's grants, filed through the services —
account of the year, each activity's status, the summed figures, the accounts per funder and a participant
register uploaded as CSV (a few hundred rows of fictional CVR numbers that pass modulus 11; some companies
take part in several clusters, so the programme's count is less than the sum). Most reports are accepted;
one was submitted late (and accepted), and the last waits for review.

Runs after `demo.seed_grants_and_plans` (it is the next entry of `demo.SEEDERS`). Idempotent: a grant whose
2021 report exists is left alone.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from applications.demo import CALL_SLUG
from applications.models import Call, Funder
from clusterfund.validators import cvr_with_check_digit

from .demo_people import SECRETARIAT, _contact, _say
from .models import Grant, GrantYear, Indicator, Participant, Report, ReportDue
from .services.participants import participants_import
from .services.reports import (
    report_accept,
    report_accounts_save,
    report_activities_save,
    report_actuals_save,
    report_start,
    report_submit,
    report_summary_save,
)

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
SIZES = ["mikro", "lille", "lille", "mellem", "stor"]
SHARED = 12  # companies that take part in every cluster


def demo_cvr(n: int) -> str:
    """Return the n-th fictional demo CVR number (starting 37…, passing modulus 11)."""
    seed = 3_700_000 + n * 3
    while (cvr := cvr_with_check_digit(str(seed))) is None:
        seed += 1
    return cvr


def register_csv(index: int, activity_count: int) -> bytes:
    """Return a participant register as CSV: ~30 own companies, the shared ones and two institutions."""
    lines = ["CVR;Navn;Type;Størrelse;Kontaktperson;E-mail;Aktiviteter"]
    own = 24 + (index * 5) % 14
    for n in range(own):
        number = 100 + index * 100 + n
        activities = ";".join(str(1 + (n + k) % activity_count) for k in range(1 + n % 2)) if activity_count else ""
        lines.append(
            f"{demo_cvr(number)};Demovirksomhed {index + 1}-{n + 1} ApS;virksomhed;{SIZES[n % len(SIZES)]};"
            f"Kontakt {n + 1};kontakt{n + 1}@virksomhed{index + 1}.example;{activities}"
        )
    for n in range(SHARED):
        lines.append(f"{demo_cvr(n)};Fælles Industri {n + 1} A/S;virksomhed;stor;;;{1 if activity_count else ''}")
    for n, name in enumerate(["Aarhus Universitet", "Teknologisk Institut"]):
        lines.append(f"{demo_cvr(90 + n)};{name};videninstitution;ikke relevant;;;{1 if activity_count else ''}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _file_report(grant: Grant, due: ReportDue, member, index: int, indicators: dict) -> Report:
    report = report_start(due=due, by=member)
    report = report_summary_save(
        report=report,
        summary=f"{grant.organisation.name} gennemførte i 2021 de planlagte forløb og temadage; "
        "matchmaking-turene blev delvist udskudt på grund af rejserestriktioner.",
        by=member,
    )
    rows = list(report.activity_statuses.select_related("activity").order_by("activity__order", "activity_id"))
    statuses = {}
    for number, row in enumerate(rows):
        status = "postponed" if "matchmaking" in row.activity.title.lower() and index % 3 == 0 else "done"
        statuses[row.activity_id] = (
            status,
            f"{row.activity.title}: {'udskudt til 2022' if status == 'postponed' else 'gennemført'} ({number + 1}).",
        )
    if statuses:
        report = report_activities_save(report=report, statuses=statuses, by=member)
    summed = {code: i for code, i in indicators.items() if not i.is_counted}
    values = {"innovation_projects": 8 + index, "new_products": 14 + 2 * index, "international": 9 + index}
    values["cofinancing"] = 1_200_000 + 150_000 * index
    report = report_actuals_save(
        report=report, values={summed[c].pk: v for c, v in values.items() if c in summed}, by=member
    )
    granted = {f: 0 for f in Funder.values}
    for funder, amount in GrantYear.objects.filter(version_id=grant.current_version_id, year=2021).values_list(
        "funder", "amount"
    ):
        granted[funder] += amount
    lines = []
    for funder in Funder.values:
        if granted[funder]:
            lines.append(
                {
                    "funder": funder,
                    "line": "Løn",
                    "budget": granted[funder] * 6 // 10,
                    "actual": granted[funder] * 55 // 100,
                }
            )
            lines.append(
                {
                    "funder": funder,
                    "line": "Aktiviteter",
                    "budget": granted[funder] * 4 // 10,
                    "actual": granted[funder] * 38 // 100,
                }
            )
    report = report_accounts_save(report=report, lines=lines, by=member)
    result = participants_import(
        report=report, name="deltagere-2021.csv", content=register_csv(index, len(rows)), by=member
    )
    if not result.ok:  # the demo's own file: a failure here is a bug in the seeder
        raise RuntimeError(f"Demo register refused: {result.file_error or result.errors[:3]}")
    return Report.objects.get(pk=report.pk)


def seed_reports(*, stdout=None) -> None:
    """File the demo call's 2021 reports (idempotent)."""
    call = Call.objects.filter(slug=CALL_SLUG).first()
    secretariat = get_user_model().objects.filter(email=SECRETARIAT).first()
    if call is None or secretariat is None:
        _say(stdout, "Governance reports: no demo call or users; skipped.")
        return
    grants = list(Grant.objects.filter(call=call).select_related("organisation", "call").order_by("pk"))
    indicators = {i.code: i for i in Indicator.objects.filter(call=call)}
    accepted = late = waiting = 0
    for index, grant in enumerate(grants):
        due = ReportDue.objects.filter(
            grant=grant, kind=ReportDue.Kind.PERIODIC, period_end=dt.date(2021, 12, 31)
        ).first()
        if due is None or Report.objects.filter(due=due).exists():
            continue
        member = _contact(grant, index)
        report = _file_report(grant, due, member, index, indicators)
        is_late = index == len(grants) - 2
        on_time = dt.datetime.combine(due.due_on - dt.timedelta(days=10 - index % 5), dt.time(14), tzinfo=COPENHAGEN)
        submitted_at = due.deadline() + dt.timedelta(days=6, hours=3) if is_late else on_time
        report = report_submit(report=report, by=member, now=submitted_at)
        late += is_late
        if index == len(grants) - 1:
            waiting += 1
            continue
        report_accept(report=report, by=secretariat, now=submitted_at + dt.timedelta(days=14))
        accepted += 1
    participants = Participant.objects.filter(report__due__grant__call=call).count()
    _say(
        stdout,
        f"Governance reports: 2021 reports {accepted} accepted ({late} late), {waiting} waiting for review; "
        f"{participants} participant rows.",
    )
