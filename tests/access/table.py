"""The format of the role × URL table, the list of URLs it must cover, and the code that asks every cell.

Each app has a module `tests/access/table_<app>.py` with a list `ROWS`; tests/access/test_access_table.py
collects them (add a new module to TABLES there). One row is one URL name:

    Row("applications:overview", lambda w: {"pk": w.draft.pk},
        get=answers(404, anonymous=LOGIN, applicant=200, reviewers=200, conflicted=404),
        post=answers(405, anonymous=LOGIN)),

- the URL name as `reverse()` takes it;
- a function from the shared world (tests/access/world.py: applications of organisation A and B, an
  assignment with a declared conflict, a selection, a proposal, documents, ...) to the URL's kwargs
  (leave it out for a URL without arguments);
- the expected answer for GET and for POST (an empty body; CSRF is not enforced), each either one answer
  for every identity or `answers(default, group=..., identity=...)`: the default, then groups, then single
  identities (later ones win). An answer is a status code (200, 302, 400, 403, 404, 405, 422, ...) or
  LOGIN (302 to the login page). A 302 elsewhere is 302. A server error is never an expected answer.
- optionally `label=` to tell two rows of the same URL apart (e.g. documents:list for each kind).

Identities (tests/access/world.py builds one user each): anonymous; applicant (a member of organisation A,
whose applications the rows point at); other_applicant (a member of organisation B); secretariat and ufm
(reviewers assigned to A's submitted application, no conflict); member and chair (the sub-committee);
administrator; conflicted (a secretariat reviewer who declared a conflict on A's submitted application).
Groups: applicants, reviewers (secretariat, ufm), subcommittee (member, chair), staff (every staff
identity, the conflicted reviewer included) and users (everyone logged in).

A URL name in the project without a row fails test_every_url_has_a_row; NOT_TABLED lists the few that are
deliberately outside the table (the admin site has its own tests). Set ACCESS_TABLE_SHOW=1 to have a
failing table print the answers it got as `answers(...)` ready to compare with the row.
"""

import copy
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

LOGIN = "login"

IDENTITIES = (
    "anonymous",
    "applicant",
    "other_applicant",
    "secretariat",
    "ufm",
    "member",
    "chair",
    "administrator",
    "conflicted",
)
GROUPS = {
    "applicants": ("applicant", "other_applicant"),
    "reviewers": ("secretariat", "ufm"),
    "subcommittee": ("member", "chair"),
    "staff": ("secretariat", "ufm", "member", "chair", "administrator", "conflicted"),
    "users": IDENTITIES[1:],
}
METHODS = ("get", "post")

# URL namespaces and names outside the table, with the reason.
NOT_TABLED_NAMESPACES = {"admin": "the admin site (Django's own permission checks; tests/*/test_admin*)"}
NOT_TABLED: dict[str, str] = {}

Answer = int | str


def answers(default: Answer, **given: Answer) -> dict[str, Answer]:
    """Return the expected answer per identity: `default`, then the groups given, then single identities."""
    unknown = set(given) - set(GROUPS) - set(IDENTITIES)
    if unknown:
        raise ValueError(f"unknown identities or groups: {sorted(unknown)}")
    result = dict.fromkeys(IDENTITIES, default)
    for group, members in GROUPS.items():
        if group in given:
            result.update(dict.fromkeys(members, given[group]))
    result.update({name: value for name, value in given.items() if name in IDENTITIES})
    return result


@dataclass(frozen=True)
class Row:
    name: str
    kwargs: Callable[[object], dict] | None = None
    get: Answer | dict = 405
    post: Answer | dict = 405
    label: str = ""
    expected: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        expected = {}
        for method in METHODS:
            spec = getattr(self, method)
            expected[method] = spec if isinstance(spec, dict) else answers(spec)
        object.__setattr__(self, "expected", expected)

    @property
    def title(self) -> str:
        return f"{self.name} [{self.label}]" if self.label else self.name

    def url(self, world) -> str:
        return reverse(self.name, kwargs=self.kwargs(world) if self.kwargs else None)


# --- the URL list -----------------------------------------------------------------------------------


def named_urls(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """Return every named URL pattern of the project as `reverse()` spells it (walking includes)."""
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            if pattern.namespace in NOT_TABLED_NAMESPACES:
                continue
            names |= named_urls(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


# --- asking the cells -------------------------------------------------------------------------------


def login_clients(world) -> dict[str, Client]:
    """Return a test client per identity, logged in once (each cell restores the cookies afterwards)."""
    clients = {}
    for identity in IDENTITIES:
        client = Client()
        user = world.users.get(identity)
        if user is not None:
            client.force_login(user)
        clients[identity] = client
    return clients


def classify(response) -> Answer:
    """Return LOGIN for a redirect to the login page, else the status code."""
    if response.status_code == 302 and response["Location"].split("?")[0] == resolve_url(settings.LOGIN_URL):
        return LOGIN
    return response.status_code


def ask(client: Client, method: str, url: str) -> Answer:
    """Return the answer to one request, leaving the database, the client's cookies and the language as they were.

    The request runs inside a savepoint that is rolled back, so an empty POST that does change something
    (a withdrawal, a logout) does not change the world for the next cell. An exception is reported as an
    answer ("500 ...") so that every cell of the table is still asked.
    """
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            try:
                return classify(getattr(client, method)(url))
            except Exception as error:
                return f"500 {type(error).__name__}: {str(error)[:120]}"
            finally:
                transaction.set_rollback(True)
    finally:
        client.cookies = cookies


def mismatches(rows: list[Row], world) -> list[str]:
    """Ask every cell of the rows and return one line per cell whose answer is not the expected one."""
    clients = login_clients(world)
    found, observed = [], {}
    for row in rows:
        url = row.url(world)
        for method in METHODS:
            got = {identity: ask(clients[identity], method, url) for identity in IDENTITIES}
            observed[(row.title, method)] = got
            for identity in IDENTITIES:
                want = row.expected[method][identity]
                if got[identity] != want:
                    found.append(
                        f"{row.title} {method.upper()} {url} as {identity}: expected {want}, got {got[identity]}"
                    )
    if found and os.environ.get("ACCESS_TABLE_SHOW"):
        wrong = {key for key in observed if any(line.startswith(f"{key[0]} {key[1].upper()} ") for line in found)}
        found.append("answers got, for the rows above:")
        found += [f"  {title} {method}={spelled(observed[(title, method)])}" for title, method in sorted(wrong)]
    return found


def spelled(got: dict[str, Answer]) -> str:
    """Return answers as the shortest `answers(...)` call that gives them (most common answer as default)."""
    default, _count = Counter(got.values()).most_common(1)[0]
    given = [f"{identity}={value!r}" for identity, value in got.items() if value != default]
    return f"answers({default!r}{''.join(', ' + g for g in given)})"
