"""The applicant's whole journey in the real browser, and the autosave meeting a colleague's save.

A new visitor registers, confirms the e-mail address, registers an organisation, starts an
application for an open call, fills every section through the pages (typing, choosing, uploading
PDFs), submits, sees the receipt and downloads the receipt PDF. Every page visited is checked with
axe (WCAG 2.1 A/AA), the console and the Content-Security-Policy watch; the main pages are visited
again in English.
"""

from __future__ import annotations

import re
import subprocess
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import Activity, Application, Organisation, Partner, Region
from clusterfund.validators import cvr_with_check_digit
from tests.factories.applications import ApplicationFactory, open_call_with_parts
from tests.factories.clusterfund import UserFactory

from .conftest import log_in
from .journey import PASSWORD, path_of, switch_language, visit
from .pdfs import write_pdf

pytestmark = pytest.mark.browser

ORGANISATION_NAME = "Klynge for Grøn Omstilling"
# The autosave status; "Gemt kl." once the Danish catalogue has the msgid "Saved at %(time)s".
SAVED = re.compile(r"^(Gemt kl\.|Saved at) \d{2}:\d{2}$")
SAVED_EN = re.compile(r"^Saved at \d{2}:\d{2}$")


def valid_cvr(start: int) -> str:
    """Return the first valid CVR number from `start` (7 digits) on."""
    base = start
    while (cvr := cvr_with_check_digit(str(base))) is None:
        base += 1
    return cvr


def is_autosave(response, **fields: str) -> bool:
    """Return whether `response` answers an HTMX autosave whose form data holds every one of `fields`."""
    request = response.request
    if request.method != "POST" or request.headers.get("hx-request") != "true":
        return False
    posted = parse_qs(request.post_data or "", keep_blank_values=True)
    return all(posted.get(name) == [value] for name, value in fields.items())


def autosaved(page, **fields: str):
    """Return a context manager that waits for the autosave answer whose form data holds `fields`.

    The autosave posts the whole form, so an answer to a post with the last field typed means that
    everything typed before it is saved too.
    """
    return page.expect_response(lambda response: is_autosave(response, **fields), timeout=15_000)


def saved_status(page):
    return page.locator("#save-status .portal-saved")


def upload(page, kind: str, path) -> None:
    """Choose `path` for the upload of `kind` and press its Upload button.

    Choosing a file does not autosave the section (portal.js stops the file input's events); pressing
    Upload first saves what was typed in the section, then sends the file, and the page comes back.
    """
    box = page.locator(f"#evidence-{kind}")
    box.locator("input[type=file]").set_input_files(str(path))
    with page.expect_navigation():
        box.locator(f"button[form='upload-{kind}']:not([formaction])").click()
    expect(page.locator("main a", has_text=path.name)).to_be_visible()


def test_applicant_journey_register_fill_submit_receipt(page, live_server, mailoutbox, tmp_path):
    call = open_call_with_parts()
    requirements = {r.code: r for r in call.requirements.all()}
    criteria = list(call.criteria.order_by("order"))
    email = "mette.holm@groen-klynge.example"
    cvr = valid_cvr(3_141_592)

    # --- account -------------------------------------------------------------------------------
    page.goto(reverse("applications:register"))
    visit(page, "register")
    page.fill("#id_full_name", "Mette Holm")
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert path_of(page) == reverse("applications:register_sent")
    expect(page.locator("main")).to_contain_text(email)
    visit(page, "registration sent")

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [email]
    link = re.search(r"https?://\S+/konto/bekraeft/[^/\s]+/", mailoutbox[0].body).group(0)
    page.goto(urlparse(link).path)
    visit(page, "confirm the e-mail address")
    with page.expect_navigation():
        page.click("#confirm-button")
    assert path_of(page) == reverse("applications:organisation_create")
    visit(page, "register an organisation")

    # --- organisation --------------------------------------------------------------------------
    page.fill("#id_name", ORGANISATION_NAME)
    page.fill("#id_cvr", f"{cvr[:4]} {cvr[4:]}")
    page.select_option("#id_legal_form", Organisation.LegalForm.ASSOCIATION)
    page.check("#id_is_non_profit")
    page.fill("#id_address", "Søndergade 12")
    page.fill("#id_postcode", "5000")
    page.fill("#id_city", "Odense C")
    page.select_option("#id_region", Region.SYDDANMARK)
    page.fill("#id_website", "https://groen-klynge.example")
    page.fill("#id_virksomhedsguiden_url", "https://virksomhedsguiden.dk/groen-klynge")
    with page.expect_navigation():
        page.click("#organisation-form button[type=submit]")
    organisation = Organisation.objects.get(cvr=cvr)
    assert path_of(page) == reverse("applications:organisation", args=[organisation.pk])
    expect(page.locator("#organisation-name")).to_have_text(ORGANISATION_NAME)
    visit(page, "organisation dashboard")

    with page.expect_navigation():
        page.click(f"#start-{call.slug} button[type=submit]")
    application = Application.objects.get(organisation=organisation, call=call)
    assert path_of(page) == reverse("applications:overview", args=[application.pk])
    visit(page, "application overview (draft)")

    def section(name: str) -> str:
        return reverse(f"applications:section_{name}", args=[application.pk])

    # --- requirements --------------------------------------------------------------------------
    with page.expect_navigation():
        page.click(f"main a.button-primary[href='{section('requirements')}']")
    visit(page, "requirements")
    upload(page, "statutes", write_pdf(tmp_path, "Vedtaegter.pdf", "Vedtaegter for Klynge for Groen Omstilling"))
    visit(page, "requirements after uploading the statutes")
    upload(page, "annual_accounts", write_pdf(tmp_path, "Aarsregnskab-2020.pdf", "Aarsregnskab 2020"))
    visit(page, "requirements after uploading the annual accounts")
    upload(page, "gold_certificate", write_pdf(tmp_path, "Guldcertifikat.pdf", "ECEI Gold Label"))
    visit(page, "requirements after uploading the gold label certificate")

    for number, requirement in enumerate(requirements.values(), start=1):
        page.fill(f"#id_requirement_{requirement.pk}", f"Sådan opfylder vi krav {number}: se bilag og tal.")
    page.fill("#id_equity", "2.500.000")
    page.fill("#id_turnover", "15.000.000")
    page.fill("#id_staff_count", "12")
    page.fill("#id_board-0-name", "Anne Virksomhedsleder")
    page.select_option("#id_board-0-affiliation", "company")
    page.fill("#id_board-0-employer", "Vindmøller A/S")
    page.fill("#id_board-1-name", "Bo Professor")
    page.select_option("#id_board-1-affiliation", "knowledge_institution")
    page.fill("#id_board-1-employer", "Syddansk Universitet")
    page.check(f"input[name=gold_status][value={Application.GoldStatus.GOLD}]")
    page.fill("#id_gold_awarded_on", "2019-03-01")
    page.fill("#id_gold_expires_on", "2027-03-01")
    listing = "https://virksomhedsguiden.dk/groen-klynge/ydelser"
    with autosaved(page, vg_listing_url=listing):
        page.fill("#id_vg_listing_url", listing)
        page.keyboard.press("Tab")
    expect(saved_status(page)).to_have_text(SAVED)
    expect(page.locator("#board-statement .portal-board-ok")).to_be_visible()
    visit(page, "requirements, autosaved")
    with page.expect_navigation():
        page.click("#section-form .portal-save-bar button[type=submit]")
    assert path_of(page) == section("requirements")
    expect(page.locator("#id_equity")).to_have_value("2.500.000")
    expect(page.locator("#id_board-1-name")).to_have_value("Bo Professor")
    visit(page, "requirements, saved")
    application.refresh_from_db()
    assert (application.equity, application.turnover, application.staff_count) == (2_500_000, 15_000_000, 12)
    assert str(application.gold_awarded_on) == "2019-03-01" and str(application.gold_expires_on) == "2027-03-01"
    assert application.vg_listing_url == listing
    assert sorted(application.board_members.values_list("affiliation", flat=True)) == [
        "company",
        "knowledge_institution",
    ]

    # --- business area -------------------------------------------------------------------------
    page.goto(section("area"))
    visit(page, "business area")
    area = call.areas.get(name="Energiteknologi")
    with autosaved(page, business_area=str(area.pk)):
        page.check(f"input[name=business_area][value='{area.pk}']")
    expect(saved_status(page)).to_have_text(SAVED)
    visit(page, "business area, autosaved")

    # --- criteria ------------------------------------------------------------------------------
    page.goto(section("criteria"))
    visit(page, "criteria")
    page.select_option("#id_locations-0-kind", "headquarters")
    page.fill("#id_locations-0-city", "Odense")
    page.select_option("#id_locations-0-region", Region.SYDDANMARK)
    page.select_option("#id_locations-1-kind", "branch")
    page.fill("#id_locations-1-city", "Aarhus")
    page.select_option("#id_locations-1-region", Region.MIDTJYLLAND)
    for criterion in criteria[:-1]:
        page.fill(f"#id_criterion_{criterion.pk}", f"Om {criterion.name}: vi har en klar plan.")
    last, last_text = criteria[-1], "Partnerkredsen tæller 40 virksomheder."
    with autosaved(page, **{f"criterion_{last.pk}": last_text}):
        page.click(f"#id_criterion_{last.pk}")
        page.keyboard.type(last_text)
    # The form autosaves two seconds after the last keystroke, and says when it saved.
    expect(saved_status(page)).to_have_text(SAVED, timeout=10_000)
    visit(page, "criteria, autosaved")
    assert sorted(application.locations.values_list("kind", "city")) == [
        ("branch", "Aarhus"),
        ("headquarters", "Odense"),
    ]
    assert application.criterion_answers.count() == len(criteria)

    # --- activities ----------------------------------------------------------------------------
    page.goto(section("activities"))
    visit(page, "activities (none yet)")
    with page.expect_navigation():
        page.click(f"main a[href='{reverse('applications:activity_create', args=[application.pk])}']")
    visit(page, "new activity")
    page.select_option("#id_activity_type", str(call.activity_types.get().pk))
    page.fill("#id_title", "Innovationsforløb for SMV'er")
    page.fill("#id_description", "Forløb hvor virksomheder og forskere udvikler løsninger sammen.")
    page.select_option("#id_first_year", "2021")
    page.select_option("#id_last_year", "2024")
    page.fill("#id_budget", "4.000.000")
    page.fill("#id_actors-0-name", "Vindmøller A/S")
    page.select_option("#id_actors-0-actor_type", "company")
    page.fill("#id_actors-1-name", "Syddansk Universitet")
    page.select_option("#id_actors-1-actor_type", "knowledge_institution")
    with page.expect_navigation():
        page.click("#section-form .portal-form-actions button[type=submit]")
    assert path_of(page) == section("activities")
    activity = Activity.objects.get(application=application)
    assert activity.budget == 4_000_000
    assert sorted(activity.actors.values_list("actor_type", flat=True)) == ["company", "knowledge_institution"]
    expect(page.locator(f"#activity-{activity.pk} .alert-error")).to_have_count(0)
    visit(page, "activities (one)")

    # --- partner circle ------------------------------------------------------------------------
    page.goto(section("partners"))
    visit(page, "partner circle (empty)")
    page.fill("#id_partners-0-name", "Havnens Energi ApS")
    page.select_option("#id_partners-0-partner_type", "company")
    page.fill("#id_partners-0-cvr", valid_cvr(2_718_281))
    role = "Leverer testfaciliteter"
    with autosaved(page, **{"partners-0-role": role}):
        page.fill("#id_partners-0-role", role)
        page.keyboard.press("Tab")
    expect(saved_status(page)).to_have_text(SAVED)
    with page.expect_navigation():
        page.click("#section-form .portal-save-bar button[type=submit]")
    partner = Partner.objects.get(application=application)  # autosave and Save made one partner, not two
    assert (partner.partner_type, partner.role) == ("company", role)
    visit(page, "partner circle (one partner)")
    letter = write_pdf(tmp_path, "Hensigtserklaering.pdf", "Hensigtserklaering fra Havnens Energi")
    letter_box = page.locator(f"#partner-{partner.pk}-letter")
    letter_box.locator("input[type=file]").set_input_files(str(letter))
    with page.expect_navigation():
        letter_box.locator("button[type=submit]").click()
    expect(page.locator(f"#partner-{partner.pk}-letter a", has_text=letter.name)).to_be_visible()
    visit(page, "partner circle with a letter of intent")

    # --- budget --------------------------------------------------------------------------------
    page.goto(section("budget"))
    visit(page, "budget")
    for year in call.years:
        page.fill(f"#id_board_{year}", "1.000.000")
        page.fill(f"#id_ufm_{year}", "500.000")
    with autosaved(page, cofinancing_2024="250.000"):
        for year in call.years:
            page.fill(f"#id_cofinancing_{year}", "250.000")
        page.keyboard.press("Tab")
    expect(saved_status(page)).to_have_text(SAVED)
    with page.expect_navigation():
        page.click("#section-form .portal-save-bar button[type=submit]")
    expect(page.locator("#id_board_2022")).to_have_value("1.000.000")
    expect(page.locator("[data-budget-total-column=all]")).to_contain_text("7.000.000")
    visit(page, "budget, saved")

    # --- attachments ---------------------------------------------------------------------------
    page.goto(section("attachments"))
    visit(page, "attachments")
    upload(page, "other", write_pdf(tmp_path, "Strategi-2021-2024.pdf", "Strategi 2021-2024"))
    assert application.attachments.count() == 5
    visit(page, "attachments after an upload")

    # --- check and submit, in English ------------------------------------------------------------
    page.goto(reverse("applications:submit", args=[application.pk]))
    expect(page.locator(".portal-missing-list")).to_have_count(0)
    # The step guide shows each of the seven sections as complete.
    expect(page.locator(".step-indicator use[href$='#check']")).to_have_count(7)
    expect(page.locator(".step-indicator li.error")).to_have_count(0)
    visit(page, "check and submit")
    switch_language(page, "en")
    visit(page, "check and submit (en)")

    page.goto(reverse("applications:organisation", args=[organisation.pk]))
    visit(page, "organisation dashboard (en)")
    page.goto(section("criteria"))
    visit(page, "criteria (en)")
    first_text = f"Om {criteria[0].name}: vi har en klar plan. We also run a branch in Aarhus."
    with autosaved(page, **{f"criterion_{criteria[0].pk}": first_text}):
        page.click(f"#id_criterion_{criteria[0].pk}")
        page.keyboard.press("End")
        page.keyboard.type(" We also run a branch in Aarhus.")
    expect(saved_status(page)).to_have_text(SAVED_EN, timeout=10_000)
    visit(page, "criteria, autosaved (en)")
    page.goto(section("budget"))
    visit(page, "budget (en)")
    page.goto(reverse("applications:overview", args=[application.pk]))
    visit(page, "application overview, ready (en)")

    page.goto(reverse("applications:submit", args=[application.pk]))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert path_of(page) == reverse("applications:receipt", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert re.fullmatch(r"[0-9a-f]{64}", application.content_sha256)
    expect(page.locator("code.portal-hash")).to_have_text(application.content_sha256)
    visit(page, "receipt (en)")
    receipt_mail = mailoutbox[-1]
    assert receipt_mail.to == [email]
    assert application.content_sha256 in receipt_mail.body
    switch_language(page, "da")
    visit(page, "receipt")

    with page.expect_download() as download_info:
        page.click(f"a[href='{reverse('applications:receipt_pdf', args=[application.pk])}']")
    pdf_path = tmp_path / "kvittering.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True)
    print("pdftotext of the receipt:\n" + text.stdout)
    assert ORGANISATION_NAME in text.stdout
    assert application.content_sha256 in re.sub(r"\s+", "", text.stdout)

    page.goto(reverse("applications:overview", args=[application.pk]))
    visit(page, "application overview (submitted)")


@pytest.fixture
def colleague_page(browser, live_server):
    """Return a second page with its own cookies (another person's browser), watched like `page`, in English."""
    from .conftest import _CSP_LISTENER, ConsoleWatch

    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    context.add_init_script(_CSP_LISTENER)
    second = context.new_page()
    second.set_default_timeout(15_000)
    watch = ConsoleWatch()
    second.on("response", watch.on_response)
    second.on("console", watch.on_console)
    second.on("pageerror", watch.on_page_error)
    second.console_watch = watch
    yield second
    leftovers = watch.take()
    context.close()
    assert not leftovers, "\n".join(leftovers)


def test_autosave_refuses_to_overwrite_a_colleagues_save(page, colleague_page, live_server, roles):
    call = open_call_with_parts()
    criterion = call.criteria.order_by("order").first()
    anna = UserFactory(roles=["applicant"], email="anna@klynge.example", full_name="Anna Andersen", password=PASSWORD)
    bjarne = UserFactory(roles=["applicant"], email="bjarne@klynge.example", full_name="Bjarne Berg", password=PASSWORD)
    application = ApplicationFactory(call=call, created_by=anna)
    application.organisation.members.add(anna, bjarne)
    path = reverse("applications:section_criteria", args=[application.pk])
    field = f"criterion_{criterion.pk}"

    log_in(page, anna.email, PASSWORD)
    log_in(colleague_page, bjarne.email, PASSWORD)
    page.goto(path)
    colleague_page.goto(path)  # both pages now hold version 0 of the section

    anna_text = "Anna: klyngens sekretariat ligger i Odense."
    with autosaved(page, **{field: anna_text}):
        page.fill(f"#id_{field}", anna_text)
    expect(saved_status(page)).to_have_text(SAVED)

    bjarne_text = "Bjarne: the secretariat has eleven staff."
    with autosaved(colleague_page, **{field: bjarne_text}):
        colleague_page.fill(f"#id_{field}", bjarne_text)
    refusal = colleague_page.locator("#save-status .portal-save-error")
    expect(refusal).to_contain_text("Not saved: Anna Andersen saved this section")
    visit(colleague_page, "criteria, autosave refused after a colleague's save (en)")

    # Save without JavaScript's help: the page explains the conflict and keeps what Bjarne typed.
    with colleague_page.expect_navigation():
        colleague_page.click("#section-form .portal-save-bar button[type=submit]")
    conflict = colleague_page.locator("#conflict[role=alert]")
    expect(conflict).to_contain_text("Anna Andersen saved this section")
    expect(conflict.locator(f"a[href='{path}']")).to_contain_text("Reload")
    expect(colleague_page.locator(f"#id_{field}")).to_have_value(bjarne_text)
    visit(colleague_page, "criteria with a save conflict (en)")
    assert application.criterion_answers.get(criterion=criterion).text == anna_text  # nothing overwritten

    # Bjarne chooses to keep his version; Anna's page then learns of his save in the same way.
    with colleague_page.expect_navigation():
        conflict.locator("button[type=submit][form=section-form]").click()
    expect(colleague_page.locator("#conflict")).to_have_count(0)
    expect(colleague_page.locator(f"#id_{field}")).to_have_value(bjarne_text)
    assert application.criterion_answers.get(criterion=criterion).text == bjarne_text
    visit(colleague_page, "criteria saved over a colleague's version (en)")

    with autosaved(page, **{field: anna_text + "!"}):
        page.fill(f"#id_{field}", anna_text + "!")
    expect(page.locator("#save-status .portal-save-error")).to_contain_text("Bjarne Berg")
    assert application.criterion_answers.get(criterion=criterion).text == bjarne_text
