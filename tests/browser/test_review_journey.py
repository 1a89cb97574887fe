"""The review in the real browser: assignment, conflict declaration, requirement checks, scores, the joint
assessment both sides confirm, the matrix with its ranking, the compare view, the history and the CSV export.

A secretariat lead assigns a secretariat reviewer and a UFM reviewer to a submitted application of an
open call. Each declares no conflict of interest, checks the requirements, scores every criterion with a
justification, saves a draft and submits (the UFM reviewer also scores one cell inline in the matrix,
first refused, then saved). They agree a joint assessment and both confirm it; the matrix then ranks the
application among the other applications of its business area. Every page visited is checked with axe
(WCAG 2.1 A/AA), the console and the Content-Security-Policy watch; some are visited again in English.

A second test: a reviewer who declares a conflict of interest gets 404 on the application's pages.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import Application, CriterionAnswer
from applications.services import application_submit
from review.models import Assignment, JointAssessment, Side
from tests.factories.applications import complete_application, open_call_with_parts
from tests.factories.clusterfund import UserFactory
from tests.factories.review import AssignmentFactory, SubmittedApplicationFactory, agree, score_all

from .journey import PASSWORD, log_in_as, path_of, submit_and_wait, switch_language, visit

pytestmark = pytest.mark.browser


def fill_checks(page, call, verdicts: dict[str, tuple[str, str]]) -> None:
    """Give each requirement (by code) a verdict and a note."""
    for requirement in call.requirements.all():
        verdict, note = verdicts[requirement.code]
        page.check(f"input[name='req-{requirement.pk}-verdict'][value='{verdict}']")
        page.fill(f"#id_req-{requirement.pk}-note", note)


def fill_score(page, criterion, value: int, justification: str, prefix: str = "crit") -> None:
    page.fill(f"#id_{prefix}-{criterion.pk}-value", str(value))
    page.fill(f"#id_{prefix}-{criterion.pk}-justification", justification)


def build_call(lead):
    """Return (call, the application under review, the other applications by name).

    The application under review is filled in completely and submitted as an applicant submits it; the
    others in its business area already have reviews and an agreed consensus (one is ineligible), and
    one application sits in the other business area.
    """
    call = open_call_with_parts()
    area, other_area = list(call.areas.order_by("pk"))
    application = complete_application(call=call)
    application.organisation.name = "Fyns Robotklynge"
    application.organisation.save()
    assert application.business_area == area
    application_submit(application=application, by=application.created_by)

    criteria = list(call.criteria.all())
    others = {}
    for name, business_area, review_values, consensus, eligible in [
        ("Klynge for Vandteknologi", area, [3, 3, 2, 3], [3, 3, 3, 3], True),
        ("Cirkulær Klynge Nord", area, [4, 2, 3, 4], [4, 4, 3, 4], True),
        ("Klynge uden Guldmærke", area, [2, 2, 2, 2], [5, 5, 5, 5], False),
        ("Energiklyngen Midt", other_area, [3, 4, 4, 3], [3, 4, 4, 3], True),
    ]:
        other = SubmittedApplicationFactory(call=call, business_area=business_area, organisation__name=name)
        for criterion in criteria:
            CriterionAnswer.objects.create(application=other, criterion=criterion, text=f"{name} om {criterion.name}.")
        score_all(AssignmentFactory(application=other, assigned_by=lead), review_values, submit=True)
        score_all(
            AssignmentFactory(application=other, assigned_by=lead, reviewer__roles=["ufm"], side=Side.UFM),
            [v + 1 if v < 5 else v for v in review_values],
            submit=True,
        )
        agree(other, consensus, eligible=eligible)
        Application.objects.filter(pk=other.pk).update(status=Application.Status.UNDER_REVIEW)
        others[name] = other
    return call, application, others


def review_application(page, call, application, *, verdicts, scores, draft_scores: int, english: bool = False):
    """On the review page: check the requirements, score `draft_scores` criteria, save a draft, try to
    submit the incomplete review, score the rest and submit."""
    criteria = list(call.criteria.all())
    fill_checks(page, call, verdicts)
    for criterion in criteria[:draft_scores]:
        value, justification = scores[criterion.code]
        fill_score(page, criterion, value, justification)
    submit_and_wait(page, "#review-form button[name=action][value=draft]")
    assert path_of(page) == reverse("review:review", args=[application.pk])
    expect(page.locator(".portal-messages .alert-success")).to_be_visible()
    expect(page.locator("#review-status .badge-info")).to_be_visible()  # in progress
    for criterion in criteria[:draft_scores]:
        expect(page.locator(f"#id_crit-{criterion.pk}-value")).to_have_value(str(scores[criterion.code][0]))
    for requirement in call.requirements.all():
        verdict, note = verdicts[requirement.code]
        expect(page.locator(f"input[name='req-{requirement.pk}-verdict'][value='{verdict}']")).to_be_checked()
        expect(page.locator(f"#id_req-{requirement.pk}-note")).to_have_value(note)
    visit(page, "review page: a draft")

    # submitting before every criterion is scored is refused (422) and names what is missing
    submit_and_wait(page, "#review-form button[name=action][value=submit]")
    expect(page.locator("#review-missing")).to_be_visible()
    expect(page.locator("#review-missing li")).to_have_count(len(criteria) - draft_scores)
    visit(page, "review page: submitting an incomplete review")

    for criterion in criteria[draft_scores:]:
        value, justification = scores[criterion.code]
        fill_score(page, criterion, value, justification)
    submit_and_wait(page, "#review-form button[name=action][value=submit]")
    assert path_of(page) == reverse("review:review", args=[application.pk])
    expect(page.locator("#review-status .badge-success")).to_be_visible()  # submitted
    expect(page.locator("#review-form textarea")).to_have_count(0)  # locked
    for criterion in criteria:
        expect(page.locator(f"#criterion-{criterion.code}")).to_contain_text(scores[criterion.code][1])
    visit(page, "review page: submitted")
    if english:
        switch_language(page, "en")
        expect(page.locator("h1")).to_contain_text(f"Review of {application.organisation.name}")
        visit(page, "review page: submitted, in English")
        switch_language(page, "da")


def declare_no_conflict(page, application) -> None:
    """From the queue, open the conflict page of `application`, declare no conflict; land on the review page."""
    page.goto(reverse("review:queue"))
    row = page.locator("tr", has=page.locator("th", has_text=application.organisation.name))
    expect(row.locator(".badge")).to_be_visible()
    visit(page, "review queue")
    with page.expect_navigation():
        row.locator(f"a[href='{reverse('review:conflict', args=[application.pk])}']").click()
    expect(page.locator("main")).to_contain_text(application.organisation.cvr)
    visit(page, "conflict of interest declaration")
    page.check("input[name=conflict][value=none]")
    submit_and_wait(page, "main form button[type=submit]")
    assert path_of(page) == reverse("review:review", args=[application.pk])


def test_review_journey_assign_score_agree_rank_export(page, live_server, roles):
    lead = UserFactory(roles=["secretariat"], full_name="Lene Dahl", email="lene.dahl@erst.example", password=PASSWORD)
    secretariat = UserFactory(
        roles=["secretariat"], full_name="Sofie Holm", email="sofie.holm@erst.example", password=PASSWORD
    )
    ufm = UserFactory(roles=["ufm"], full_name="Ulrik Friis", email="ulrik.friis@ufm.example", password=PASSWORD)
    call, application, others = build_call(lead)
    criteria = list(call.criteria.all())
    requirements = list(call.requirements.all())

    # --- the lead assigns both reviewers, one application at a time ------------------------------
    log_in_as(page, lead)
    page.goto(reverse("review:assign", args=[call.slug]))
    expect(page.locator(f"#application-{application.pk} .badge-warning")).to_have_count(2)  # needs both sides
    visit(page, "assign reviewers")
    for reviewer in (secretariat, ufm):
        page.select_option("#id_one-application", str(application.pk))
        page.select_option("#id_one-reviewer", str(reviewer.pk))
        submit_and_wait(page, "main form:has(input[name=action][value=one]) button[type=submit]")
        assert path_of(page) == reverse("review:assign", args=[call.slug])
        expect(page.locator(f"#application-{application.pk}")).to_contain_text(reviewer.get_full_name())
    expect(page.locator(f"#application-{application.pk} .badge-warning")).to_have_count(0)  # needs nobody
    visit(page, "assign reviewers: both assigned")
    assert set(Assignment.objects.filter(application=application).values_list("reviewer__email", "side")) == {
        (secretariat.email, Side.SECRETARIAT),
        (ufm.email, Side.UFM),
    }

    # --- the secretariat reviewer ---------------------------------------------------------------
    log_in_as(page, secretariat)
    page.goto(reverse("review:queue"))
    switch_language(page, "en")
    expect(page.locator("h1")).to_have_text("My review queue")
    visit(page, "review queue, in English")
    switch_language(page, "da")
    declare_no_conflict(page, application)
    # the portal suggests verdicts from the application's data (valid CVR, board, gold label)
    legal_entity = next(r for r in requirements if r.code == "legal_entity")
    expect(page.locator(f"input[name='req-{legal_entity.pk}-verdict'][value='met']")).to_be_checked()
    expect(page.locator("#requirement-legal_entity")).to_contain_text(application.organisation.cvr)
    visit(page, "review page: not started")
    secretariat_verdicts = {r.code: ("met", "") for r in requirements}
    secretariat_verdicts["robust_foundation"] = ("met", "Egenkapital og omsætning er tilstrækkelige.")
    secretariat_verdicts["virksomhedsguiden"] = ("needs_clarification", "Forpligtelsen er ikke underskrevet.")
    secretariat_scores = {
        "organisation": (5, "Stærk organisering med bred bestyrelse."),
        "activities": (4, "Gode aktiviteter for SMV'er."),
        "placement": (4, "Til stede i Odense."),
        "partners": (2, "Smal partnerkreds."),
    }
    review_application(
        page, call, application, verdicts=secretariat_verdicts, scores=secretariat_scores, draft_scores=2, english=True
    )

    # --- the UFM reviewer: one score inline in the matrix, then the review page -----------------------
    log_in_as(page, ufm)
    declare_no_conflict(page, application)
    visit(page, "review page: not started (UFM)")

    first = criteria[0]
    page.goto(reverse("review:matrix", args=[call.slug]))
    cell = page.locator(f"#cell-{application.pk}-{first.pk}")
    cell.locator("a[hx-get]").click()
    value_input = cell.locator("input[type=number]")
    expect(value_input).to_be_focused()
    visit(page, "review matrix: a score cell open for inline scoring")
    page.console_watch.expect("422")  # the refused score answers 422, which Chromium reports as an error
    value_input.fill("9")
    cell.locator("textarea").fill("For højt.")
    with page.expect_response(lambda r: r.url.endswith(f"/score/{first.pk}/") and r.request.method == "POST") as info:
        cell.locator("button[type=submit]").click()
    assert info.value.status == 422
    expect(cell.locator(".form-error-message").first).to_contain_text("5")
    expect(cell.locator("textarea")).to_have_value("For højt.")  # nothing typed is lost
    visit(page, "review matrix: an inline score refused")
    cell.locator("input[type=number]").fill("4")
    cell.locator("textarea").fill("Klar organisering.")
    with page.expect_response(lambda r: r.url.endswith(f"/score/{first.pk}/") and r.request.method == "POST") as info:
        cell.locator("button[type=submit]").click()
    assert info.value.status == 200
    expect(page.locator(f"#cell-{application.pk}-{first.pk} abbr")).to_have_text("UF")
    expect(page.locator(f"#cell-{application.pk}-{first.pk}")).to_contain_text("4")
    visit(page, "review matrix: an inline score saved")

    page.goto(reverse("review:review", args=[application.pk]))
    expect(page.locator(f"#id_crit-{first.pk}-value")).to_have_value("4")
    expect(page.locator(f"#id_crit-{first.pk}-justification")).to_have_value("Klar organisering.")
    visit(page, "review page: the score given in the matrix")
    ufm_verdicts = {r.code: ("met", "") for r in requirements}
    ufm_verdicts["robust_foundation"] = ("not_met", "Regnskabet viser for få ansatte.")
    ufm_scores = {
        "organisation": (4, "Klar organisering."),
        "activities": (4, "Relevante forløb."),
        "placement": (3, "Kun ét sted."),
        "partners": (4, "God bredde i partnerkredsen."),
    }
    review_application(page, call, application, verdicts=ufm_verdicts, scores=ufm_scores, draft_scores=1)
    # once submitted, the reviewer sees the other side's scores
    expect(page.locator(f"#criterion-{criteria[3].code}")).to_contain_text(secretariat_scores["partners"][1])

    # --- the joint assessment: written by UFM, confirmed by both sides ------------------------------
    consensus = {"organisation": 5, "activities": 4, "placement": 3, "partners": 3}
    page.goto(reverse("review:joint", args=[application.pk]))
    visit(page, "joint assessment: empty")
    for criterion in criteria:
        fill_score(page, criterion, consensus[criterion.code], f"Enige om {criterion.name}.")
    page.check("input[name=eligible][value=yes]")
    page.check("input[name=recommendation][value=recommend]")
    submit_and_wait(page, "#joint-form button[type=submit]")
    joint = JointAssessment.objects.get(application=application)
    assert joint.eligible is True and joint.recommendation == "recommend"
    # (30·5 + 30·4 + 20·3 + 20·3) / 100 = 3.90; points (30·4 + 30·3 + 20·2 + 20·2) / 4 = 72.50
    expect(page.locator("#joint-total")).to_contain_text("3,90")
    expect(page.locator("#joint-total")).to_contain_text("72,50")
    visit(page, "joint assessment: saved")
    submit_and_wait(page, "#confirmations form button[type=submit]")
    expect(page.locator("#confirmations")).to_contain_text(ufm.get_full_name())
    visit(page, "joint assessment: confirmed for UFM")

    log_in_as(page, secretariat)
    page.goto(reverse("review:joint", args=[application.pk]))
    submit_and_wait(page, "#confirmations form button[type=submit]")
    expect(page.locator("#confirmations .alert-success")).to_be_visible()
    joint.refresh_from_db()
    assert joint.is_agreed
    assert (joint.secretariat_confirmed_by, joint.ufm_confirmed_by) == (secretariat, ufm)
    visit(page, "joint assessment: agreed")
    switch_language(page, "en")
    expect(page.locator("#confirmations .alert-success")).to_contain_text("Agreed")
    visit(page, "joint assessment: agreed, in English")
    switch_language(page, "da")

    # --- the matrix: the ranking within the area, filters, sorting ----------------------------------
    page.goto(reverse("review:matrix", args=[call.slug]))
    water, circular, no_gold, energy = (
        others[name]
        for name in ("Klynge for Vandteknologi", "Cirkulær Klynge Nord", "Klynge uden Guldmærke", "Energiklyngen Midt")
    )

    def amounts(app) -> list[str]:
        """Return the row's weighted total, points and rank."""
        return [text.strip() for text in page.locator(f"#row-{app.pk} td.portal-amount").all_inner_texts()]

    # 3.90 (ours) > 3.80 (30·4 + 30·4 + 20·3 + 20·4) > 3.00; the ineligible one is not ranked
    assert amounts(application) == ["3,90", "72,50", "1"]
    assert amounts(circular) == ["3,80", "70,00", "2"]
    assert amounts(water) == ["3,00", "50,00", "3"]
    assert amounts(no_gold)[2] == "–"
    assert page.locator(f"#row-{no_gold.pk} .badge-error").count() == 1
    assert amounts(energy)[2] == "1"  # first in its own area
    area_rows = page.locator(f"#review-matrix tbody:has(#row-{application.pk}) tr[id^=row-]")
    expect(area_rows).to_have_count(4)
    assert area_rows.first.get_attribute("id") == f"row-{application.pk}"  # sorted by rank
    # the matrix uses the page's width, not just the 1200px container's (it would scroll sideways in it)
    widths = page.evaluate(
        "() => [document.getElementById('review-matrix').parentElement.getBoundingClientRect().width,"
        " document.querySelector('main').getBoundingClientRect().width]"
    )
    assert widths[0] > widths[1], widths
    visit(page, "review matrix")

    page.select_option("#id_area", str(application.business_area_id))
    page.select_option("#id_eligibility", "eligible")
    submit_and_wait(page, "#matrix-filter button[type=submit]")
    query = parse_qs(urlparse(page.url).query)
    assert query["area"] == [str(application.business_area_id)] and query["eligibility"] == ["eligible"]
    expect(page.locator("#review-matrix tr[id^=row-]")).to_have_count(3)
    expect(page.locator(f"#row-{no_gold.pk}")).to_have_count(0)
    expect(page.locator(f"#row-{energy.pk}")).to_have_count(0)
    # sort by the weighted total, lowest first (the filter is kept)
    with page.expect_navigation():
        page.locator("#review-matrix thead a[href*='sort=total']").click()
    expect(page.locator("#review-matrix thead th[aria-sort=ascending]")).to_have_count(1)
    rows = page.locator("#review-matrix tr[id^=row-]")
    assert [rows.nth(i).get_attribute("id") for i in range(3)] == [
        f"row-{water.pk}",
        f"row-{circular.pk}",
        f"row-{application.pk}",
    ]
    assert parse_qs(urlparse(page.url).query)["eligibility"] == ["eligible"]
    visit(page, "review matrix: filtered and sorted")
    switch_language(page, "en")
    expect(page.locator("h1")).to_have_text("Review matrix")
    assert amounts(application) == ["3.90", "72.50", "1"]
    visit(page, "review matrix: filtered and sorted, in English")
    switch_language(page, "da")

    # --- the CSV export of what the page shows ----------------------------------------------------
    with page.expect_download() as download_info:
        page.locator("main a[href*='matrix.csv']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        exported = list(csv.reader(io.StringIO(handle.read())))
    names = [line[0] for line in exported[1:]]
    assert names == [water.organisation.name, circular.organisation.name, application.organisation.name]
    ours = exported[1 + names.index(application.organisation.name)]
    assert ours[1] == application.organisation.cvr
    assert ours[4:8] == ["5", "4", "3", "3"]
    assert ours[8:11] == ["3.90", "72.50", "1"]

    # --- the compare view: two applications' texts for one criterion --------------------------------
    page.goto(reverse("review:matrix", args=[call.slug]))
    page.check(f"#compare-{application.pk}")
    page.check(f"#compare-{circular.pk}")
    page.select_option("#compare-criterion", criteria[1].code)
    visit(page, "review matrix: two applications ticked for comparison")
    submit_and_wait(page, "button[form=compare-form]")
    assert path_of(page) == reverse("review:compare", args=[call.slug])
    expect(page.locator(f"#compare-{application.pk}")).to_have_text(application.organisation.name)
    expect(page.locator("main")).to_contain_text(f"Tekst om {criteria[1].name}.")
    expect(page.locator("main")).to_contain_text(f"Cirkulær Klynge Nord om {criteria[1].name}.")
    visit(page, "compare two applications")

    # --- the history of the application --------------------------------------------------------------
    page.goto(reverse("review:review", args=[application.pk]))
    with page.expect_navigation():
        page.locator(f"main nav a[href='{reverse('review:history', args=[application.pk])}']").click()
    history = page.locator("main table tbody")
    for person in (ufm, secretariat, lead):
        expect(history).to_contain_text(person.get_full_name())
    assert history.locator("tr").count() >= 10
    visit(page, "history of the application")
    switch_language(page, "en")
    expect(history).to_contain_text("Joint assessment confirmed")
    expect(history).to_contain_text("Conflict of interest declaration")
    visit(page, "history of the application, in English")


def test_a_reviewer_who_declares_a_conflict_gets_404_on_the_application(page, live_server, roles):
    lead = UserFactory(roles=["secretariat"], full_name="Lene Dahl", email="lene.dahl@erst.example", password=PASSWORD)
    reviewer = UserFactory(roles=["ufm"], full_name="Karen Bro", email="karen.bro@ufm.example", password=PASSWORD)
    call = open_call_with_parts()
    application = SubmittedApplicationFactory(call=call, organisation__name="Klynge med Bestyrelsespost")
    from review.services import assignment_create

    assignment_create(application=application, reviewer=reviewer, by=lead)

    log_in_as(page, reviewer)
    page.goto(reverse("review:queue"))
    with page.expect_navigation():
        page.locator(f"a[href='{reverse('review:conflict', args=[application.pk])}']").click()
    page.check("input[name=conflict][value=declared]")
    submit_and_wait(page, "main form button[type=submit]")  # without the note: refused (422)
    expect(page.locator("#error-summary, .form-error").first).to_be_visible()
    expect(page.locator("input[name=conflict][value=declared]")).to_be_checked()
    visit(page, "conflict of interest: the note missing")
    page.fill("#id_note", "Jeg sidder i klyngens bestyrelse.")
    submit_and_wait(page, "main form button[type=submit]")
    assert path_of(page) == reverse("review:queue")
    expect(page.locator(f"tr:has-text('{application.organisation.name}') .badge-error")).to_be_visible()
    visit(page, "review queue: a conflict declared")
    assert Assignment.objects.get(application=application, reviewer=reviewer).is_conflicted

    for name in ("review:review", "review:conflict", "review:joint", "review:history"):
        response = page.goto(reverse(name, args=[application.pk]))
        assert response.status == 404, name
    # The project has no 404.html yet: Django's bare "Not Found" page has no <link rel=icon>, so Chromium
    # asks for /favicon.ico, which is 404 too (a resource, so the console watch reports it).
    page.console_watch.expect("favicon.ico")
    page.goto(reverse("review:matrix", args=[call.slug]))
    expect(page.locator("#review-matrix")).to_be_visible()
    expect(page.locator(f"#row-{application.pk}")).to_have_count(0)
    assert application.organisation.name not in page.locator("main").inner_text()
    visit(page, "review matrix: the conflicted application left out")

    log_in_as(page, lead)
    page.goto(reverse("review:assign", args=[call.slug]))
    expect(page.locator(f"#application-{application.pk} .badge-error")).to_be_visible()
    expect(page.locator(f"#application-{application.pk}")).to_contain_text("Jeg sidder i klyngens bestyrelse.")
    visit(page, "assign reviewers: a conflict to reassign")
