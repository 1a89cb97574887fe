"""The status dialogue in the real browser (issue 10): the secretariat plans a meeting and prepares it from its
built agenda (a late report, an indicator below target, the open action item of the last meeting), writes the
minutes with two action items, publishes them and generates the minutes PDF; the organisation sees its minutes
and action items (and its gold label page with the deadline banners); staff look at the portfolio dashboard
with its charts and tables. Every page is checked with axe (WCAG 2.1 A/AA), the console and the CSP watch, in
Danish and again in English.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from governance.models import (
    ActionItem,
    GoldLabel,
    IndicatorTarget,
    StatusMeeting,
)
from governance.services.dialogue import action_item_add, meeting_create, meeting_minutes_save
from tests.factories.clusterfund import UserFactory
from tests.factories.governance import IndicatorFactory, reviewers_for, simple_grant
from tests.factories.governance_watch import accepted_report, open_due, own_calendar

from .journey import PASSWORD, log_in_as, path_of, submit_and_wait, switch_language, visit

pytestmark = pytest.mark.browser


def build():
    member = UserFactory(roles=["applicant"], password=PASSWORD, full_name="Karen Klynge")
    grant = simple_grant(member=member)
    grant.organisation.name = "Klynge for Vandteknologi"
    grant.organisation.save()
    indicator = IndicatorFactory(
        call=grant.call, code="virksomheder", name="Deltagende virksomheder", name_en="Companies", order=1
    )
    IndicatorTarget.objects.create(grant=grant, indicator=indicator, year=None, value=600)
    secretariat, ufm = reviewers_for(
        grant,
        secretariat=UserFactory(roles=["secretariat"], password=PASSWORD, full_name="Søren Sekretariat"),
        ufm=UserFactory(roles=["ufm"], password=PASSWORD, full_name="Ulla UFM"),
    )
    today = timezone.localdate()
    own_calendar(grant)
    accepted_report(grant, indicator=indicator, actual=90, by=member)
    open_due(grant, due_on=today - dt.timedelta(days=5))
    GoldLabel.objects.create(
        organisation=grant.organisation,
        level="gold",
        audited_on=today - dt.timedelta(days=700),
        valid_until=today + dt.timedelta(days=29),
        registered_by=secretariat,
    )
    last = meeting_create(
        call=grant.call,
        title="Forårsmødet",
        meets_on=today - dt.timedelta(days=90),
        organisations=[grant.organisation],
        by=secretariat,
    )
    action_item_add(
        meeting=last,
        organisation=grant.organisation,
        title="Send deltagerlisten med CVR-numre",
        owner="Klyngens direktør",
        due_on=today - dt.timedelta(days=30),
        by=secretariat,
    )
    meeting_minutes_save(
        meeting=last, minutes="Gennemgang af 2021.", publish=True, revision=last.revision, by=secretariat
    )
    return grant, member, secretariat, ufm


def add_action(page, meeting, title: str, owner: str, due: str) -> None:
    form = page.locator(f"form[action='{reverse('governance:action_item_create', args=[meeting.pk])}']")
    form.locator("#id_title").fill(title)
    form.locator("#id_owner").fill(owner)
    form.locator("#id_due_on").fill(due)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_meeting_prepared_from_its_agenda_minutes_pdf_and_the_dashboard(roles, page):
    grant, member, secretariat, ufm = build()
    call = grant.call

    # --- the secretariat plans the meeting and builds its agenda ---
    log_in_as(page, secretariat)
    page.goto(reverse("governance:meetings", args=[call.slug]))
    visit(page, "meetings (da)")
    page.fill("#id_title", "Statusmøde efterår")
    page.fill("#id_meets_on", (timezone.localdate() + dt.timedelta(days=7)).isoformat())
    page.check(f"input[name=organisations][value='{grant.organisation_id}']")
    page.check(f"input[name=participants][value='{ufm.pk}']")
    submit_and_wait(page, "main form button.button-primary")
    meeting = StatusMeeting.objects.get(title="Statusmøde efterår")
    assert path_of(page) == reverse("governance:meeting", args=[meeting.pk])
    visit(page, "planned meeting (da)")
    submit_and_wait(page, "#build-agenda")
    visit(page, "meeting with its agenda (da)")
    agenda = page.locator(f"#agenda-{grant.organisation_id}").locator("..")
    expect(agenda).to_contain_text("Send deltagerlisten med CVR-numre")  # the last meeting's open item
    expect(agenda).to_contain_text("Under mål")  # 90 of 600 companies
    expect(agenda).to_contain_text("dage forsinket")  # the late report
    expect(agenda).to_contain_text("Periodisk rapport")

    # --- two action items, the minutes, published ---
    add_action(page, meeting, "Indsend den forsinkede rapport", "Klyngens økonomiansvarlige", "2030-01-15")
    add_action(page, meeting, "Bestil ny ECEI-audit", "Klyngens direktør", "2030-03-01")
    assert ActionItem.objects.filter(meeting=meeting).count() == 2
    visit(page, "meeting with two action items (da)")
    page.goto(reverse("governance:meeting_minutes", args=[meeting.pk]))
    visit(page, "minutes form (da)")
    page.fill("#id_minutes", "1. Handlingsplanen følger planen.\n2. Rapporten for første halvår mangler.")
    submit_and_wait(page, "button[value=publish]")
    meeting.refresh_from_db()
    assert meeting.is_held
    visit(page, "held meeting (da)")
    expect(page.locator("#meeting-status")).to_have_text("Afholdt")

    # --- the minutes PDF through the document archive ---
    page.goto(reverse("documents:list", args=["status-minutes", meeting.pk]))
    visit(page, "minutes documents (da)")
    page.click("#document-generate")
    page.wait_for_url("**/dokumenter/*/")
    page.locator("#document-download").wait_for()
    visit(page, "minutes PDF ready (da)")

    # --- the dashboard, in Danish and English ---
    page.goto(reverse("governance:dashboard", args=[call.slug]))
    visit(page, "dashboard (da)")
    expect(page.locator("svg.portal-chart")).to_have_count(3)
    expect(page.locator("#chart-budget-table")).to_be_visible()
    expect(page.locator("#organisations")).to_contain_text("Klynge for Vandteknologi")
    page.goto(reverse("governance:dashboard", args=[call.slug]) + "?year=2021")
    visit(page, "dashboard 2021 (da)")
    switch_language(page, "en")
    for name, args in [
        ("governance:dashboard", [call.slug]),
        ("governance:meetings", [call.slug]),
        ("governance:meeting", [meeting.pk]),
        ("governance:gold_labels", [call.slug]),
        ("governance:gold", [grant.organisation_id]),
    ]:
        page.goto(reverse(name, args=args))
        visit(page, f"{name} (en)")
    switch_language(page, "da")

    # --- the organisation sees its minutes, action items and deadlines ---
    log_in_as(page, member)
    page.goto(reverse("governance:my_meetings"))
    visit(page, "my meetings (da)")
    expect(page.locator("#my-actions")).to_contain_text("Bestil ny ECEI-audit")
    expect(page.locator("#my-meetings")).to_contain_text("Statusmøde efterår")
    page.goto(reverse("governance:meeting", args=[meeting.pk]))
    visit(page, "the organisation's minutes (da)")
    expect(page.locator("main")).to_contain_text("Rapporten for første halvår mangler.")
    expect(page.locator("#actions")).to_contain_text("Indsend den forsinkede rapport")
    page.goto(reverse("documents:list", args=["status-minutes", meeting.pk]))
    visit(page, "the organisation's minutes PDF (da)")
    expect(page.locator("#document-generate")).to_have_count(0)
    page.goto(reverse("governance:gold", args=[grant.organisation_id]))
    visit(page, "gold label with banners (da)")
    expect(page.locator("#deadline-banners")).to_contain_text("Udløber om 29 dage")
    expect(page.locator("#deadline-banners")).to_contain_text("5 dage forsinket")
    switch_language(page, "en")
    for name, args in [
        ("governance:my_meetings", []),
        ("governance:meeting", [meeting.pk]),
        ("governance:gold", [grant.organisation_id]),
    ]:
        page.goto(reverse(name, args=args))
        visit(page, f"{name} as the organisation (en)")
    expect(page.locator("#deadline-banners")).to_contain_text("5 days overdue")
