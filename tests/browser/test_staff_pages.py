"""The staff's own pages in the real browser (issue 11, items 6 and 7).

The secretariat configures a call end to end through the portal's pages: creates it (deadline in Danish
time), adds a business area, a requirement, a criterion with its weight, an activity type, a milestone and
the budget frames. The administrator then grants a role and finds both in the audit log, and creates a user, who
chooses a password from the invitation e-mail. Every page is
checked with axe (WCAG 2.1 A/AA), the console and the CSP watch, in Danish and again in English.

The wide tables (the review matrix and the allocation grid) are checked at 1280 px and at a phone's 390 px:
scrolled sideways to the end inside their wrapper, the column naming the row is still in view (bounding
boxes), and the totals row (the grid) or totals column (the matrix) has a heavy rule (computed style).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import ActivityType, BudgetFrame, Call, Criterion, Funder, Milestone, Requirement
from clusterfund.models import AuditEvent, User
from clusterfund.roles import roles_of
from tests.factories.allocation import make_proposal, selected_call
from tests.factories.clusterfund import UserFactory
from tests.factories.review import call_with_reviews

from .journey import PASSWORD, log_in_as, path_of, submit_and_wait, switch_language, visit

pytestmark = pytest.mark.browser


def staff_user(role: str, name: str):
    return UserFactory(roles=[role], full_name=name, password=PASSWORD)


def save_and_check(page, label: str, visited: list[str]) -> None:
    submit_and_wait(page, "#parts-form button[type=submit]")
    expect(page.locator(".portal-messages .alert-success")).to_be_visible()
    visit(page, label)
    visited.append(page.url)


def click_link(page, scope: str, url: str) -> None:
    """Follow the link to `url` inside `scope` (e.g. the call pages' own navigation)."""
    with page.expect_navigation():
        page.click(f"{scope} a[href='{url}']")


def last_row(page, prefix: str) -> int:
    """Return the index of the formset's empty row (the last form)."""
    return int(page.locator(f"#id_{prefix}-TOTAL_FORMS").input_value()) - 1


def test_secretariat_configures_a_call_and_the_administrator_grants_a_role(page, live_server, roles):
    secretariat = staff_user("secretariat", "Søren Sekretariat")
    administrator = staff_user("administrator", "Agnete Administrator")
    newcomer = UserFactory(roles=["applicant"], email="ny.kollega@erst.example", full_name="Ny Kollega")
    visited: list[str] = []

    log_in_as(page, secretariat)
    page.locator("header nav.nav a.nav-link", has_text="Administration").first.click()
    page.wait_for_load_state("load")
    assert path_of(page) == reverse("staff_index")
    visit(page, "administration (secretariat)")
    visited.append(page.url)
    expect(page.locator("#staff-links")).not_to_contain_text("Brugere og roller")  # the administrator's page

    # the list of calls, and a new call: an error first (deadline before the opening), then right
    click_link(page, "#staff-links", reverse("applications:call_admin_list"))
    visit(page, "calls (administration)")
    visited.append(page.url)
    page.click("main a.button-primary")
    page.fill("#id_title", "Klyngeopslag 2026")
    page.fill("#id_title_en", "Cluster call 2026")
    page.fill("#id_slug", "klyngeopslag-2026")
    page.fill("#id_period_start", "2026")
    page.fill("#id_period_end", "2027")
    page.fill("#id_opens_at", "2026-03-02T09:00")
    page.fill("#id_deadline", "2026-03-01T12:00")
    submit_and_wait(page, "#call-form button[type=submit]")
    expect(page.locator(".portal-error-summary")).to_contain_text("Fristen skal ligge efter åbningen")
    visit(page, "create a call, with an error")
    page.fill("#id_deadline", "2026-05-15T12:00")
    submit_and_wait(page, "#call-form button[type=submit]")
    call = Call.objects.get(slug="klyngeopslag-2026")
    assert call.deadline == dt.datetime(2026, 5, 15, 10, 0, tzinfo=dt.UTC)  # 12:00 Danish summer time
    assert path_of(page) == reverse("applications:call_admin_edit", args=[call.slug])
    expect(page.locator("#id_deadline")).to_have_value("2026-05-15T12:00")
    visit(page, "call settings")
    visited.append(page.url)

    # a business area (a table of inputs, each with its own label)
    click_link(page, "main nav", reverse("applications:call_admin_areas", args=[call.slug]))
    row = last_row(page, "areas")
    page.fill(f"#id_areas-{row}-name", "Life science og velfærdsteknologi")
    page.fill(f"#id_areas-{row}-name_en", "Life science and welfare technology")
    save_and_check(page, "business areas", visited)
    assert call.areas.get().name_en == "Life science and welfare technology"

    # a requirement
    click_link(page, "main nav", reverse("applications:call_admin_requirements", args=[call.slug]))
    row = last_row(page, "requirements")
    page.fill(f"#id_requirements-{row}-code", "legal_entity")
    page.fill(f"#id_requirements-{row}-text", "Klyngeorganisationen skal være en selvstændig juridisk enhed.")
    save_and_check(page, "requirements", visited)
    assert Requirement.objects.filter(call=call, code="legal_entity").exists()

    # a criterion with its weight: 0 is refused, 40 is saved and the sum shows
    click_link(page, "main nav", reverse("applications:call_admin_criteria", args=[call.slug]))
    row = last_row(page, "criteria")
    page.fill(f"#id_criteria-{row}-code", "activities")
    page.fill(f"#id_criteria-{row}-name", "Aktiviteter og services")
    page.fill(f"#id_criteria-{row}-short_name", "Aktiviteter")
    page.fill(f"#id_criteria-{row}-weight", "0")
    submit_and_wait(page, "#parts-form button[type=submit]")
    expect(page.locator(f"#div_id_criteria-{row}-weight")).to_contain_text("Vægten skal være over 0.")
    visit(page, "criteria, with an error")
    page.fill(f"#id_criteria-{row}-weight", "40")
    save_and_check(page, "criteria", visited)
    expect(page.locator("#weight-total")).to_contain_text("40")
    assert Criterion.objects.get(call=call, code="activities").weight == 40

    # an activity type and a milestone
    click_link(page, "main nav", reverse("applications:call_admin_activity_types", args=[call.slug]))
    row = last_row(page, "activity_types")
    page.fill(f"#id_activity_types-{row}-code", "matchmaking")
    page.fill(f"#id_activity_types-{row}-name", "Matchmaking og netværk")
    save_and_check(page, "activity types", visited)
    assert ActivityType.objects.filter(call=call, code="matchmaking").exists()
    click_link(page, "main nav", reverse("applications:call_admin_milestones", args=[call.slug]))
    row = last_row(page, "milestones")
    page.fill(f"#id_milestones-{row}-title", "Ansøgningsfrist")
    page.fill(f"#id_milestones-{row}-date", "2026-05-15")
    save_and_check(page, "timeline", visited)
    assert Milestone.objects.get(call=call).date == dt.date(2026, 5, 15)

    # the budget frames, on allocation's page, linked from the call's pages
    click_link(page, "main nav", reverse("allocation:frames", args=[call.slug]))
    visit(page, "budget frames, empty")
    page.fill("#id_frames-0-amount", "80.000.000")
    page.select_option("#id_frames-0-source", "finance_act")
    page.fill("#id_frames-0-source_year", "2025")
    submit_and_wait(page, "main form button[type=submit]")
    expect(page.locator("#frames-table")).to_contain_text("80.000.000 kr.")
    visit(page, "budget frames")
    visited.append(page.url)
    assert BudgetFrame.objects.get(call=call, year=2026, funder=Funder.BOARD).source_year == 2025

    # the administrator grants the newcomer the UFM role and finds it, and the call, in the audit log
    log_in_as(page, administrator)
    page.goto(reverse("staff_index"))
    click_link(page, "#staff-links", reverse("staff_users"))
    page.fill("#id_q", "ny.kollega")
    submit_and_wait(page, "#user-filter button[type=submit]")
    expect(page.locator("#user-list tbody tr")).to_have_count(1)
    visit(page, "users and roles")
    visited.append(page.url)
    page.click(f"#user-{newcomer.pk} a")
    page.check("input[name=roles][value=ufm]")
    submit_and_wait(page, "#access-form button[type=submit]")
    expect(page.locator(".portal-messages .alert-success")).to_be_visible()
    visit(page, "a user's access")
    visited.append(page.url)
    newcomer._role_cache = None
    assert roles_of(newcomer) == {"applicant", "ufm"}

    page.goto(reverse("staff_audit_log"))
    page.select_option("#id_action", "user.access")
    submit_and_wait(page, "#audit-filter button[type=submit]")
    expect(page.locator("#audit-log tbody tr")).to_have_count(1)
    expect(page.locator("#audit-log")).to_contain_text("Ny Kollega")
    visit(page, "audit log, filtered")
    visited.append(page.url)
    page.fill("#id_actor", secretariat.email)
    page.select_option("#id_action", "call.create")
    submit_and_wait(page, "#audit-filter button[type=submit]")
    expect(page.locator("#audit-log")).to_contain_text("Klyngeopslag 2026")
    assert AuditEvent.objects.filter(actor=secretariat, action__startswith="call.").count() >= 6

    # every page again in English (the secretariat's pages as the administrator, who may see them too)
    switch_language(page, "en")
    for url in visited:
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        visit(page, f"in English: {path_of(page)}")
    expect(page.locator("h1")).to_have_text("Audit log")


# --- wide tables ----------------------------------------------------------------------------------

IN_VIEW_AFTER_SCROLL = """(selector) => {
  const table = document.querySelector(selector);
  const wrapper = table.closest(".table--responsive-scroll");
  const overflows = wrapper.scrollWidth > wrapper.clientWidth + 1;
  wrapper.scrollLeft = wrapper.scrollWidth;
  const box = wrapper.getBoundingClientRect();
  const pinned = [...table.querySelectorAll("tbody tr > th[scope=row]")].slice(0, 3);
  const last = table.querySelector("tbody tr:last-child > :last-child").getBoundingClientRect();
  return {
    overflows,
    scrolled: wrapper.scrollLeft,
    wrapper: [box.left, box.right],
    pinned: pinned.map((cell) => { const r = cell.getBoundingClientRect(); return [r.left, r.right]; }),
    lastCell: [last.left, last.right],
    viewport: window.innerWidth,
  };
}"""

BORDER = """([selector, side]) => getComputedStyle(document.querySelector(selector))[`border${side}Width`]"""


def assert_first_column_in_view(page, selector: str, *, must_overflow: bool) -> dict:
    """Scroll the table's wrapper to its right end; assert the row headers stay inside the wrapper's box."""
    result = page.evaluate(IN_VIEW_AFTER_SCROLL, selector)
    left, right = result["wrapper"]
    assert right <= result["viewport"] + 1, f"the table's wrapper is wider than the page: {result}"
    if must_overflow:
        assert result["overflows"] and result["scrolled"] > 0, f"expected the table to scroll sideways: {result}"
    assert result["pinned"], result
    for cell_left, cell_right in result["pinned"]:
        assert left - 1 <= cell_left and cell_right <= right + 1, f"the first column scrolled out of view: {result}"
        assert cell_right - cell_left >= 60, f"the first column is too narrow to read: {result}"
    # the last cell, scrolled into view, is not hidden behind the pinned column
    assert result["lastCell"][1] <= right + 1 and result["lastCell"][0] >= max(r for _, r in result["pinned"]) - 1
    return result


def px(value: str) -> float:
    return float(value.removesuffix("px"))


@pytest.mark.parametrize("width", [1280, 390])
def test_wide_tables_keep_their_first_column_and_totals_visible(page, live_server, roles, width):
    page.set_viewport_size({"width": width, "height": 900})
    secretariat = staff_user("secretariat", "Søren Sekretariat")

    # the review matrix: many applications, six reviewers each
    matrix_call = call_with_reviews(applications=8, reviewers=6)
    log_in_as(page, secretariat)
    page.goto(reverse("review:matrix", args=[matrix_call.slug]))
    visit(page, f"review matrix at {width} px")
    assert_first_column_in_view(page, "#review-matrix", must_overflow=width < 1280)
    # the compare box column stays pinned too, left of the name
    boxes = page.evaluate(
        """() => { const w = document.querySelector('#review-matrix').closest('.table--responsive-scroll');
        const cell = document.querySelector('#review-matrix tbody tr[id^=row-] > td:first-child');
        const name = cell.nextElementSibling;
        return [w.getBoundingClientRect().left, cell.getBoundingClientRect().left,
                cell.getBoundingClientRect().right, name.getBoundingClientRect().left]; }"""
    )
    assert boxes[0] - 1 <= boxes[1] and abs(boxes[2] - boxes[3]) <= 1, boxes
    totals = px(page.evaluate(BORDER, ["#review-matrix tbody tr[id^=row-] > td.portal-totals-column", "Left"]))
    plain = px(page.evaluate(BORDER, ["#review-matrix tbody tr[id^=row-] > td:nth-child(3)", "Left"]))
    assert totals >= 3 and totals > plain

    # the allocation grid of a proposal: four years, four organisations
    grid_call = selected_call(organisations=4)
    proposal = make_proposal(grid_call, by=secretariat)
    page.goto(reverse("allocation:proposal", args=[proposal.pk]))
    visit(page, f"allocation grid at {width} px")
    assert_first_column_in_view(page, "#allocation-grid", must_overflow=width < 1280)
    totals = px(page.evaluate(BORDER, ["#allocation-grid #totals > th", "Top"]))
    body = px(page.evaluate(BORDER, ["#allocation-grid tbody tr:last-child > th", "Top"]))
    assert totals >= 3 and totals > body
    assert page.evaluate(BORDER, ["#allocation-grid #totals > td:last-child", "Top"]) == f"{totals:g}px"


# --- a new user -----------------------------------------------------------------------------------

INVITATION_LINK = re.compile(r"https?://[^/\s]+(/konto/adgangskode/nulstil/[^/\s]+/[^/\s]+/)")


def test_the_administrator_creates_a_user_who_chooses_a_password(page, live_server, roles):
    administrator = staff_user("administrator", "Agnete Administrator")
    UserFactory(roles=["applicant"], email="karen@erst.example", full_name="Karen Ansøger")
    visited: list[str] = []

    log_in_as(page, administrator)
    page.goto(reverse("staff_users"))
    with page.expect_navigation():
        page.click("#user-create")
    assert path_of(page) == reverse("staff_user_create")
    visit(page, "new user")
    visited.append(page.url)

    # the same address in other letters is another account's: refused in Danish, the fields kept
    page.fill("#id_full_name", "Ulla Hansen")
    page.fill("#id_email", "KAREN@Erst.example")
    page.check("input[name=roles][value=ufm]")
    submit_and_wait(page, "#user-create-form button[type=submit]")
    expect(page.locator(".portal-error-summary")).to_contain_text(
        "Der findes allerede en konto med denne e-mailadresse"
    )
    expect(page.locator("#id_full_name")).to_have_value("Ulla Hansen")
    expect(page.locator("input[name=roles][value=ufm]")).to_be_checked()
    visit(page, "new user, with an error")
    assert User.objects.filter(email__iexact="karen@erst.example").count() == 1

    page.fill("#id_email", "Ulla.Hansen@UFM.example")
    submit_and_wait(page, "#user-create-form button[type=submit]")
    person = User.objects.get(email="ulla.hansen@ufm.example")
    assert path_of(page) == reverse("staff_user", args=[person.pk])
    expect(page.locator(".portal-messages .alert-success")).to_contain_text("er oprettet")
    expect(page.locator("#invitation-form")).to_be_visible()
    visit(page, "the new user's page")
    visited.append(page.url)
    assert roles_of(person) == {"ufm"} and not person.has_usable_password()
    assert AuditEvent.objects.filter(action="user.create", object_id=str(person.pk), actor=administrator).exists()
    assert [m.to for m in mail.outbox] == [["ulla.hansen@ufm.example"]]
    assert mail.outbox[0].subject == "Din konto på Klyngeportalen: vælg en adgangskode"

    # then grants a second role on the user's page
    page.check("input[name=roles][value=secretariat]")
    submit_and_wait(page, "#access-form button[type=submit]")
    expect(page.locator(".portal-messages .alert-success")).to_be_visible()
    person._role_cache = None
    assert roles_of(person) == {"ufm", "secretariat"}

    # the pages again in English, the refused address too; an invitation sent again, in English
    switch_language(page, "en")
    for url in visited:
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        visit(page, f"in English: {path_of(page)}")
    page.check("#id_invitation-language_1")
    submit_and_wait(page, "#invitation-form button[type=submit]")
    expect(page.locator(".portal-messages .alert-success")).to_contain_text("A new invitation is sent")
    visit(page, "in English: invitation sent again")
    assert len(mail.outbox) == 2 and mail.outbox[1].subject == "Your account on Klyngeportalen: choose a password"
    page.goto(reverse("staff_user_create"))
    page.fill("#id_full_name", "Karen")
    page.fill("#id_email", "Karen@ERST.example")
    submit_and_wait(page, "#user-create-form button[type=submit]")
    expect(page.locator(".portal-error-summary")).to_contain_text("An account with this e-mail address already exists")
    visit(page, "in English: new user, with an error")

    # the new user opens the link, chooses a password and logs in
    page.context.clear_cookies()
    page.goto(INVITATION_LINK.search(mail.outbox[0].body).group(1))
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    submit_and_wait(page, "main form button[type=submit]")
    assert path_of(page) == reverse("password_reset_complete")
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    log_in_as(page, person)
    expect(page.locator(".portal-user")).to_contain_text("Ulla Hansen")
