"""The allocation in the real browser, from the minister's selections to the sub-committee's memo.

UFM records the minister's decision for one organisation per business area (a second in the same area is
refused, naming the first). The secretariat builds a proposal proportional to the UFM grants in 1.000 kr.,
adjusts an amount by hand in the grid (typed the Danish way) while the live totals follow, and submits it.
Both sub-committee members approve; the chair approves last, which locks the proposal. The side-by-side and
difference views show, and the CSV export sums to the board's frame each year. Then the secretariat
generates the allocation memo (issue 6) from the proposal's page and downloads the PDF; a member downloads
it too; an applicant gets 404. Every page visited is checked with axe (WCAG 2.1 A/AA), the console and the
Content-Security-Policy watch; some again in English.
"""

from __future__ import annotations

import csv
import io
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from allocation.models import Proposal, Selection
from applications.models import Application, BudgetFrame, Funder
from tests.factories.allocation import reviewed_call
from tests.factories.applications import open_call_with_parts
from tests.factories.clusterfund import UserFactory

from .journey import PASSWORD, log_in_as, path_of, submit_and_wait, switch_language, visit

pytestmark = pytest.mark.browser

FRAME = 10_000_000  # the board's frame each year


def build_call():
    """Return (call, {name: application}): two years, two business areas with two eligible applications
    each (agreed joint assessments, the first in each area scoring highest), the board's frame 10.000.000 kr.
    a year from the finance act, UFM's 20.000.000 kr."""
    call = open_call_with_parts(period_start=2021, period_end=2022, title="Klyngeopslag 2021–2022")
    call.frames.filter(funder=Funder.BOARD).update(
        amount=FRAME, source=BudgetFrame.Source.FINANCE_ACT, source_year=2020, is_conditional=False
    )
    call.frames.filter(funder=Funder.UFM).update(amount=20_000_000)
    reviewed_call(areas=2, per_area=2, call=call)
    names = {
        "Miljøteknologi klynge 1": "Klynge for Vandteknologi",
        "Miljøteknologi klynge 2": "Cirkulær Klynge Nord",
        "Energiteknologi klynge 1": "Energiklyngen Midt",
        "Energiteknologi klynge 2": "Vindklyngen Vest",
    }
    applications = {}
    for application in Application.objects.filter(call=call).select_related("organisation"):
        application.organisation.name = names[application.organisation.name]
        application.organisation.save()
        applications[application.organisation.name] = application
    return call, applications


def record_decision(page, application, *, date: str, case_number: str, note: str, grants: dict[int, str]) -> None:
    """On the selections page, open the decision form of `application` and record it as selected."""
    page.goto(reverse("allocation:selections", args=[application.call.slug]))
    with page.expect_navigation():
        page.locator(
            f"#application-{application.pk} a[href='{reverse('allocation:select', args=[application.pk])}']"
        ).click()
    page.check("input[name=decision][value=selected]")
    page.fill("#id_decision_date", date)
    page.fill("#id_case_number", case_number)
    page.fill("#id_note", note)
    for year, amount in grants.items():
        page.fill(f"#id_grant_{year}", amount)
    submit_and_wait(page, "main form button[type=submit]")


def grid_value(page, application, year: int):
    return page.locator(f"#id_amount_{application.pk}_{year}")


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_allocation_journey_select_propose_approve_lock_export_memo(page, live_server, roles):
    ufm = UserFactory(roles=["ufm"], full_name="Ulrik Friis", email="ulrik.friis@ufm.example", password=PASSWORD)
    secretariat = UserFactory(
        roles=["secretariat"], full_name="Sofie Holm", email="sofie.holm@erst.example", password=PASSWORD
    )
    members = [
        UserFactory(
            roles=["subcommittee_member"], full_name="Anders Bach", email="anders.bach@board.example", password=PASSWORD
        ),
        UserFactory(
            roles=["subcommittee_member"], full_name="Birgit Lund", email="birgit.lund@board.example", password=PASSWORD
        ),
    ]
    chair = UserFactory(
        roles=["subcommittee_chair"], full_name="Carl Holst", email="carl.holst@board.example", password=PASSWORD
    )
    call, applications = build_call()
    water = applications["Klynge for Vandteknologi"]
    circular = applications["Cirkulær Klynge Nord"]
    energy = applications["Energiklyngen Midt"]
    applicant = UserFactory(
        roles=["applicant"], full_name="Anne Vand", email="anne.vand@vand.example", password=PASSWORD
    )
    water.organisation.members.add(applicant)
    years = call.years
    assert years == [2021, 2022]

    # --- UFM records the minister's selections -------------------------------------------------------------
    log_in_as(page, ufm)
    page.goto(reverse("allocation:selections", args=[call.slug]))
    expect(page.locator("main table tr[id^=application-]")).to_have_count(4)
    expect(page.locator(f"#application-{water.pk} th")).to_have_text(water.organisation.name)
    visit(page, "the minister's selections: none recorded")

    record_decision(
        page,
        water,
        date="2020-09-02",
        case_number="2020-1234",
        note="Udpeget af ministeren.",
        grants={2021: "6.000.000", 2022: "6.000.000"},
    )
    assert path_of(page) == reverse("allocation:selections", args=[call.slug])
    expect(page.locator(".portal-messages .alert-success")).to_contain_text(water.organisation.name)
    expect(page.locator(f"#application-{water.pk} .badge-success")).to_be_visible()
    expect(page.locator(f"#application-{water.pk}")).to_contain_text("2020-1234")
    expect(page.locator(f"#application-{water.pk}")).to_contain_text("6.000.000")
    visit(page, "the minister's selections: one recorded")

    # a second selection in the same area is refused with the first's name; nothing typed is lost (the page
    # answers 422, which the console watch allows for a document)
    record_decision(
        page,
        circular,
        date="2020-09-03",
        case_number="2020-5678",
        note="Også god.",
        grants={2021: "1.000.000", 2022: "1.000.000"},
    )
    assert path_of(page) == reverse("allocation:select", args=[circular.pk])
    expect(page.locator("main .alert-error")).to_contain_text(water.organisation.name)
    expect(page.locator("#id_case_number")).to_have_value("2020-5678")
    expect(page.locator("#id_grant_2021")).to_have_value("1.000.000")
    visit(page, "the minister's decision: a second in the area refused")
    assert not Selection.objects.filter(application=circular).exists()

    record_decision(
        page,
        energy,
        date="2020-09-02",
        case_number="2020-1235",
        note="Udpeget af ministeren.",
        grants={2021: "3.000.000", 2022: "3.000.000"},
    )
    expect(page.locator(f"#application-{energy.pk} .badge-success")).to_be_visible()
    switch_language(page, "en")
    expect(page.locator("h1")).to_have_text("The minister's selections")
    visit(page, "the minister's selections: one per area, in English")
    switch_language(page, "da")
    selections = {s.application_id: s for s in Selection.objects.filter(call=call).prefetch_related("grants")}
    assert set(selections) == {water.pk, energy.pk}
    assert {g.year: g.amount for g in selections[water.pk].grants.all()} == {2021: 6_000_000, 2022: 6_000_000}
    assert selections[water.pk].note == "Udpeget af ministeren."
    water.refresh_from_db()
    assert water.status == Application.Status.SELECTED

    # --- the secretariat builds a proposal proportional to the UFM grants, in 1.000 kr. ------------------
    log_in_as(page, secretariat)
    page.goto(reverse("allocation:frames", args=[call.slug]))
    expect(page.locator("#frames-table tbody tr")).to_have_count(4)
    visit(page, "budget frames")
    with page.expect_navigation():
        page.locator(f"main nav a[href='{reverse('allocation:proposals', args=[call.slug])}']").click()
    expect(page.locator("#selected tbody tr")).to_have_count(2)
    visit(page, "allocation proposals: none yet")
    page.fill("#id_new-title", "Som UFM")
    page.check("input[name=new-method][value=ufm_grant]")
    page.check("input[name=new-unit][value='1000']")
    submit_and_wait(page, "main form[action$='/nyt-forslag/'] button[type=submit]")
    proposal = Proposal.objects.get(call=call, number=1)
    assert path_of(page) == proposal.get_absolute_url()
    # 10.000.000 × 6/9 and × 3/9 in whole thousands, the largest remainder first: 6.667.000 + 3.333.000
    for year in years:
        expect(grid_value(page, water, year)).to_have_value("6.667.000")
        expect(grid_value(page, energy, year)).to_have_value("3.333.000")
        expect(page.locator(f"[data-year-total='{year}']")).to_have_text("10.000.000 kr.")
    visit(page, "proposal 1: filled by the UFM grants")

    # an amount typed by hand: the year's total and difference follow as one types
    total_2021 = page.locator("[data-year-total='2021']")
    difference_2021 = page.locator("[data-year-difference='2021'] span").first
    grid_value(page, water, 2021).fill("6.700.000 kr.")
    expect(total_2021).to_have_text("10.033.000 kr.")
    expect(difference_2021).to_have_text("-33.000 kr.")
    expect(difference_2021).to_have_class("text-negative")
    expect(page.locator("[data-year-status='2021'] .badge-error")).to_be_visible()
    expect(page.locator("#allocation-live-status")).to_contain_text("2021")
    expect(page.locator(f"[data-row-total='{water.pk}']")).to_have_text("13.367.000 kr.")
    expect(page.locator("[data-year-status='2022'] .badge-error")).to_have_count(0)
    visit(page, "proposal 1: 2021 over the frame while typing")
    grid_value(page, energy, 2021).fill("3.200.000")
    expect(total_2021).to_have_text("9.900.000 kr.")
    expect(difference_2021).to_have_text("100.000 kr.")
    expect(page.locator("[data-year-status='2021'] .badge-error")).to_have_count(0)
    expect(page.locator("[data-year-status='2021'] .badge-warning")).to_be_visible()
    grid_value(page, energy, 2021).fill("3.300.000")
    expect(total_2021).to_have_text("10.000.000 kr.")
    expect(difference_2021).to_have_text("0 kr.")
    expect(difference_2021).to_have_class("text-positive")
    expect(page.locator("[data-year-status='2021'] .badge")).to_have_count(0)
    expect(page.locator("#allocation-live-status")).to_have_text("")
    submit_and_wait(page, "#grid-form button[type=submit]")
    assert path_of(page) == proposal.get_absolute_url()
    expect(page.locator(".portal-messages .alert-success")).to_be_visible()
    expect(grid_value(page, water, 2021)).to_have_value("6.700.000")
    expect(grid_value(page, energy, 2021)).to_have_value("3.300.000")
    expect(total_2021).to_have_text("10.000.000 kr.")
    visit(page, "proposal 1: adjusted by hand and saved")
    amounts = {(a.application_id, a.year): a.amount for a in proposal.amounts.all()}
    assert amounts == {
        (water.pk, 2021): 6_700_000,
        (energy.pk, 2021): 3_300_000,
        (water.pk, 2022): 6_667_000,
        (energy.pk, 2022): 3_333_000,
    }

    # a second proposal (an equal split), for the difference view
    page.goto(reverse("allocation:proposals", args=[call.slug]))
    page.fill("#id_new-title", "Ligelig")
    page.check("input[name=new-method][value=equal]")
    page.check("input[name=new-unit][value='1000']")
    submit_and_wait(page, "main form[action$='/nyt-forslag/'] button[type=submit]")
    second = Proposal.objects.get(call=call, number=2)
    assert path_of(page) == second.get_absolute_url()
    expect(grid_value(page, water, 2021)).to_have_value("5.000.000")

    page.goto(proposal.get_absolute_url())
    submit_and_wait(page, f"form[action='{reverse('allocation:proposal_submit', args=[proposal.pk])}'] button")
    expect(page.locator("#proposal-status.badge-info")).to_be_visible()
    visit(page, "proposal 1: submitted to the sub-committee")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED

    # --- both members approve: from the start page to the proposal --------------------------------------------
    for index, member in enumerate(members):
        log_in_as(page, member)
        page.goto(reverse("start"))
        link = page.locator(f"#panel-allocation ~ ul a[href='{proposal.get_absolute_url()}']")
        expect(link).to_be_visible()
        visit(page, f"start page of sub-committee member {index + 1}")
        with page.expect_navigation():
            link.click()
        expect(page.locator("#allocation-grid input")).to_have_count(0)  # members cannot edit amounts
        expect(page.locator(f"#row-{water.pk} [data-allocation-year='2021']")).to_have_text("6.700.000 kr.")
        if index == 1:
            switch_language(page, "en")
            expect(page.locator("h1")).to_contain_text("Proposal 1")
            visit(page, "proposal 1: a member's view, in English")
            switch_language(page, "da")
        else:
            visit(page, "proposal 1: a member's view")
        page.check("input[name=review-decision][value=approve]")
        submit_and_wait(page, f"form[action='{reverse('allocation:proposal_review', args=[proposal.pk])}'] button")
        expect(page.locator(".portal-messages .alert-success")).to_be_visible()
        expect(page.locator("#approvals")).to_contain_text(member.get_full_name())
        visit(page, f"proposal 1: approved by member {index + 1}")

    # --- the chair approves last, which locks it ---------------------------------------------------------------
    log_in_as(page, chair)
    page.goto(proposal.get_absolute_url())
    visit(page, "proposal 1: the chair's view")
    submit_and_wait(page, f"form[action='{reverse('allocation:proposal_lock', args=[proposal.pk])}'] button")
    expect(page.locator("#proposal-status.badge-success")).to_be_visible()
    expect(page.locator("main .alert-success[role=note]")).to_contain_text(chair.get_full_name())
    expect(page.locator("#grid-form")).to_have_count(0)
    expect(page.locator("#allocation-grid input")).to_have_count(0)
    expect(page.locator("#problems")).to_have_count(0)
    visit(page, "proposal 1: approved and locked")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED and proposal.approved_by == chair

    # side by side, and the difference between the two proposals
    with page.expect_navigation():
        page.locator(f"main nav a[href='{reverse('allocation:compare', args=[call.slug])}']").click()
    expect(page.locator("#side-by-side tbody tr")).to_have_count(2)
    expect(page.locator(f"#organisation-{water.pk}")).to_contain_text("6.700.000")
    expect(page.locator(f"#organisation-{water.pk}")).to_contain_text("5.000.000")
    visit(page, "proposals side by side")
    page.select_option("#id_a", str(proposal.pk))
    page.select_option("#id_b", str(second.pk))
    submit_and_wait(page, "main form[method=get] button[type=submit]")
    diff_row = page.locator("#diff tbody tr", has=page.locator("th", has_text=water.organisation.name))
    expect(diff_row.locator(".text-negative").first).to_have_text("-1.700.000 kr.")
    visit(page, "the difference from proposal 1 to proposal 2")
    switch_language(page, "en")
    expect(page.locator("#diff caption")).to_have_text("From proposal 1 to proposal 2")
    visit(page, "the difference from proposal 1 to proposal 2, in English")
    switch_language(page, "da")

    # the CSV export sums to the frame each year
    page.goto(proposal.get_absolute_url())
    with page.expect_download() as download_info:
        page.locator(f"main a[href='{reverse('allocation:export', args=[proposal.pk, 'csv'])}']").click()
    download = download_info.value
    assert download.suggested_filename == f"fordeling-{call.slug}-forslag-1.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        exported = list(csv.reader(io.StringIO(handle.read())))
    organisations = exported[1:3]
    assert {line[0] for line in organisations} == {water.organisation.name, energy.organisation.name}
    assert {line[1] for line in organisations} == {water.organisation.cvr, energy.organisation.cvr}
    board_columns = range(3 + len(years) + 1, 3 + 2 * len(years) + 1)  # after the UFM grants and their total
    for column in board_columns:
        assert sum(int(line[column]) for line in organisations) == FRAME
        assert int(exported[3][column]) == FRAME  # the total row
        assert int(exported[4][column]) == FRAME  # the frame row

    # --- issue 6: the secretariat generates the allocation memo from the proposal's page --------------------
    memo_list = reverse("documents:list", args=["allocation-memo", proposal.pk])
    log_in_as(page, secretariat)
    page.goto(proposal.get_absolute_url())
    with page.expect_navigation():
        page.locator(f"main a[href='{memo_list}']").click()
    expect(page.locator("#document-generate")).to_be_visible()
    visit(page, "allocation memo: no version yet")
    page.fill("#id_meeting_date", "3.9.2020")
    page.fill("#id_agenda_item", "Punkt 5")
    submit_and_wait(page, "#document-generate")
    from clusterfund.models import GeneratedDocument

    document = GeneratedDocument.objects.get(kind="allocation-memo", object_id=proposal.pk)
    assert path_of(page) == reverse("documents:status", args=[document.pk])
    expect(page.locator("#document-download")).to_be_visible()  # Celery runs eagerly here
    expect(page.locator("#document-facts .badge-success")).to_be_visible()
    expect(page.locator("#document-status[hx-trigger]")).to_have_count(0)
    visit(page, "allocation memo: version 1 done")
    with page.expect_download() as download_info:
        page.click("#document-download")
    download = download_info.value
    assert download.suggested_filename == f"fordelingsnotat-{proposal.pk}-v1.pdf"
    text = pdf_text(download.path())
    assert "Det indstilles, at underudvalget" in text
    for name in (water.organisation.name, energy.organisation.name):
        assert name in text
    assert "10.000.000 kr." in text and "6.700.000" in text
    page.goto(memo_list)
    expect(page.locator(f"#document-{document.pk} .badge-success")).to_be_visible()
    visit(page, "allocation memo: one version")

    # a sub-committee member downloads it too
    log_in_as(page, members[0])
    page.goto(memo_list)
    expect(page.locator("#document-generate")).to_have_count(0)
    visit(page, "allocation memo: a member's view")
    with page.expect_download() as download_info:
        page.locator(f"#document-{document.pk} a[href='{reverse('documents:download', args=[document.pk])}']").click()
    assert "Det indstilles, at underudvalget" in pdf_text(download_info.value.path())

    # --- the applicant: their own approved amounts, but never the memo --------------------------------------
    log_in_as(page, applicant)
    page.goto(reverse("allocation:approved_amounts", args=[water.pk]))
    expect(page.locator(f"#approved-{water.pk} tbody")).to_contain_text("6.700.000")
    visit(page, "the applicant's approved amounts")
    for url in (memo_list, reverse("documents:status", args=[document.pk]), proposal.get_absolute_url()):
        response = page.goto(url)
        assert response.status == 404, url
    visit(page, "an applicant's 404 (memo versions, memo version, proposal)")
    response = page.goto(reverse("documents:download", args=[document.pk]))
    assert response.status == 404
