"""Locust users for benchmarks/load.py. Each class is one scenario; load.py runs them one at a time.

The fixture's logins come from the JSON file named by LOAD_FIXTURE. Applicants record the text of
their last save the server acknowledged, written to LOAD_ACKS when the run stops, so load.py can
check that what is stored is exactly what each applicant was last told was saved.
"""

import itertools
import json
import os
import re
from html.parser import HTMLParser

from locust import FastHttpUser, constant, events, task

FIXTURE = json.load(open(os.environ["LOAD_FIXTURE"]))  # noqa: SIM115
_applicants = itertools.count()
_reviewers = itertools.count()
ACKS: dict[int, str] = {}
VERSION = re.compile(r'name="version" value="(\d+)"')


class SectionForm(HTMLParser):
    """Collect the fields of the page's autosaved form (the one that carries `version`)."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {}
            self.forms.append(self.current)
        elif self.current is not None and tag == "input" and attrs.get("name"):
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            if attrs.get("type") not in {"submit", "file"}:
                self.current[attrs["name"]] = attrs.get("value") or ""
        elif self.current is not None and tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.current[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.current[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None

    @classmethod
    def of(cls, html: str) -> dict:
        parser = cls()
        parser.feed(html)
        return next(form for form in parser.forms if "version" in form)


def login(user, email: str) -> None:
    user.client.get("/konto/log-ind/", name="login page")
    csrf = _cookie(user, "csrftoken")
    response = user.client.post(
        "/konto/log-ind/",
        data={"username": email, "password": FIXTURE["password"], "csrfmiddlewaretoken": csrf},
        headers={"Referer": user.host + "/konto/log-ind/"},
        name="login",
        allow_redirects=False,
    )
    assert response.status_code == 302, f"login as {email} answered {response.status_code}"


def _cookie(user, name: str) -> str:
    for cookie in user.client.cookiejar:
        if cookie.name == name:
            return cookie.value
    raise LookupError(name)


class Ceiling(FastHttpUser):
    """The minimal Django view: the whole middleware stack, no template, no query."""

    wait_time = constant(0)

    @task
    def minimal(self):
        self.client.get("/bench/minimal/", name="minimal view")


class Anonymous(FastHttpUser):
    """Visitors without a login on the front page and the memo's call page."""

    wait_time = constant(0)

    @task
    def front(self):
        self.client.get("/", name="front page")

    @task
    def call(self):
        self.client.get(f"/opslag/{FIXTURE['call']}/", name="call page")


class Applicant(FastHttpUser):
    """An applicant who keeps typing in the criteria section: an HTMX autosave each time."""

    wait_time = constant(0)

    def on_start(self):
        self.number = next(_applicants) % len(FIXTURE["applicants"])
        me = FIXTURE["applicants"][self.number]
        login(self, me["email"])
        self.url = f"/ansoegning/{me['application']}/kriterier/"
        page = self.client.get(self.url, name="section page (criteria)")
        self.form = SectionForm.of(page.text)
        self.field = next(name for name in self.form if name.startswith("criterion_"))
        self.saves = itertools.count()

    @task
    def save(self):
        text = f"Applicant {self.number}, save {next(self.saves)}: klyngen samler virksomheder og videninstitutioner."
        data = {**self.form, self.field: text}
        with self.client.post(
            self.url,
            data=data,
            headers={"HX-Request": "true", "X-CSRFToken": _cookie(self, "csrftoken"), "Referer": self.host + self.url},
            name="autosave (criteria)",
            catch_response=True,
        ) as response:
            found = VERSION.search(response.text or "")
            if response.status_code != 200 or not found:
                response.failure(f"not saved: {response.status_code} {(response.text or '')[:120]}")
                return
            self.form["version"] = found.group(1)
            ACKS[FIXTURE["applicants"][self.number]["application"]] = text


class Reviewer(FastHttpUser):
    """A secretariat reviewer reloading the memo call's review matrix."""

    wait_time = constant(0)

    def on_start(self):
        login(self, FIXTURE["reviewers"][next(_reviewers) % len(FIXTURE["reviewers"])]["email"])

    @task
    def matrix(self):
        self.client.get(f"/vurdering/opslag/{FIXTURE['call']}/matrix/", name="review matrix")


class SignedIn(FastHttpUser):
    """The logged-in pages the issue names: an applicant's section page and a reviewer's queue."""

    wait_time = constant(0)

    def on_start(self):
        number = next(_applicants)
        self.reviewer = number % 2 == 1
        if self.reviewer:
            login(self, FIXTURE["reviewers"][number % len(FIXTURE["reviewers"])]["email"])
        else:
            me = FIXTURE["applicants"][number % len(FIXTURE["applicants"])]
            login(self, me["email"])
            self.url = f"/ansoegning/{me['application']}/kriterier/"

    @task
    def page(self):
        if self.reviewer:
            self.client.get("/vurdering/", name="reviewer queue")
        else:
            self.client.get(self.url, name="section page (criteria)")


class SectionPage(FastHttpUser):
    """Applicants only, each reloading their own criteria section page: that page's throughput alone."""

    wait_time = constant(0)

    def on_start(self):
        me = FIXTURE["applicants"][next(_applicants) % len(FIXTURE["applicants"])]
        login(self, me["email"])
        self.url = f"/ansoegning/{me['application']}/kriterier/"

    @task
    def page(self):
        self.client.get(self.url, name="section page (criteria)")


class Queue(FastHttpUser):
    """Secretariat reviewers only, reloading the review queue: that page's throughput alone."""

    wait_time = constant(0)

    def on_start(self):
        login(self, FIXTURE["reviewers"][next(_reviewers) % len(FIXTURE["reviewers"])]["email"])

    @task
    def page(self):
        self.client.get("/vurdering/", name="reviewer queue")


@events.test_stop.add_listener
def _write_acks(environment, **kwargs):
    if os.environ.get("LOAD_ACKS"):
        with open(os.environ["LOAD_ACKS"], "w") as out:
            json.dump(ACKS, out)
