"""Browser tests: the real Chromium (Debian's /usr/bin/chromium) driven by Playwright against
pytest-django's live server, with axe-core for WCAG 2.1 A/AA and a watch on the console for
errors and Content-Security-Policy violations.

Without Chromium a browser test is skipped on a developer's machine and fails under CI=true
(tests/services.py).
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.services import require_or_skip

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEMO_LOGINS = {
    "applicant": "ansoeger@klyngeportalen.example",
    "secretariat": "sekretariat@klyngeportalen.example",
    "ufm": "ufm@klyngeportalen.example",
    "subcommittee_member": "underudvalg@klyngeportalen.example",
    "subcommittee_chair": "formand@klyngeportalen.example",
    "administrator": "admin@klyngeportalen.example",
}
CALL_PATH = "/opslag/klyngeindsats-2021-2024/"

# Records what each page visited in a session scored, for the summary at the end of the run.
AXE_LOG: list[tuple[str, int]] = []

# Reports the browser only makes as console errors that a test expects (see ConsoleWatch.expect).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


@pytest.fixture(scope="session")
def live_server(request):
    """Return pytest-django's live server, started with a MEDIA_URL it can parse.

    The project sets MEDIA_URL = None (uploads are served only through permission-checked
    views), but Django's LiveServerThread wraps the site in a media handler that parses
    MEDIA_URL when the server starts and fails on every request if it is None. The server
    gets a path nothing links to; the setting is restored as soon as the server runs.
    """
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    with override_settings(MEDIA_URL="/_media-is-not-served/"):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser():
    """Return a Chromium browser launched once for all the browser tests.

    Playwright's sync API keeps an asyncio loop running in this thread while it is started, and
    Django then refuses ORM calls from the thread (SynchronousOnlyOperation). The test thread never
    shares a connection with an async task, so DJANGO_ALLOW_ASYNC_UNSAFE is set, but only while
    Playwright runs: the fixture is package-scoped (the browser tests run together, after the other
    database tests) so neither the loop nor the variable reaches tests outside tests/browser
    (`manage.py check --deploy`, run by another test, warns about the variable).
    """
    require_or_skip(CHROMIUM.exists(), f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class ConsoleWatch:
    """Collects console errors, uncaught exceptions and CSP violations of one page.

    A page answered with a 4xx status on purpose (a form with errors answers 422, the lockout page
    429, a forbidden page 403) makes Chromium log "Failed to load resource" for the document; that
    is not a problem of the page. The same message for a stylesheet, script or image, or any 5xx,
    is one.
    """

    problems: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    client_error_documents: set[str] = field(default_factory=set)

    def on_response(self, response) -> None:
        if response.request.resource_type == "document" and 400 <= response.status < 500:
            self.client_error_documents.add(response.url)

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        location = message.location or {}
        url = location.get("url", "")
        if message.text.startswith("Failed to load resource") and url in self.client_error_documents:
            return
        where = f" ({url}:{location.get('lineNumber', '')})" if location else ""
        self.problems.append(f"console error: {message.text}{where}")

    def on_page_error(self, error) -> None:
        self.problems.append(f"uncaught exception: {error}")

    def expect(self, fragment: str) -> None:
        """Allow one console error containing `fragment` (e.g. the 429 of the lockout page)."""
        self.expected.append(fragment)

    def take(self) -> list[str]:
        """Return the unexpected problems collected so far, and forget all of them."""
        unexpected = []
        for problem in self.problems:
            match = next((fragment for fragment in self.expected if fragment in problem), None)
            if match is None:
                unexpected.append(problem)
            else:
                self.expected.remove(match)
        self.problems = []
        return unexpected


@pytest.fixture
def seeded(live_server):
    """Seed the demo call and users into the live server's database (it is emptied after each test)."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from clusterfund.roles import Role

    # The roles' groups come from a data migration, which a transactional test's flush removes.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    return live_server


@pytest.fixture
def page(browser, live_server):
    """Return a fresh page (own cookies) whose browser asks for Danish, as a Danish user's would."""
    context = browser.new_context(base_url=live_server.url, locale="da-DK", viewport={"width": 1280, "height": 900})
    context.add_init_script(_CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = ConsoleWatch()
    page.on("response", watch.on_response)
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    page.console_watch = watch
    yield page
    leftovers = watch.take()
    context.close()
    assert not leftovers, "\n".join(leftovers)


def format_violations(violations: list[dict]) -> str:
    """Return axe's violations as readable text: rule, impact, help, and each failing element."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation.get("nodes", []):
            target = " ".join(str(part) for part in node.get("target", []))
            lines.append(f"    * {target}")
            lines.append(textwrap.indent(textwrap.shorten(node.get("html", ""), 300), "      "))
            summary = node.get("failureSummary", "")
            if summary:
                lines.append(textwrap.indent(summary, "      "))
    return "\n".join(lines)


def check_page(page, label: str) -> None:
    """Assert the page has no axe WCAG 2.1 A/AA violations and logged no console errors or CSP violations."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    AXE_LOG.append((f"{label} [{page.url}]", len(violations)))
    problems = page.console_watch.take()
    message = []
    if violations:
        message.append(f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {label} ({page.url}):")
        message.append(format_violations(violations))
    if problems:
        message.append(f"console errors on {label} ({page.url}):")
        message.extend(f"- {problem}" for problem in problems)
    assert not message, "\n".join(message)


def log_in(page, email: str, password: str) -> None:
    """Log in through the real login form."""
    page.goto("/konto/log-ind/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")


def pytest_terminal_summary(terminalreporter):
    """Print the axe result of every page the browser tests visited."""
    if not AXE_LOG:
        return
    terminalreporter.section("axe (WCAG 2.1 A/AA) per page visited")
    for label, count in AXE_LOG:
        terminalreporter.write_line(f"{count} violation(s)  {label}")


@pytest.fixture
def roles(live_server):
    """Create the roles' groups (a data migration makes them; a transactional test's flush removes them)."""
    from django.contrib.auth.models import Group

    from clusterfund.roles import Role

    for role in Role:
        Group.objects.get_or_create(name=role.value)
