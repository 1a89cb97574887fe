"""Helpers the browser journeys share: checking each page, switching language, logging in as a user."""

from urllib.parse import urlparse

from playwright.sync_api import expect

from .conftest import check_page, log_in

PASSWORD = "Klynge-Sikkert-2021"  # every journey's users are created with it

DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const element of document.querySelectorAll("[id]")) seen.set(element.id, (seen.get(element.id) || 0) + 1);
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}"""


def visit(page, label: str) -> None:
    """Check the page as every page is checked (axe, console, CSP), and that no id is used twice."""
    check_page(page, label)
    duplicates = page.evaluate(DUPLICATE_IDS)
    assert not duplicates, f"ids used more than once on {label}: {duplicates}"


def path_of(page) -> str:
    """Return the path of the page's URL (a redirect keeps the fragment of the page that posted)."""
    return urlparse(page.url).path


def switch_language(page, code: str) -> None:
    """Press the header's language button for `code` and wait for the page to come back in it."""
    page.locator(f".portal-language-switch button[lang='{code}']").click()
    expect(page.locator("html")).to_have_attribute("lang", code)
    page.wait_for_load_state("load")


def log_in_as(page, user) -> None:
    """Forget the previous user (cookies) and log in as `user` through the real login form."""
    page.context.clear_cookies()
    log_in(page, user.email, PASSWORD)
    expect(page.locator(".portal-user")).to_contain_text(user.get_full_name())


def submit_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)
