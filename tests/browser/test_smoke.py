"""Smoke tests in the real browser: every role logs in through the login form and sees its start
page and the call page; the public pages work in Danish and in English; each page has no axe
WCAG 2.1 A/AA violations, no console errors and no CSP violations."""

import re

import pytest

from clusterfund.demo import DEMO_PASSWORD

from .conftest import CALL_PATH, DEMO_LOGINS, check_page, log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", list(DEMO_LOGINS))
def test_smoke_role_logs_in_and_sees_start_and_call_pages(page, seeded, role):
    log_in(page, DEMO_LOGINS[role], DEMO_PASSWORD)
    assert page.url.endswith("/start/"), f"{role} landed on {page.url}"
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator(".portal-user form button.log-off").is_visible()
    check_page(page, f"start page after login ({role})")

    page.goto(CALL_PATH)
    assert page.locator("h1").count() == 1
    check_page(page, f"call page ({role})")

    page.locator(".navigation-menu a.nav-link[href='/start/']").click()
    page.wait_for_url(re.compile(r"/start/$"))
    assert page.locator(".navigation-menu a[aria-current='page']").get_attribute("href") == "/start/"
    check_page(page, f"start page via the menu ({role})")

    page.locator(".portal-user form button.log-off").click()
    page.wait_for_load_state("load")
    assert page.locator(".portal-user a.log-on").is_visible()
    check_page(page, f"front page after logging out ({role})")


def test_smoke_public_pages_in_danish_and_english(page, seeded):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "da"
    check_page(page, "front page (da)")

    page.goto("/tilgaengelighed/")
    check_page(page, "accessibility statement (da)")

    page.goto(CALL_PATH)
    check_page(page, "call page, anonymous (da)")

    page.goto("/konto/log-ind/")
    check_page(page, "login page (da)")

    # The header's language switch posts to set_language and comes back to the same page.
    page.goto("/tilgaengelighed/")
    switch = page.locator(".portal-language-switch button[lang='en']")
    switch.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/tilgaengelighed/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".portal-language-switch button[lang='da']").is_visible()
    check_page(page, "accessibility statement (en)")

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    check_page(page, "front page (en)")

    page.goto(CALL_PATH)
    check_page(page, "call page, anonymous (en)")

    page.goto("/konto/log-ind/")
    check_page(page, "login page (en)")

    page.locator(".portal-language-switch button[lang='da']").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "da"
    # set_language re-reverses `next` by URL name, so the login page may come back under its other path.
    assert page.locator("#id_username").is_visible()


def test_smoke_skip_link_and_footer(page, seeded):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skipnav")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.get_attribute("href") == "#main-content"
    assert page.locator("main#main-content").count() == 1
    page.locator("footer a[href='/tilgaengelighed/']").click()
    page.wait_for_url(re.compile(r"/tilgaengelighed/$"))
    check_page(page, "accessibility statement via the footer")


def test_smoke_login_errors_are_summarised(page, seeded):
    page.goto("/konto/log-ind/")
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    summary = page.locator("[data-module='error-summary']")
    assert summary.is_visible()
    assert summary.evaluate("element => element === document.activeElement"), "the error summary gets the focus"
    username = page.locator("#id_username")
    assert username.get_attribute("aria-invalid") == "true"
    for element_id in username.get_attribute("aria-describedby").split():
        assert page.locator(f"#{element_id}").count() == 1
    check_page(page, "login page with errors")

    summary.locator("a[href='#id_username']").click()
    assert username.evaluate("element => element === document.activeElement")

    page.fill("#id_username", DEMO_LOGINS["applicant"])
    page.fill("#id_password", "not the password")
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    assert "not the password" not in page.content()
    assert page.locator("[data-module='error-summary']").is_visible()
    check_page(page, "login page with a wrong password")


def test_smoke_lockout_page(page, seeded, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/konto/log-ind/")
        page.fill("#id_username", DEMO_LOGINS["ufm"])
        page.fill("#id_password", "wrong-password")
        with page.expect_response(lambda response: response.request.method == "POST") as answer:
            page.click("main button[type=submit]")
        page.wait_for_load_state("load")
    assert answer.value.status == 429  # axes: Too Many Requests
    assert page.locator("h1").count() == 1
    assert page.locator(".alert-warning").is_visible()
    assert page.locator("a[href='/konto/adgangskode/nulstil/']").is_visible()
    check_page(page, "locked-out page")


def test_smoke_password_reset_pages(page, seeded, mailoutbox):
    page.goto("/konto/log-ind/")
    page.locator("main a[href='/konto/adgangskode/nulstil/']").click()
    page.wait_for_load_state("load")
    check_page(page, "password reset form")

    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    check_page(page, "password reset form with errors")

    page.fill("#id_email", DEMO_LOGINS["applicant"])
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/konto/adgangskode/nulstil/sendt/$"))
    check_page(page, "password reset done")

    (message,) = mailoutbox
    assert "\n" not in message.subject
    link = re.search(r"https?://\S+/konto/adgangskode/nulstil/\S+/", message.body).group(0)
    page.goto(link)
    page.wait_for_load_state("load")
    assert page.locator("#id_new_password1").is_visible()
    check_page(page, "choose a new password")

    page.fill("#id_new_password1", "short")
    page.fill("#id_new_password2", "other")
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    assert page.locator("#id_new_password2").get_attribute("aria-invalid") == "true"
    check_page(page, "choose a new password, with errors")

    page.fill("#id_new_password1", "A-new-Klynge-password-2024")
    page.fill("#id_new_password2", "A-new-Klynge-password-2024")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/konto/adgangskode/nulstil/udfoert/$"))
    check_page(page, "password reset complete")


def test_smoke_password_change_pages(page, seeded):
    log_in(page, DEMO_LOGINS["secretariat"], DEMO_PASSWORD)
    page.goto("/konto/adgangskode/skift/")
    check_page(page, "password change form")
    page.fill("#id_old_password", DEMO_PASSWORD)
    page.fill("#id_new_password1", "A-new-Klynge-password-2024")
    page.fill("#id_new_password2", "A-new-Klynge-password-2024")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/konto/adgangskode/skift/udfoert/$"))
    check_page(page, "password change done")


def test_smoke_mobile_menu(page, seeded):
    log_in(page, DEMO_LOGINS["applicant"], DEMO_PASSWORD)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(CALL_PATH)
    opener = page.locator("button.js-menu-open")
    assert opener.is_visible()
    assert not page.locator(".navigation-menu .mainmenu").is_visible()
    check_page(page, "call page on a phone")

    opener.click()
    drawer = page.locator(".mobile-drawer")
    assert drawer.is_visible()
    assert page.locator(".mobile-drawer .js-menu-close").evaluate("element => element === document.activeElement")
    assert page.locator(".mobile-drawer a.nav-link[href='/start/']").is_visible()
    assert page.locator(".mobile-drawer .portal-info-mobile button.log-off").is_visible()
    check_page(page, "call page on a phone, menu open")

    page.keyboard.press("Escape")
    assert not drawer.is_visible()
    assert opener.evaluate("element => element === document.activeElement")

    opener.click()
    page.locator(".mobile-drawer a.nav-link[href='/start/']").click()
    page.wait_for_url(re.compile(r"/start/$"))
    check_page(page, "start page on a phone")
