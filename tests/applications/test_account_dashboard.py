"""The organisation dashboard, who may see which organisation page, the secretariat's messages, and the
applicant's start-page panel."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Message
from clusterfund.models import AuditEvent
from tests.factories.applications import ApplicationFactory, CallFactory, OrganisationFactory

STATUSES = [
    Application.Status.DRAFT,
    Application.Status.SUBMITTED,
    Application.Status.WITHDRAWN,
    Application.Status.UNDER_REVIEW,
    Application.Status.SELECTED,
    Application.Status.NOT_SELECTED,
]


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Klynge for Robotter")


@pytest.fixture
def member(make_user, organisation):
    user = make_user("applicant", full_name="Mette Medlem")
    organisation.members.add(user)
    return user


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def application_in(organisation, status, call=None, **kwargs) -> Application:
    submitted = None if status == Application.Status.DRAFT else timezone.now() - dt.timedelta(days=1)
    return ApplicationFactory(
        organisation=organisation, call=call or CallFactory(), status=status, submitted_at=submitted, **kwargs
    )


def dashboard_url(organisation) -> str:
    return reverse("applications:organisation", args=[organisation.pk])


def test_dashboard_lists_applications_with_status_and_links(english, member, organisation):
    applications = [application_in(organisation, status) for status in STATUSES]
    english.force_login(member)
    html = english.get(dashboard_url(organisation)).content.decode()
    for application in applications:
        assert f'id="application-{application.pk}"' in html
        assert reverse("applications:overview", args=[application.pk]) in html
        assert f'data-status="{application.status}">{application.get_status_display()}<' in html
    assert "Mette Medlem" in html and organisation.cvr in html


def test_dashboard_offers_to_start_an_application_only_where_none_is_live(english, member, organisation):
    fresh, drafted, withdrawn = CallFactory(slug="ny"), CallFactory(slug="i-gang"), CallFactory(slug="trukket")
    application_in(organisation, Application.Status.DRAFT, call=drafted)
    application_in(organisation, Application.Status.WITHDRAWN, call=withdrawn)
    CallFactory(
        slug="lukket", deadline=timezone.now() - dt.timedelta(days=1), opens_at=timezone.now() - dt.timedelta(days=40)
    )
    CallFactory(slug="skjult", is_published=False)
    english.force_login(member)
    html = english.get(dashboard_url(organisation)).content.decode()
    started = {slug for slug in ["ny", "i-gang", "trukket", "lukket", "skjult"] if f'id="start-{slug}"' in html}
    assert started == {"ny", "trukket"}
    assert f'action="{reverse("applications:create", args=[fresh.slug])}"' in html
    assert f'name="organisation" value="{organisation.pk}"' in html
    # the button works: it starts a draft and opens it
    response = english.post(reverse("applications:create", args=[fresh.slug]), {"organisation": organisation.pk})
    application = Application.objects.get(call=fresh, organisation=organisation)
    assert response["Location"] == reverse("applications:overview", args=[application.pk])
    assert 'id="start-ny"' not in english.get(dashboard_url(organisation)).content.decode()


@pytest.mark.parametrize("posted", ["¹²³⁴⁵⁶⁷⁸", "9" * 5000, "1e5", "", " 1"])
def test_starting_an_application_for_a_garbled_organisation_is_not_found(english, member, organisation, posted):
    """The organisation is read as every posted id is (digits 0–9 only): anything else is no organisation."""
    fresh = CallFactory(slug="ny")
    english.force_login(member)
    response = english.post(reverse("applications:create", args=[fresh.slug]), {"organisation": posted})
    assert response.status_code == 404
    assert not Application.objects.filter(call=fresh).exists()


def test_dashboard_shows_the_secretariats_messages_newest_first(client, member, organisation):
    Message.objects.create(
        organisation=organisation, subject="Ældre besked", body="a", sent_at=timezone.now() - dt.timedelta(days=2)
    )
    Message.objects.create(organisation=organisation, subject="Nyeste besked", body="Linje 1\nLinje 2")
    Message.objects.create(organisation=OrganisationFactory(), subject="Til en anden", body="x")
    client.force_login(member)
    html = client.get(dashboard_url(organisation)).content.decode()
    assert html.index("Nyeste besked") < html.index("Ældre besked")
    assert "Linje 1<br>Linje 2" in html
    assert "Til en anden" not in html


def test_dashboard_escapes_what_people_typed(client, make_user):
    organisation = OrganisationFactory(name='<script>alert("klynge")</script>', address="<b>Vej</b>")
    user = make_user("applicant", full_name="<img src=x onerror=alert(1)>")
    organisation.members.add(user)
    Message.objects.create(organisation=organisation, subject="<script>s</script>", body="<script>b</script>")
    client.force_login(user)
    for url in (dashboard_url(organisation), reverse("start")):
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(&quot;klynge&quot;)&lt;/script&gt;" in html
        assert "<script>alert" not in html and "<img src=x" not in html and "<script>s<" not in html
    assert "<b>Vej</b>" not in client.get(dashboard_url(organisation)).content.decode()


@pytest.mark.parametrize("n", [1, 5])
def test_dashboard_query_count_does_not_grow_with_applications(client, member, organisation, n):
    def count_queries(org) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(dashboard_url(org))
        assert response.status_code == 200
        return len(queries)

    client.force_login(member)
    baseline_organisation = OrganisationFactory()
    baseline_organisation.members.add(member)
    application_in(baseline_organisation, Application.Status.SUBMITTED)
    Message.objects.create(organisation=baseline_organisation, subject="s", body="b")
    baseline = count_queries(baseline_organisation)  # one application, one message

    for i in range(n):
        application_in(organisation, STATUSES[i % len(STATUSES)])
        Message.objects.create(organisation=organisation, subject=f"Besked {i}", body="b")
    html = client.get(dashboard_url(organisation)).content.decode()
    assert html.count('id="application-') == n
    assert count_queries(organisation) == baseline


# --- who may see which page ---------------------------------------------------------------------

ORGANISATION_PAGES = ["organisation", "organisation_edit", "organisation_invite"]


@pytest.mark.parametrize("page", ORGANISATION_PAGES)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("member", 200),
        ("applicant_of_another_organisation", 404),
        ("secretariat", 404),
        ("ufm", 404),
        ("anonymous", 302),
    ],
)
def test_organisation_pages_permissions(client, make_user, member, organisation, page, who, expected):
    if who == "member":
        client.force_login(member)
    elif who == "applicant_of_another_organisation":
        other = make_user("applicant")
        OrganisationFactory().members.add(other)
        client.force_login(other)
    elif who != "anonymous":
        client.force_login(make_user(who))
    url = reverse(f"applications:{page}", args=[organisation.pk])
    response = client.get(url)
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login")) and "next=" in response["Location"]


@pytest.mark.parametrize("page", ["organisation_edit", "organisation_invite"])
def test_another_organisation_cannot_post_to_edit_or_invite(client, make_user, organisation, page):
    intruder = make_user("applicant")
    OrganisationFactory().members.add(intruder)
    client.force_login(intruder)
    data = {"email": "ven@example.dk", "name": "Overtaget", "legal_form": "association", "region": "sjaelland"}
    assert client.post(reverse(f"applications:{page}", args=[organisation.pk]), data).status_code == 404
    organisation.refresh_from_db()
    assert organisation.name == "Klynge for Robotter"
    assert not organisation.invitations.exists()


def test_unknown_organisation_is_404(client, member):
    client.force_login(member)
    assert client.get(reverse("applications:organisation", args=[999999])).status_code == 404


def test_administrator_may_view_but_not_change_an_organisation(client, make_user, organisation):
    # applications.view_organisation includes administrators (rules.py); changing is for members only.
    client.force_login(make_user("administrator"))
    assert client.get(dashboard_url(organisation)).status_code == 200
    assert client.get(reverse("applications:organisation_edit", args=[organisation.pk])).status_code == 404


# --- the secretariat's messages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"), [("secretariat", 200), ("applicant", 403), ("ufm", 403), ("administrator", 403), (None, 302)]
)
@pytest.mark.parametrize("page", ["organisation_list", "organisation_message"])
def test_secretariat_pages_permissions(client, make_user, organisation, role, expected, page):
    if role:
        client.force_login(make_user(role))
    args = [organisation.pk] if page == "organisation_message" else []
    assert client.get(reverse(f"applications:{page}", args=args)).status_code == expected


def test_secretariat_finds_an_organisation_and_sends_it_a_message(
    english, make_user, member, organisation, django_capture_on_commit_callbacks
):
    OrganisationFactory(name="Klynge for Skibe")
    inactive = make_user(email="passiv@example.dk", is_active=False)
    organisation.members.add(inactive)
    secretary = make_user("secretariat")
    english.force_login(secretary)
    listing = english.get(reverse("applications:organisation_list"), {"q": "robot"}).content.decode()
    message_url = reverse("applications:organisation_message", args=[organisation.pk])
    assert message_url in listing and "Klynge for Skibe" not in listing

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(message_url, {"subject": "Manglende bilag", "body": "Send jeres vedtægter."})
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.organisation, message.sent_by, message.subject) == (organisation, secretary, "Manglende bilag")
    assert [m.to for m in mail.outbox] == [[member.email]]  # active members only
    assert "Manglende bilag" in mail.outbox[0].subject
    assert dashboard_url(organisation) in mail.outbox[0].body
    assert AuditEvent.objects.get(action="organisation.message_send").actor == secretary

    english.force_login(member)
    html = english.get(dashboard_url(organisation)).content.decode()
    assert "Manglende bilag" in html and "Send jeres vedtægter." in html


def test_message_without_subject_is_refused_and_the_text_kept(english, make_user, organisation):
    english.force_login(make_user("secretariat"))
    url = reverse("applications:organisation_message", args=[organisation.pk])
    response = english.post(url, {"subject": "", "body": "Husk fristen."})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert "Husk fristen." in response.content.decode()
    assert not Message.objects.exists()


def test_applicant_cannot_post_a_message(client, member, organisation):
    client.force_login(member)
    url = reverse("applications:organisation_message", args=[organisation.pk])
    assert client.post(url, {"subject": "Falsk", "body": "x"}).status_code == 403
    assert not Message.objects.exists()


# --- the applicant's start page -----------------------------------------------------------------


def test_start_page_lists_my_organisations_with_applications_and_messages(english, member, organisation, make_user):
    application = application_in(organisation, Application.Status.SUBMITTED)
    Message.objects.create(organisation=organisation, subject="Velkommen", body="b")
    OrganisationFactory(name="Ikke min klynge")
    english.force_login(member)
    html = english.get(reverse("start")).content.decode()
    assert f'href="{dashboard_url(organisation)}"' in html
    assert reverse("applications:overview", args=[application.pk]) in html
    assert "Submitted" in html and "Velkommen" in html
    assert "Ikke min klynge" not in html
    assert reverse("applications:organisation_create") in html


def test_start_page_without_organisations_links_to_registration(english, make_user):
    english.force_login(make_user("applicant"))
    html = english.get(reverse("start")).content.decode()
    assert "You do not act for an organisation yet" in html
    assert reverse("applications:organisation_create") in html
