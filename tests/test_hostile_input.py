"""No input gives a server error (issue 11, items 1 and 2), proved with hypothesis over every form of the portal.

PAGES lists each form-bearing page with the role that may post it. A test GETs the page as that role, reads
every POST form on it (field names and the values it shows, as a browser would; a named submit button is a
field too, sent pressed or not, or with drawn text), then posts the form with hypothesis-drawn text in some or
all of its fields: arbitrary unicode (lone surrogates included, sent as the bytes a hostile client can send:
UTF-8-encoded surrogates, which Django decodes with replacement), digit strings thousands long, other scripts'
digits, exponents, NaN, NUL, far dates and over-long text. Each post
must answer without a server error, and afterwards every value the portal stored must pass the form's own
validation: the page is fetched again and each form field's shown value is cleaned by the field itself.

The fields are found on the rendered page, so a refactored form is covered by field name without change.

The pages that read their query string (filters, comparisons, search, `next`) are GET with drawn text in each
parameter, alone or with the others (World.get_pages, one line each: role, URL, the parameters it reads).

Adding a page is one line in PAGES: `"name": Page("role", lambda o: reverse("app:view", args=[o.plan.pk]))`,
where `o` holds the objects build_world made (add one there, e.g. in build_governance, if the page needs a new
one); `fieldless=True` for a form of buttons only.
"""

import contextlib
import datetime as dt
import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import SuspiciousFileOperation
from django.forms.formsets import BaseFormSet
from django.template import Context
from django.urls import resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models import ActorType, Application
from clusterfund.models import User
from governance.models import Report, ReportDue
from governance.services.dialogue import action_item_add, meeting_create, meeting_minutes_save
from review.models import Side
from tests.factories.allocation import approved_proposal, make_proposal, reviewed_call, select, selected_call
from tests.factories.applications import ApplicationFactory, open_call_with_parts, pdf_upload
from tests.factories.clusterfund import UserFactory
from tests.factories.governance import (
    IndicatorFactory,
    plan_with_activity,
    ready_plan,
    reviewers_for,
    simple_grant,
)
from tests.factories.governance_reports import add_participant, fictional_cvr, report_for
from tests.factories.review import AssignmentFactory, SubmittedApplicationFactory, score_all

# --- the hostile text --------------------------------------------------------------------------------

HOSTILE_SAMPLES = [
    "¹²³",
    "１２３４５６７８",
    "٣٤٥",
    "1" * 5000,
    "9" * 4301,
    "-" + "9" * 5000,
    "1e5",
    "1E-5",
    "NaN",
    "Infinity",
    "-inf",
    "\x00",
    "12\x0034",
    "\ud800",
    "1015\udfff0817",
    "0001-01-01",
    "99999-12-31",
    "31.02.2020",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "1_000",
    "0x10",
    " ",
    "-",
    "−1.250.000",
    "1.250.000,50",
    "x" * 20_000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202e\u200f",
    "💰",
]

digits_of_any_script = st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=12)
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_SAMPLES),
    st.text(alphabet=st.characters(codec=None), max_size=40),  # every unicode category, surrogates included
    st.text(alphabet=st.characters(categories=["Nd", "Cc", "Cs", "Zs", "Pd", "Po"]), max_size=30),
    digits_of_any_script,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=1, max_value=6000).map(lambda n: "7" * n),
    st.dates(min_value=dt.date(1, 1, 1)).map(lambda d: d.strftime("%d.%m.%Y")),
)


# --- reading a page's forms as a browser does --------------------------------------------------------


@dataclass
class PageForm:
    action: str
    multipart: bool
    values: dict[str, list[str]] = field(default_factory=dict)  # what the browser would send unchanged
    names: list[str] = field(default_factory=list)  # every named field, sent or not (unchecked boxes, buttons)
    files: list[str] = field(default_factory=list)
    buttons: dict[str, list[str]] = field(default_factory=dict)  # a named submit button's values (sent if pressed)


class _FormReader(HTMLParser):
    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str | None) -> None:
        form = self._form
        if name not in form.names:
            form.names.append(name)
        if value is not None:
            form.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                action = attrs.get("action") or self.url
                self._form = PageForm(
                    action=urllib.parse.urljoin(self.url, action),
                    multipart=attrs.get("enctype") == "multipart/form-data",
                )
            return
        if tag == "option" and self._form is not None and self._select:  # options have no name of their own
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs and not self._select_chosen:
                self._select_chosen = True
                self._form.values.setdefault(self._select, []).append(value)
            return
        if self._form is None or "name" not in attrs or "disabled" in attrs:
            return
        name = attrs["name"]
        kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
        if tag in ("input", "button") and kind in ("submit", "image"):
            if "form" not in attrs and "formaction" not in attrs:  # a button of this form, posting to its action
                self._add(name, None)
                self._form.buttons.setdefault(name, []).append(attrs.get("value", ""))
            return
        if tag == "button":
            return
        if tag == "input":
            if kind in ("button", "reset"):
                return
            if kind == "file":
                self._form.files.append(name)
                self._add(name, None)
            elif kind in ("checkbox", "radio"):
                self._add(name, attrs.get("value", "on") if "checked" in attrs else None)
            else:
                self._add(name, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea, self._text = name, []
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = name, None, False
            self._add(name, None)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "textarea" and self._textarea:
            self._add(self._textarea, "".join(self._text).removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self._form.values.setdefault(self._select, []).append(self._select_first)
            self._select = None


def page_forms(client, url: str, *, follow: bool = False) -> list[PageForm]:
    """Return the POST forms on the page at `url` (GET as the client's user; `follow`: the page it redirects to)."""
    response = client.get(url, follow=follow)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    if follow:
        url = response.request["PATH_INFO"]
    reader = _FormReader(url)
    reader.feed(response.content.decode())
    return reader.forms


# --- the stored values pass the forms' own validation -------------------------------------------------


def _forms_in(value, depth: int = 0):
    if isinstance(value, forms.BaseForm):
        yield value
    elif isinstance(value, BaseFormSet):
        yield from value.forms
    elif depth < 3 and isinstance(value, list | tuple | set):
        for item in value:
            yield from _forms_in(item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for item in value.values():
            yield from _forms_in(item, depth + 1)


def stored_values_refused_by_their_forms(client, url: str) -> list[str]:
    """Return "form.field: value: error" for every field whose shown (stored) value its own field refuses.

    The page is fetched again; each unbound form in its context shows the stored values as initial data, and
    each non-empty one must clean (an empty value may be a draft's, and "required" is the form's to say).
    """
    response = client.get(url)
    assert response.status_code < 500
    problems = []
    seen = set()
    contexts = response.context or []
    if isinstance(contexts, Context):
        contexts = [contexts]  # the test client gives a page of one template its context itself, not a list
    for context in contexts:
        for value in context.flatten().values():
            for form in _forms_in(value):
                if form.is_bound or id(form) in seen:
                    continue
                seen.add(id(form))
                for bound in form:
                    if bound.field.disabled or isinstance(bound.field, forms.FileField):
                        continue
                    shown = bound.field.prepare_value(bound.value())
                    if shown in bound.field.empty_values or isinstance(bound.field.widget, forms.HiddenInput):
                        continue
                    try:
                        bound.field.clean(shown)
                    except forms.ValidationError as error:
                        problems.append(f"{type(form).__name__}.{bound.name}: {str(shown)[:60]!r}: {error.messages}")
    return problems


# --- the pages ----------------------------------------------------------------------------------------


@dataclass
class World:
    users: dict
    urls: dict
    get_pages: dict
    objects: SimpleNamespace | None = None


@dataclass(frozen=True)
class Page:
    """A form-bearing page: the role that posts it and its URL, built from the objects build_world made."""

    role: str
    url: Callable[[SimpleNamespace], str]
    # A form of buttons only (accept, create): posted with the drawn text in a field the view does not read.
    fieldless: bool = False
    # The URL redirects to the form (a link with a token, which Django's password reset keeps in the session).
    follow: bool = False


MATRIX_PARAMETERS = ("area", "status", "eligibility", "sort", "dir", "criterion")
AUDIT_LOG_PARAMETERS = ("action", "actor", "obj", "date_from", "date_to", "side")


PAGES = {
    # page: role that may post it
    "register": "anonymous",
    "resend confirmation": "anonymous",
    "log in": "anonymous",
    "password reset": "anonymous",
    "organisation create": "applicant",
    "organisation edit": "applicant",
    "organisation invite": "applicant",
    "password change": "applicant",
    "password reset (new password)": Page(
        "anonymous",
        lambda o: reverse("password_reset_confirm", args=[o.reset_uid, o.reset_token]),
        follow=True,
    ),
    "section requirements": "applicant",
    "section area": "applicant",
    "section criteria": "applicant",
    "activity create": "applicant",
    "section partners": "applicant",
    "section budget": "applicant",
    "section attachments (upload metadata)": "applicant",
    "withdraw": "applicant",
    "organisation message": "secretariat",
    "review assign": "secretariat",
    "review conflict": "secretariat",
    "review scores and checks": "secretariat",
    "review matrix score cell": "secretariat",
    "review joint assessment": "secretariat",
    "selection": "ufm",
    "frames": "secretariat",
    "proposal create": "secretariat",
    "proposal grid and fill": "secretariat",
    "proposal review": "subcommittee_member",
    "memo meeting data": "secretariat",
    # governance: grants and action plans (objects from build_governance)
    "call grants (create grants)": Page(
        "secretariat", lambda o: reverse("governance:grants", args=[o.allocated_call.slug]), fieldless=True
    ),
    "grant acceptance": Page(
        "applicant", lambda o: reverse("governance:grant", args=[o.grant_to_accept.pk]), fieldless=True
    ),
    "grant source decision": Page("secretariat", lambda o: reverse("governance:grant_source", args=[o.grant.pk])),
    "grant targets": Page("secretariat", lambda o: reverse("governance:grant_targets", args=[o.grant.pk])),
    "plan aims": Page("applicant", lambda o: reverse("governance:plan_aims", args=[o.plan.pk])),
    "plan activity create": Page("applicant", lambda o: reverse("governance:plan_activity_create", args=[o.plan.pk])),
    "plan activity edit": Page(
        "applicant", lambda o: reverse("governance:plan_activity_edit", args=[o.plan.pk, o.activity.pk])
    ),
    "plan activity delete": Page(
        "applicant", lambda o: reverse("governance:plan_activity_delete", args=[o.plan.pk, o.activity_to_delete.pk])
    ),
    "plan figures": Page("applicant", lambda o: reverse("governance:plan_figures", args=[o.plan.pk])),
    "plan submit": Page("applicant", lambda o: reverse("governance:plan_submit", args=[o.ready_plan.pk])),
    "plan review": Page("secretariat", lambda o: reverse("governance:plan_review", args=[o.submitted_plan.pk])),
    # governance: reports, gold-label watch and the status dialogue (objects from build_governance)
    "report dates (ad hoc)": Page("secretariat", lambda o: reverse("governance:grant_reports", args=[o.grant.pk])),
    "report start": Page("applicant", lambda o: reverse("governance:grant_reports", args=[o.grant.pk]), fieldless=True),
    "report content": Page("applicant", lambda o: reverse("governance:report_content", args=[o.report.pk])),
    "report participants (add, remove, upload)": Page(
        "applicant", lambda o: reverse("governance:report_participants", args=[o.report.pk])
    ),
    "report accounts": Page("applicant", lambda o: reverse("governance:report_accounts", args=[o.report.pk])),
    "report attachment (upload metadata)": Page(
        "applicant", lambda o: reverse("governance:report_attachment_add", args=[o.report.pk])
    ),
    "report review": Page("secretariat", lambda o: reverse("governance:report_review", args=[o.submitted_report.pk])),
    "gold label, gold plan and reminder language": Page(
        "applicant", lambda o: reverse("governance:gold", args=[o.grant.organisation_id])
    ),
    "meeting plan": Page("secretariat", lambda o: reverse("governance:meetings", args=[o.grant.call.slug])),
    "meeting action items and their status": Page(
        "secretariat", lambda o: reverse("governance:meeting", args=[o.held_meeting.pk])
    ),
    "meeting minutes": Page(
        "secretariat", lambda o: reverse("governance:meeting_minutes", args=[o.planned_meeting.pk])
    ),
    "plan start": Page("applicant", lambda o: reverse("governance:grant", args=[o.grant.pk]), fieldless=True),
    # the administration's own pages: a call's configuration (its own call) and users
    "call create": Page("administrator", lambda o: reverse("applications:call_admin_create")),
    "call settings": Page("administrator", lambda o: reverse("applications:call_admin_edit", args=[o.staff_call.slug])),
    "call areas": Page("administrator", lambda o: reverse("applications:call_admin_areas", args=[o.staff_call.slug])),
    "call requirements": Page(
        "administrator", lambda o: reverse("applications:call_admin_requirements", args=[o.staff_call.slug])
    ),
    "call criteria and weights": Page(
        "administrator", lambda o: reverse("applications:call_admin_criteria", args=[o.staff_call.slug])
    ),
    "call activity types": Page(
        "administrator", lambda o: reverse("applications:call_admin_activity_types", args=[o.staff_call.slug])
    ),
    "call timeline": Page(
        "administrator", lambda o: reverse("applications:call_admin_milestones", args=[o.staff_call.slug])
    ),
    "user create": Page("administrator", lambda o: reverse("staff_user_create")),
    "user roles, deactivation and invitation": Page(
        "administrator", lambda o: reverse("staff_user", args=[o.invited_user.pk])
    ),
    # the organisation's own pages
    "organisation dashboard (start an application)": Page(
        "applicant", lambda o: reverse("applications:organisation", args=[o.organisation.pk])
    ),
    "activity edit": Page(
        "applicant", lambda o: reverse("applications:activity_edit", args=[o.draft.pk, o.draft_activity.pk])
    ),
}


def role_of(page: str) -> str:
    spec = PAGES[page]
    return spec.role if isinstance(spec, Page) else spec


def build_governance(users: dict) -> SimpleNamespace:
    """Grants and action plans, the applicant a member of each grant's organisation and the secretariat and
    UFM users its reviewers: one plan to edit, one ready to submit, one submitted."""
    member, sec, ufm = users["applicant"], users["secretariat"], users["ufm"]
    call = open_call_with_parts()
    IndicatorFactory(call=call, code="virksomheder", name="Deltagende virksomheder")
    IndicatorFactory(call=call, code="medfinansiering", name="Privat medfinansiering", unit="kroner")
    grant, to_accept = simple_grant(call=call, member=member), simple_grant(call=call, member=member)
    for each in (grant, to_accept):
        reviewers_for(each, secretariat=sec, ufm=ufm)
    plan = plan_with_activity(grant)
    activity_to_delete = plan.activities.create(
        activity_type=call.activity_types.first(),
        title="Netværksmøde",
        description="Møde for medlemmerne.",
        starts_on=dt.date(plan.year, 3, 1),
        ends_on=dt.date(plan.year, 3, 2),
    )
    allocated = selected_call(organisations=1)  # an approved allocation, so "create grants" creates one
    approved_proposal(allocated)
    AssignmentFactory(application=allocated.applications.first(), reviewer=sec, side=Side.SECRETARIAT, assigned_by=sec)
    submitted = ready_plan(grant, year=grant.first_year + 2)
    from governance.services.plans import plan_submit

    plan_submit(plan=submitted, by=member, expected_revision=submitted.revision)
    first, second, *_unstarted = ReportDue.objects.filter(grant=grant, kind="periodic").order_by("due_on")
    held = meeting_create(
        call=call, title="Statusmøde forår", meets_on=dt.date(2022, 3, 1), organisations=[grant.organisation], by=sec
    )
    action_item_add(
        meeting=held,
        organisation=grant.organisation,
        title="Send listen",
        owner="Direktør",
        due_on=dt.date(2022, 4, 1),
        by=sec,
    )
    meeting_minutes_save(meeting=held, minutes="Referat.", publish=True, revision=held.revision, by=sec)
    planned = meeting_create(
        call=call, title="Statusmøde efterår", meets_on=dt.date(2022, 9, 1), organisations=[grant.organisation], by=sec
    )
    report = report_for(first)  # a draft with a participant to remove; the later dates are left for "report start"
    add_participant(report, fictional_cvr(1))
    return SimpleNamespace(
        allocated_call=allocated,
        grant=grant,
        grant_to_accept=to_accept,
        plan=plan,
        activity=plan.activities.order_by("pk").first(),
        activity_to_delete=activity_to_delete,
        ready_plan=ready_plan(grant, year=grant.first_year + 1),
        submitted_plan=submitted,
        report=report,
        submitted_report=report_for(second, status=Report.Status.SUBMITTED),
        held_meeting=held,
        planned_meeting=planned,
    )


def build_staff(users: dict) -> SimpleNamespace:
    """A call of its own for the administration's configuration pages (its settings and lists are changed by
    the posts, so no other page depends on it), and an invited user whose access the administrator edits."""
    invited = User(email="inviteret@example.org", full_name="Inviteret Bruger")
    invited.set_unusable_password()
    invited.save()
    resetting = UserFactory(roles=["applicant"])  # who follows a password reset link
    return SimpleNamespace(
        staff_call=open_call_with_parts(),
        invited_user=invited,
        reset_uid=urlsafe_base64_encode(force_bytes(resetting.pk)),
        reset_token=default_token_generator.make_token(resetting),
    )


def build_world() -> World:
    """Create one object of each kind the pages need, and the users who may post them."""
    users = {
        "applicant": UserFactory(roles=["applicant"]),
        "secretariat": UserFactory(roles=["secretariat"]),
        "ufm": UserFactory(roles=["ufm"]),
        "subcommittee_member": UserFactory(roles=["subcommittee_member"]),
        "administrator": UserFactory(roles=["administrator"]),
    }
    sec, ufm = users["secretariat"], users["ufm"]
    call = open_call_with_parts()
    draft = ApplicationFactory(call=call, created_by=users["applicant"])
    draft.organisation.members.add(users["applicant"])

    draft.partners.create(name="Aarhus Universitet", partner_type=ActorType.KNOWLEDGE_INSTITUTION, role="Forskning")
    to_withdraw = SubmittedApplicationFactory(call=open_call_with_parts(), organisation=draft.organisation)

    under_review = SubmittedApplicationFactory(call=call, status=Application.Status.UNDER_REVIEW)
    AssignmentFactory(application=under_review, reviewer=sec, side=Side.SECRETARIAT, assigned_by=sec)
    undeclared = SubmittedApplicationFactory(call=call)
    AssignmentFactory(application=undeclared, reviewer=sec, side=Side.SECRETARIAT, assigned_by=sec, conflict="")
    reviewed = SubmittedApplicationFactory(call=call, status=Application.Status.UNDER_REVIEW)
    for reviewer, side in ((sec, Side.SECRETARIAT), (ufm, Side.UFM)):
        score_all(
            AssignmentFactory(application=reviewed, reviewer=reviewer, side=side, assigned_by=sec),
            [3, 3, 3, 3],
            submit=True,
        )

    allocation_call = reviewed_call(areas=2, per_area=1)
    first, second = Application.objects.filter(call=allocation_call).order_by("pk")
    select(first, by=ufm)
    proposal = make_proposal(allocation_call, by=sec)
    submitted = make_proposal(allocation_call, by=sec, title="Til godkendelse")
    from allocation.services.approval import proposal_submit

    proposal_submit(proposal=submitted, by=sec)

    get_pages = {
        # page: (role, url, the query parameters the view reads)
        "review matrix filters": ("secretariat", reverse("review:matrix", args=[call.slug]), MATRIX_PARAMETERS),
        "review matrix export": ("secretariat", reverse("review:export", args=[call.slug, "csv"]), MATRIX_PARAMETERS),
        "review compare": ("secretariat", reverse("review:compare", args=[call.slug]), ("criterion", "a", "a", "a")),
        "allocation compare": ("secretariat", reverse("allocation:compare", args=[allocation_call.slug]), ("a", "b")),
        "organisation list": ("secretariat", reverse("applications:organisation_list"), ("q",)),
        "register (query)": ("anonymous", reverse("applications:register"), ("next", "email")),
        "resend confirmation (query)": ("anonymous", reverse("applications:resend_confirmation"), ("email",)),
        "log in (query)": ("anonymous", reverse("login"), ("next",)),
    }
    urls = {
        "register": reverse("applications:register"),
        "resend confirmation": reverse("applications:resend_confirmation"),
        "log in": reverse("login"),
        "password reset": reverse("password_reset"),
        "organisation create": reverse("applications:organisation_create"),
        "organisation edit": reverse("applications:organisation_edit", args=[draft.organisation.pk]),
        "organisation invite": reverse("applications:organisation_invite", args=[draft.organisation.pk]),
        "password change": reverse("password_change"),
        "section requirements": reverse("applications:section_requirements", args=[draft.pk]),
        "section area": reverse("applications:section_area", args=[draft.pk]),
        "section criteria": reverse("applications:section_criteria", args=[draft.pk]),
        "activity create": reverse("applications:activity_create", args=[draft.pk]),
        "section partners": reverse("applications:section_partners", args=[draft.pk]),
        "section budget": reverse("applications:section_budget", args=[draft.pk]),
        "section attachments (upload metadata)": reverse("applications:section_attachments", args=[draft.pk]),
        "withdraw": reverse("applications:withdraw", args=[to_withdraw.pk]),
        "organisation message": reverse("applications:organisation_message", args=[draft.organisation.pk]),
        "review assign": reverse("review:assign", args=[call.slug]),
        "review conflict": reverse("review:conflict", args=[undeclared.pk]),
        "review scores and checks": reverse("review:review", args=[under_review.pk]),
        "review matrix score cell": reverse("review:score_cell", args=[under_review.pk, call.criteria.first().pk]),
        "review joint assessment": reverse("review:joint", args=[reviewed.pk]),
        "selection": reverse("allocation:select", args=[second.pk]),
        "frames": reverse("allocation:frames", args=[allocation_call.slug]),
        "proposal create": reverse("allocation:proposals", args=[allocation_call.slug]),
        "proposal grid and fill": reverse("allocation:proposal", args=[proposal.pk]),
        "proposal review": reverse("allocation:proposal", args=[submitted.pk]),
        "memo meeting data": reverse("documents:list", args=["allocation-memo", proposal.pk]),
    }
    draft_activity = draft.activities.create(
        activity_type=call.activity_types.first(),
        title="Innovationsforløb",
        description="Forløb for SMV'er.",
        first_year=call.period_start,
        last_year=call.period_start,
        budget=1_000_000,
    )
    objects = build_governance(users)
    objects.__dict__.update(
        vars(build_staff(users)), draft=draft, draft_activity=draft_activity, organisation=draft.organisation
    )
    urls.update({page: spec.url(objects) for page, spec in PAGES.items() if isinstance(spec, Page)})
    portfolio = objects.grant.call.slug
    get_pages |= {
        "users (filter)": ("administrator", reverse("staff_users"), ("q", "role", "active", "side")),
        "audit log (filter)": ("administrator", reverse("staff_audit_log"), AUDIT_LOG_PARAMETERS),
        "portfolio dashboard (filters)": (
            "secretariat",
            reverse("governance:dashboard", args=[portfolio]),
            ("area", "region", "year"),
        ),
        "section requirements (fragment)": ("applicant", urls["section requirements"], ("fragment",)),
        "review matrix score cell (cancel)": ("secretariat", urls["review matrix score cell"], ("cancel",)),
    }
    return World(users=users, urls=urls, get_pages=get_pages, objects=objects)


@pytest.fixture
def world(db) -> World:
    return build_world()


def _client_for(client, world: World, page: str):
    role = role_of(page)
    client.logout()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _encoded(values: dict[str, list[str]]) -> bytes:
    """Return the form as a hostile client sends it: UTF-8, lone surrogates encoded as their UTF-8 bytes."""
    pairs = [(name, value) for name, items in values.items() for value in items]
    return urllib.parse.urlencode(pairs, encoding="utf-8", errors="surrogatepass").encode("ascii")


def post_form(client, form: PageForm, values: dict[str, list[str]]):
    """Post `values` to the form's action as a browser would: multipart where the form has a file field, with a
    small PDF whose file name is the value given for that field (the upload's metadata), else urlencoded."""
    if form.multipart:
        readable = {
            name: [value.encode("utf-8", "surrogatepass").decode("utf-8", "replace") for value in items]
            for name, items in values.items()
        }  # the test client encodes multipart itself and cannot send surrogates there
        data = {name: items for name, items in readable.items() if name not in form.files}
        for name in form.files:
            # '', '.', '..' cannot be built here; the server's parser drops such a name too (as if no file was chosen)
            with contextlib.suppress(SuspiciousFileOperation):
                data[name] = pdf_upload(name=(readable.get(name) or ["bilag.pdf"])[0])
        return client.post(form.action, data)
    return client.post(form.action, _encoded(values), content_type="application/x-www-form-urlencoded")


# Forms that are no target: the language switch is posted once by "register"; logging out would end the
# session, and the buttons without fields (submit, copy) change a state rather than take typed input.
NOT_TARGETS = ("/konto/log-af/",)


# The field a fieldless page's forms are posted with (no view reads it).
UNREAD = "unread"


def forms_of(client, world: World, page: str) -> list[PageForm]:
    spec = PAGES[page]
    return page_forms(client, world.urls[page], follow=isinstance(spec, Page) and spec.follow)


def _fieldless(page: str) -> bool:
    spec = PAGES[page]
    return isinstance(spec, Page) and spec.fieldless


def field_names(form: PageForm, page: str) -> list[str]:
    """Return the form's fields to draw text for (UNREAD for a fieldless page's form of buttons only)."""
    names = [name for name in form.names if name != "csrfmiddlewaretoken"]
    return names or ([UNREAD] if _fieldless(page) else [])


def targets(forms_found: list[PageForm], page: str) -> list[PageForm]:
    return [
        form
        for form in forms_found
        if field_names(form, page)
        and not form.action.endswith(NOT_TARGETS)
        and (page == "register" or not form.action.endswith("/i18n/setlang/"))
    ]


def hostile_posts(client, world: World, page: str, *, examples: int) -> int:
    """Post the page's forms `examples` times with drawn text; return the number of fields covered."""
    client = _client_for(client, world, page)
    url = world.urls[page]
    found = targets(forms_of(client, world, page), page)
    assert found, f"{page}: no form to post"

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def post_drawn_text(data):
        form = data.draw(st.sampled_from(found), label="form")
        names = field_names(form, page)
        chosen = data.draw(
            st.one_of(st.just(names), st.lists(st.sampled_from(names), min_size=1, unique=True)), label="fields"
        )
        values = {name: list(items) for name, items in form.values.items()}
        for name, pressed in form.buttons.items():  # the button pressed, if any, as a browser sends it
            if name not in chosen and (value := data.draw(st.sampled_from([None, *pressed]), label=name)) is not None:
                values[name] = [value]
        for name in chosen:
            values[name] = [data.draw(hostile_text, label=name)]
        response = post_form(client, form, values)
        assert response.status_code < 500, f"{page}: {form.action} answered {response.status_code}"
        refused = stored_values_refused_by_their_forms(client, url)
        assert not refused, f"{page}: stored values the form refuses: {refused}"

    post_drawn_text()
    return sum(len(form.names) for form in found)


# The inputs of the issue, each posted in every field of every form by the sweep below.
CORE_SAMPLES = [
    "¹²³⁴⁵⁶⁷⁸",
    "１２３４５６７８",
    "9" * 5000,
    "1e5",
    "NaN",
    "Infinity",
    "12\x0034",
    "\ud800",
    "x" * 20_000,
]
# Examples per page for the drawn text; HOSTILE_EXAMPLES=200 make test-hostile explores deeper.
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "6"))


def _distinct(found: list[PageForm]) -> list[PageForm]:
    """Return the forms with distinct views and fields: the upload form appears once per evidence kind, and a
    button per row (start the report of each date, start an application in each call) posts to one view."""
    seen, distinct = set(), []
    for form in found:
        key = (resolve(urllib.parse.urlsplit(form.action).path).route, tuple(form.names))
        if key not in seen:
            seen.add(key)
            distinct.append(form)
    return distinct


def test_the_issues_inputs_in_every_field_of_every_form(client, world):
    """Every form, every field, each of the issue's inputs (rotated over the fields, so each field gets each
    input once): no server error, and nothing stored that the form refuses."""
    covered = []
    for page in PAGES:
        client = _client_for(client, world, page)
        url = world.urls[page]
        for form in _distinct(targets(forms_of(client, world, page), page)):
            names = field_names(form, page)
            for turn in range(len(CORE_SAMPLES)):
                values = {name: list(items) for name, items in form.values.items()}
                for index, name in enumerate(names):
                    values[name] = [CORE_SAMPLES[(index + turn) % len(CORE_SAMPLES)]]
                response = post_form(client, form, values)
                assert response.status_code < 500, f"{page}: {form.action} answered {response.status_code}"
            refused = stored_values_refused_by_their_forms(client, url)
            assert not refused, f"{page}: stored values the form refuses: {refused}"
            covered.extend(f"{page}: {name}" for name in names)
    assert {entry.split(": ")[0] for entry in covered} == set(PAGES), "every page had fields to post"


def test_drawn_text_in_any_fields_of_every_form(client, world):
    """Hypothesis draws which fields of which form get which text (EXAMPLES per page)."""
    for page in PAGES:
        hostile_posts(client, world, page, examples=EXAMPLES)


def test_the_stored_value_check_finds_a_value_its_form_refuses(client, world):
    """The check can fail: an equity past the amount field's limit, written straight to the database, is reported."""
    client = _client_for(client, world, "section requirements")
    url = world.urls["section requirements"]
    assert stored_values_refused_by_their_forms(client, url) == []
    draft = Application.objects.get(pk=int(url.strip("/").split("/")[1]))
    draft.equity = 10**12  # the database allows it; the form's SignedKronerField stops at 10.000.000.000
    draft.save(update_fields=["equity"])
    refused = stored_values_refused_by_their_forms(client, url)
    assert len(refused) == 1 and refused[0].startswith("EvidenceForm.equity: '1.000.000.000.000'")


# The comparisons name what they compare in the query: a criterion that is none is a missing page (404), and
# what they cannot compare is refused with a message (422).
ANSWERS = {"review compare": {200, 404, 422}, "allocation compare": {200, 422}}


def assert_a_sane_page(response, page: str, query: list[tuple[str, str]]) -> None:
    """The page as asked for (200, garbled filters dropped; what ANSWERS says for a page that names objects in its
    query), or 400 for a NUL in the query string (clusterfund.middleware): never a server error or a redirect;
    an HTML page shows the query's text escaped, never as markup."""
    shown = urllib.parse.urlencode(query, errors="surrogatepass")[:200]
    expected = {400} if any("\x00" in value for _name, value in query) else ANSWERS.get(page, {200})
    assert response.status_code in expected, f"{page}: ?{shown} answered {response.status_code}"
    if response.status_code != 400 and response["Content-Type"].startswith("text/html"):
        assert "<script>alert(1)</script>" not in response.content.decode(errors="replace"), f"{page}: ?{shown}"


def test_drawn_text_in_the_query_strings_pages_read(client, world):
    """The pages that read their query string (filters, comparisons, search, `next`), each parameter alone or
    with the others: a sane page, never a server error."""

    @settings(
        max_examples=EXAMPLES * len(world.get_pages),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(page=st.sampled_from(sorted(world.get_pages)), data=st.data())
    def get_drawn_query(page, data):
        role, url, parameters = world.get_pages[page]
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        names = data.draw(
            st.one_of(st.just(list(parameters)), st.lists(st.sampled_from(parameters), min_size=1, unique=True)),
            label="parameters",
        )
        query = [(name, data.draw(hostile_text, label=name)) for name in names]
        encoded = urllib.parse.urlencode(query, encoding="utf-8", errors="surrogatepass")
        assert_a_sane_page(client.get(f"{url}?{encoded}"), page, query)

    get_drawn_query()
    for page, (role, url, parameters) in world.get_pages.items():  # and each of the issue's inputs in each
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        for sample in [*CORE_SAMPLES, "<script>alert(1)</script>"]:
            query = [(name, sample) for name in parameters]
            encoded = urllib.parse.urlencode(query, errors="surrogatepass")
            assert_a_sane_page(client.get(f"{url}?{encoded}"), page, query)
