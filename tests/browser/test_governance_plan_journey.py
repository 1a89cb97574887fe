"""The action plan in the real browser (issue 9): the organisation files and submits its 2022 plan, the
secretariat's reviewer asks for a change on the budget, the organisation changes the activity and submits
again, and both sides approve (UFM first, the secretariat last, which approves the plan). The reviewers see
what changed between the two versions, field by field. Every page visited is checked with axe (WCAG 2.1
A/AA), the console and the Content-Security-Policy watch, in Danish and again in English.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from governance.models import ActionPlan, PlanApproval
from tests.factories.clusterfund import UserFactory
from tests.factories.governance import IndicatorFactory, reviewers_for, simple_grant

from .journey import PASSWORD, log_in_as, path_of, submit_and_wait, switch_language, visit

pytestmark = pytest.mark.browser


def build(roles):
    member = UserFactory(roles=["applicant"], password=PASSWORD, full_name="Karen Klynge")
    grant = simple_grant(member=member, board=20_000_000, ufm=10_000_000)
    grant.organisation.name = "Klynge for Vandteknologi"
    grant.organisation.save()
    IndicatorFactory(call=grant.call, code="virksomheder", name="Deltagende virksomheder", name_en="Companies", order=1)
    IndicatorFactory(
        call=grant.call, code="medfinansiering", name="Privat medfinansiering", name_en="Co-financing", unit="kroner"
    )
    secretariat, ufm = reviewers_for(
        grant,
        secretariat=UserFactory(roles=["secretariat"], password=PASSWORD, full_name="Søren Sekretariat"),
        ufm=UserFactory(roles=["ufm"], password=PASSWORD, full_name="Ulla UFM"),
    )
    return grant, member, secretariat, ufm


def fill_activity(page, grant, *, budget_board: str) -> None:
    page.select_option("#id_activity_type", str(grant.call.activity_types.first().pk))
    page.fill("#id_title", "Innovationsforløb om vandrensning")
    page.fill("#id_description", "Virksomheder og forskere udvikler nye rensemetoder sammen.")
    page.fill("#id_starts_on", "2022-03-01")
    page.fill("#id_ends_on", "2022-10-31")
    page.check("input[name=regions][value=midtjylland]")
    page.fill("#id_budget_board", budget_board)
    page.fill("#id_budget_ufm", "2.000.000")
    page.fill("#id_actors-0-name", "Vandrens ApS")
    page.select_option("#id_actors-0-kind", "company")
    page.fill("#id_actors-1-name", "Aarhus Universitet")
    page.select_option("#id_actors-1-kind", "knowledge_institution")


def test_plan_filed_sent_back_resubmitted_and_approved_by_both_sides(roles, page):
    grant, member, secretariat, ufm = build(roles)

    # --- the organisation files its 2022 plan ---
    log_in_as(page, member)
    page.goto(reverse("governance:grant", args=[grant.pk]))
    visit(page, "grant (da)")
    expect(page.locator("#grant-years")).to_contain_text("20.000.000 kr.")
    submit_and_wait(page, f"form[action='{reverse('governance:plan_start', args=[grant.pk, 2022])}'] button")
    plan = ActionPlan.objects.get(grant=grant, year=2022)
    assert path_of(page) == reverse("governance:plan", args=[plan.pk])
    visit(page, "new plan (da)")

    page.goto(reverse("governance:plan_aims", args=[plan.pk]))
    visit(page, "aims (da)")
    page.fill("#id_summary", "Vi samler virksomheder og forskere om rent vand.")
    submit_and_wait(page, "main form button[type=submit]")

    page.goto(reverse("governance:plan_activity_create", args=[plan.pk]))
    visit(page, "new activity (da)")
    fill_activity(page, grant, budget_board="25.000.000")  # more than the year's grant from the board
    submit_and_wait(page, "main form button.button-primary")
    visit(page, "plan with an activity over the ceiling (da)")
    expect(page.locator("#plan-problems")).to_contain_text("20.000.000 kr.")

    page.goto(reverse("governance:plan_figures", args=[plan.pk]))
    visit(page, "planned figures (da)")
    for indicator in grant.call.indicators.all():
        page.fill(f"#id_figure_{indicator.pk}", "150")
    submit_and_wait(page, "main form button[type=submit]")

    # the submit page names what is wrong; fix the budget first
    page.goto(reverse("governance:plan_submit", args=[plan.pk]))
    visit(page, "submit refused (da)")
    expect(page.locator("#plan-problems")).to_contain_text("mere end tilsagnet")
    activity = plan.activities.get()
    page.goto(reverse("governance:plan_activity_edit", args=[plan.pk, activity.pk]))
    visit(page, "edit activity (da)")
    page.fill("#id_budget_board", "12.000.000")
    submit_and_wait(page, "main form button.button-primary")

    # the editing pages in English too
    switch_language(page, "en")
    for name, args in [
        ("governance:plan", [plan.pk]),
        ("governance:plan_aims", [plan.pk]),
        ("governance:plan_activity_edit", [plan.pk, activity.pk]),
        ("governance:plan_figures", [plan.pk]),
        ("governance:plan_submit", [plan.pk]),
        ("governance:grant", [grant.pk]),
        ("governance:my_grants", []),
    ]:
        page.goto(reverse(name, args=args))
        visit(page, f"{name} (en)")
    switch_language(page, "da")

    page.goto(reverse("governance:plan_submit", args=[plan.pk]))
    submit_and_wait(page, "main form button.button-primary")
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.SUBMITTED
    visit(page, "submitted plan (da)")

    # --- the secretariat asks for a change on the budget ---
    log_in_as(page, secretariat)
    page.goto(reverse("governance:plan_queue", args=[grant.call.slug]))
    visit(page, "review queue (da)")
    with page.expect_navigation():
        page.locator(f"#plan-{plan.pk} a").click()
    visit(page, "review page, version 1 (da)")
    page.fill("#id_note_budget", "Bestyrelsens andel er for høj i forhold til aktiviteten; sænk den.")
    submit_and_wait(page, "#changes-form button[type=submit]")
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.CHANGES_REQUESTED

    # --- the organisation changes the activity and submits again ---
    log_in_as(page, member)
    page.goto(reverse("governance:plan", args=[plan.pk]))
    visit(page, "plan with the reviewer's note (da)")
    expect(page.locator("main")).to_contain_text("sænk den")
    page.goto(reverse("governance:plan_activity_edit", args=[plan.pk, activity.pk]))
    page.fill("#id_budget_board", "9.500.000")
    submit_and_wait(page, "main form button.button-primary")
    page.goto(reverse("governance:plan_submit", args=[plan.pk]))
    submit_and_wait(page, "main form button.button-primary")
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.RESUBMITTED and plan.versions.count() == 2

    # --- UFM sees what changed and approves; the secretariat approves last ---
    log_in_as(page, ufm)
    page.goto(reverse("governance:plan_review", args=[plan.pk]))
    visit(page, "review page, version 2 (da)")
    diff = page.locator("#plan-diff")
    expect(diff).to_contain_text("12.000.000 kr.")
    expect(diff).to_contain_text("9.500.000 kr.")
    submit_and_wait(page, "#approve-form button[type=submit]")
    visit(page, "after UFM's approval (da)")
    switch_language(page, "en")
    visit(page, "review page (en)")
    page.goto(reverse("governance:plan_queue", args=[grant.call.slug]))
    visit(page, "review queue (en)")
    page.goto(reverse("governance:plan_version", args=[plan.pk, 2]))
    visit(page, "version 2 (en)")
    switch_language(page, "da")

    log_in_as(page, secretariat)
    page.goto(reverse("governance:plan_review", args=[plan.pk]))
    submit_and_wait(page, "#approve-form button[type=submit]")
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.APPROVED
    assert set(
        PlanApproval.objects.filter(plan=plan, withdrawn_at__isnull=True).values_list("reviewer", flat=True)
    ) == {secretariat.pk, ufm.pk}
    visit(page, "approved plan (da)")
    page.goto(reverse("governance:plan_version", args=[plan.pk, 2]))
    visit(page, "version 2 (da)")
    page.goto(reverse("governance:grants", args=[grant.call.slug]))
    visit(page, "the call's grants (da)")

    # --- the organisation sees the approved plan ---
    log_in_as(page, member)
    page.goto(reverse("governance:plan", args=[plan.pk]))
    expect(page.locator("main")).to_contain_text("Godkendt")
    visit(page, "approved plan, organisation (da)")


def test_grant_source_decision_targets_letter_and_acceptance(roles, page):
    """The secretariat records that 2023 is financed by ERDF plus national funds (a new version), sets the
    targets and opens the grant letter's page; the organisation reads the old and the new version and accepts."""
    grant, member, secretariat, _ufm = build(roles)
    log_in_as(page, secretariat)
    for language in ("da", "en"):
        if language == "en":
            switch_language(page, "en")
        for name, args in [
            ("governance:grants", [grant.call.slug]),
            ("governance:indicators", [grant.call.slug]),
            ("governance:grant_source", [grant.pk]),
            ("governance:grant_targets", [grant.pk]),
            ("documents:list", ["grant-letter", grant.current_version.pk]),
        ]:
            page.goto(reverse(name, args=args))
            visit(page, f"{name} ({language})")
    switch_language(page, "da")
    page.goto(reverse("governance:grant_source", args=[grant.pk]))
    page.select_option("#id_year", "2023")
    page.fill("#id_erdf", "12.500.000")
    page.fill("#id_national", "7.500.000")
    page.fill("#id_finance_act_year", "2022")
    page.fill("#id_reason", "Bestyrelsen besluttede i 2022 at finansiere 2023 med Regionalfonden og finansloven.")
    submit_and_wait(page, "main form button.button-primary")
    assert path_of(page) == reverse("governance:grant", args=[grant.pk])
    expect(page.locator("#grant-years")).to_contain_text("12.500.000 kr.")
    page.goto(reverse("governance:grant_targets", args=[grant.pk]))
    indicator = grant.call.indicators.get(code="virksomheder")
    page.fill(f"#id_figure_{indicator.pk}", "600")
    submit_and_wait(page, "main form button.button-primary")
    expect(page.locator("#targets")).to_contain_text("600")
    visit(page, "grant after the decision (da)")

    log_in_as(page, member)
    page.goto(reverse("governance:grant_version", args=[grant.pk, 1]))
    visit(page, "old version (da)")
    expect(page.locator("#grant-years")).not_to_contain_text("12.500.000 kr.")
    page.goto(reverse("governance:grant", args=[grant.pk]))
    submit_and_wait(page, f"form[action='{reverse('governance:grant_accept', args=[grant.pk])}'] button")
    expect(page.locator("#acceptance")).to_contain_text("Karen Klynge")
    visit(page, "accepted grant (da)")
    switch_language(page, "en")
    visit(page, "accepted grant (en)")
    page.goto(reverse("governance:grant_version", args=[grant.pk, 1]))
    visit(page, "old version (en)")
