"""The periodic report in the real browser (issue 9): the organisation starts its 2021 report from the
reporting calendar, writes the account of the year and each activity's status, uploads a participant
register (first a file with a bad CVR and an unknown activity, refused row by row; then a good one), fills
in the accounts per funder and submits; the secretariat's reviewer finds it in the report queue and accepts
it, and the programme overview counts it. Every page visited is checked with axe (WCAG 2.1 A/AA), the
console and the Content-Security-Policy watch, in Danish and again in English.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from governance.models import Report, ReportDue
from tests.factories.clusterfund import UserFactory
from tests.factories.governance import IndicatorFactory, plan_with_activity, reviewers_for, simple_grant
from tests.factories.governance_reports import fictional_cvr

from .journey import PASSWORD, log_in_as, path_of, submit_and_wait, switch_language, visit

pytestmark = pytest.mark.browser

HEADER = "CVR;Navn;Type;Størrelse;Kontaktperson;E-mail;Aktiviteter"


def build():
    member = UserFactory(roles=["applicant"], password=PASSWORD, full_name="Karen Klynge")
    grant = simple_grant(member=member, board=20_000_000, ufm=10_000_000)
    grant.organisation.name = "Klynge for Vandteknologi"
    grant.organisation.save()
    IndicatorFactory(
        call=grant.call,
        code="virksomheder",
        name="Deltagende virksomheder",
        name_en="Participating companies",
        aggregation="register",
        counts="companies",
        order=1,
    )
    cofinancing = IndicatorFactory(
        call=grant.call, code="medfinansiering", name="Privat medfinansiering", name_en="Co-financing", unit="kroner"
    )
    plan_with_activity(grant, year=2021)
    secretariat, _ufm = reviewers_for(
        grant,
        secretariat=UserFactory(roles=["secretariat"], password=PASSWORD, full_name="Søren Sekretariat"),
        ufm=UserFactory(roles=["ufm"], password=PASSWORD, full_name="Ulla UFM"),
    )
    due = ReportDue.objects.get(grant=grant, kind="periodic", period_end=dt.date(2021, 12, 31))
    return grant, member, secretariat, due, cofinancing


def csv_file(rows: list[str]) -> dict:
    return {"name": "deltagere.csv", "mimeType": "text/csv", "buffer": "\n".join([HEADER, *rows]).encode("utf-8")}


def test_report_filed_with_an_upload_submitted_and_accepted(roles, page):
    grant, member, secretariat, due, cofinancing = build()

    # --- the organisation starts its 2021 report from the calendar ---
    log_in_as(page, member)
    page.goto(reverse("governance:grant_reports", args=[grant.pk]))
    visit(page, "reporting calendar (da)")
    expect(page.locator(f"#due-{due.pk}")).to_contain_text("Forsinket")  # 31 March 2022 is long past
    submit_and_wait(page, f"form[action='{reverse('governance:report_start', args=[due.pk])}'] button")
    report = Report.objects.get(due=due)
    assert path_of(page) == reverse("governance:report", args=[report.pk])
    visit(page, "new report (da)")

    activity = report.activity_statuses.get().activity_id
    page.goto(reverse("governance:report_content", args=[report.pk]))
    visit(page, "account and figures (da)")
    page.fill("#id_summary", "Vi gennemførte innovationsforløbet med 40 virksomheder.")
    page.select_option(f"#id_status_{activity}", "done")
    page.fill(f"#id_account_{activity}", "Gennemført som planlagt.")
    page.fill(f"#id_actual_{cofinancing.pk}", "1.250.000")
    submit_and_wait(page, "main form button.button-primary")
    expect(page.locator("#figures")).to_contain_text("1.250.000 kr.")

    # --- the participant register: a bad file is refused row by row, a good one replaces the register ---
    page.goto(reverse("governance:report_participants", args=[report.pk]))
    visit(page, "participant register (da)")
    good = [f"{fictional_cvr(i)};Vandrens {i} ApS;virksomhed;lille;Eva;eva{i}@example.dk;1" for i in range(3)]
    page.set_input_files(
        "#id_file",
        files=[
            csv_file(
                [
                    good[0],
                    "12345678;Forkert ApS;virksomhed;lille;;;1",
                    f"{fictional_cvr(5)};Ukendt ApS;virksomhed;stor;;;9",
                ]
            )
        ],
    )
    submit_and_wait(page, "form[enctype] button[type=submit]")
    visit(page, "register upload refused (da)")
    expect(page.locator("#upload-errors")).to_contain_text("Række 3:")
    expect(page.locator("#upload-errors")).to_contain_text("Række 4:")
    assert report.participants.count() == 0
    page.set_input_files(
        "#id_file",
        files=[csv_file([*good, f"{fictional_cvr(9)};Aarhus Universitet;videninstitution;ikke relevant;;;1"])],
    )
    submit_and_wait(page, "form[enctype] button[type=submit]")
    expect(page.locator("#participants tbody tr")).to_have_count(4)
    visit(page, "register uploaded (da)")

    page.goto(reverse("governance:report_accounts", args=[report.pk]))
    visit(page, "accounts (da)")
    page.fill("#line_0", "Løn")
    page.fill("#budget_0", "1.000.000")
    page.fill("#actual_0", "950.000")
    submit_and_wait(page, "main form button.button-primary")
    expect(page.locator("#accounts")).to_contain_text("950.000 kr.")

    page.goto(reverse("governance:report_attachment_add", args=[report.pk]))
    visit(page, "upload an attachment (da)")

    # the organisation's editing pages in English, while the report can still be changed
    switch_language(page, "en")
    for name, label in [
        ("governance:report_content", "account and figures (en)"),
        ("governance:report_accounts", "accounts (en)"),
        ("governance:report_attachment_add", "upload an attachment (en)"),
        ("governance:report_submit", "submit the report (en)"),
    ]:
        page.goto(reverse(name, args=[report.pk]))
        visit(page, label)
        assert path_of(page) == reverse(name, args=[report.pk])
    switch_language(page, "da")

    page.goto(reverse("governance:report_submit", args=[report.pk]))
    visit(page, "submit the report (da)")
    submit_and_wait(page, "main form button.button-primary")
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED and report.sha256

    # --- the secretariat accepts it from the queue ---
    log_in_as(page, secretariat)
    page.goto(reverse("governance:report_queue", args=[grant.call.slug]))
    visit(page, "report queue (da)")
    expect(page.locator(f"#report-{report.pk}")).to_contain_text("Forsinket")
    page.click(f"#report-{report.pk} a")
    visit(page, "review the report (da)")
    submit_and_wait(page, "button[name=action][value=accept]")
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED
    page.goto(reverse("governance:overview", args=[grant.call.slug]))
    visit(page, "programme overview (da)")
    expect(page.locator("#overview")).to_contain_text("3 / –")  # three companies counted, no yearly target

    # --- the same pages in English ---
    switch_language(page, "en")
    for name, args, label in [
        ("governance:overview", [grant.call.slug], "programme overview (en)"),
        ("governance:report_queue", [grant.call.slug], "report queue (en)"),
        ("governance:report_review", [report.pk], "review the report (en)"),
        ("governance:report", [report.pk], "report (en)"),
        ("governance:report_participants", [report.pk], "participant register (en)"),
        ("governance:grant_reports", [grant.pk], "reporting calendar (en)"),
    ]:
        page.goto(reverse(name, args=args))
        visit(page, label)
    expect(page.locator(f"#due-{due.pk}")).to_contain_text("Late")
    switch_language(page, "da")
