"""Role × action for every report, queue, overview and export page, and the pages' main paths."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from governance.models import Report, ReportAttachment, ReportDue
from tests.factories.governance import plan_with_activity
from tests.factories.governance_reports import fictional_cvr, report_for
from tests.governance.conftest import identities

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "member",
    "other_member",
    "secretariat",
    "ufm",
    "subcommittee_member",
    "subcommittee_chair",
    "administrator",
    "conflicted",
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(grant, member, reviewers, settings, tmp_path):
    """The grant with a 2021 plan, a draft report (2021 due, every part filled) with an attachment, a
    submitted report (2022 due), an unstarted 2023 due; another organisation's grant; one user per role."""
    settings.MEDIA_ROOT = tmp_path
    plan_with_activity(grant, year=2021)
    dues = {d.period_start.year: d for d in ReportDue.objects.filter(grant=grant, kind="periodic")}
    draft = report_for(dues[2021])
    draft.activity_statuses.create(activity=grant.plans.get(year=2021).activities.get(), status="done", account="Ok.")
    attachment = ReportAttachment(
        report=draft,
        kind="auditor_statement",
        original_name="revisor.pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=member,
    )
    attachment.file.save("revisor.pdf", ContentFile(PDF), save=False)
    attachment.save()
    submitted = report_for(dues[2022], status=Report.Status.SUBMITTED)
    users = identities(grant, member, reviewers)
    return {
        "grant": grant,
        "draft": draft,
        "submitted": submitted,
        "unstarted": dues[2023],
        "attachment": attachment,
        "users": users,
    }


def url_for(name: str, world) -> str:
    grant, draft, submitted = world["grant"], world["draft"], world["submitted"]
    args = {
        "grant_reports": [grant.pk],
        "report_start": [world["unstarted"].pk],
        "report_queue": [grant.call.slug],
        "report": [draft.pk],
        "report_content": [draft.pk],
        "report_participants": [draft.pk],
        "report_accounts": [draft.pk],
        "report_attachment_add": [draft.pk],
        "report_attachment": [draft.pk, world["attachment"].pk],
        "report_submit": [draft.pk],
        "report_review": [submitted.pk],
        "overview": [grant.call.slug],
        "overview_export": [grant.call.slug, "csv"],
        "register_export": [grant.pk, "xlsx"],
    }[name]
    return reverse(f"governance:{name}", args=args)


L, OK, NF, FB, NA, BAD = 302, 200, 404, 403, 405, 422
GET_EXPECTED = {
    #                      anon member other sec  ufm  sub  chair admin conflicted
    "grant_reports": [L, OK, NF, OK, OK, NF, NF, NF, NF],
    "report_start": [L, NA, NA, NA, NA, NA, NA, NA, NA],  # POST only
    "report_queue": [L, NF, NF, OK, OK, NF, NF, NF, OK],
    "report": [L, OK, NF, OK, OK, NF, NF, NF, NF],
    "report_content": [L, OK, NF, FB, FB, NF, NF, NF, NF],
    "report_participants": [L, OK, NF, OK, OK, NF, NF, NF, NF],
    "report_accounts": [L, OK, NF, FB, FB, NF, NF, NF, NF],
    "report_attachment_add": [L, OK, NF, FB, FB, NF, NF, NF, NF],
    "report_attachment": [L, OK, NF, OK, OK, NF, NF, NF, NF],
    "report_submit": [L, OK, NF, FB, FB, NF, NF, NF, NF],
    "report_review": [L, FB, NF, OK, OK, NF, NF, NF, NF],
    "overview": [L, NF, NF, OK, OK, NF, NF, NF, OK],
    "overview_export": [L, NF, NF, OK, OK, NF, NF, NF, OK],
    "register_export": [L, OK, NF, OK, OK, NF, NF, NF, NF],
}
CASES = [(name, role, expected[i]) for name, expected in GET_EXPECTED.items() for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("name", "role", "expected"), CASES)
def test_get_per_role(client, world, name, role, expected):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    response = client.get(url_for(name, world))
    assert response.status_code == expected, (name, role)
    if expected == L:
        assert reverse("login") in response["Location"]


def valid_post(name: str, world) -> dict:
    activity = world["draft"].activity_statuses.get().activity_id
    return {
        "grant_reports": {"due_on": "2022-09-30", "period_start": "2022-01-01", "period_end": "2022-06-30", "note": ""},
        "report_start": {},
        "report_content": {"summary": "Året gik godt.", f"status_{activity}": "done", f"account_{activity}": "Ok."},
        "report_participants": {
            "action": "add",
            "cvr": fictional_cvr(3),
            "name": "Firma ApS",
            "kind": "virksomhed",
            "size_class": "lille",
            "activities": ["1"],
        },
        "report_accounts": {
            "rows": "1",
            "funder_0": "board",
            "line_0": "Løn",
            "budget_0": "100.000",
            "actual_0": "90.000",
        },
        "report_submit": {},
        "report_review": {"action": "accept"},
        "overview": {},
    }[name]


# A valid POST: the allowed roles get the redirect after success, everyone else 403/404 and nothing changes.
POST_EXPECTED = {
    "grant_reports": [L, FB, NF, 302, FB, NF, NF, NF, NF],
    "report_start": [L, 302, NF, FB, FB, NF, NF, NF, NF],
    "report_content": [L, 302, NF, FB, FB, NF, NF, NF, NF],
    "report_participants": [L, 302, NF, FB, FB, NF, NF, NF, NF],
    "report_accounts": [L, 302, NF, FB, FB, NF, NF, NF, NF],
    "report_submit": [L, 302, NF, FB, FB, NF, NF, NF, NF],
    "report_review": [L, FB, NF, 302, 302, NF, NF, NF, NF],
    "overview": [L, NF, NF, NA, NA, NF, NF, NF, NA],
}
POST_CASES = [(name, role, expected[i]) for name, expected in POST_EXPECTED.items() for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("name", "role", "expected"), POST_CASES)
def test_post_per_role(client, world, name, role, expected):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    before = {r.pk: (r.status, r.revision) for r in Report.objects.all()}
    response = client.post(url_for(name, world), valid_post(name, world))
    assert response.status_code == expected, (name, role, response.content.decode()[:500])
    if expected in (NF, FB) or user is None:
        assert {r.pk: (r.status, r.revision) for r in Report.objects.all()} == before


def test_upload_errors_are_shown_by_row(client, world, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(member)
    body = (
        "CVR;Navn;Type;Størrelse;Aktiviteter\n"
        f"{fictional_cvr(1)};A ApS;virksomhed;lille;1\n"
        "12345678;B ApS;virksomhed;lille;9\n"
    )
    response = client.post(
        url_for("report_participants", world),
        {"action": "upload", "file": SimpleUploadedFile("d.csv", body.encode(), content_type="text/csv")},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Row 3:" in page and "Unknown activity" in page
    assert world["draft"].participants.count() == 0


def test_late_reports_are_marked_in_the_calendar_queue_and_overview(client, world, reviewers, member):
    # the 2022 report was submitted after its due date (31 March 2023)
    submitted = world["submitted"]
    late = submitted.due.deadline() + dt.timedelta(days=2)
    Report.objects.filter(pk=submitted.pk).update(first_submitted_at=late, submitted_at=late)
    client.force_login(reviewers[0])
    for name in ("report_queue", "overview"):
        assert "Late" in client.get(url_for(name, world)).content.decode(), name
    client.force_login(member)
    page = client.get(url_for("grant_reports", world)).content.decode()
    row = page[page.index(f'id="due-{submitted.due_id}"') :]
    assert "Late" in row[: row.index("</tr>")]


def test_queue_hides_a_conflicted_grant(client, world):
    client.force_login(world["users"]["conflicted"])
    page = client.get(url_for("report_queue", world)).content.decode()
    assert f'id="report-{world["submitted"].pk}"' not in page
    client.force_login(world["users"]["secretariat"])
    page = client.get(url_for("report_queue", world)).content.decode()
    assert f'id="report-{world["submitted"].pk}"' in page
    assert f'id="report-{world["draft"].pk}"' not in page  # drafts are the organisation's own


def test_changes_requested_through_the_page_reach_the_organisation(client, world, reviewers, member):
    client.force_login(reviewers[1])
    response = client.post(url_for("report_review", world), {"action": "changes", "note": "Vedlæg revisorerklæringen."})
    assert response.status_code == 302
    client.force_login(member)
    page = client.get(reverse("governance:report", args=[world["submitted"].pk])).content.decode()
    assert "Vedlæg revisorerklæringen." in page


def test_start_page_panels_lead_to_the_reports(client, world, member, reviewers):
    client.force_login(member)
    page = client.get(reverse("start")).content.decode()
    assert reverse("governance:grant_reports", args=[world["grant"].pk]) in page
    client.force_login(reviewers[0])
    page = client.get(reverse("start")).content.decode()
    assert reverse("governance:report_queue", args=[world["grant"].call.slug]) in page
    assert reverse("governance:overview", args=[world["grant"].call.slug]) in page


GARBAGE = [
    {},
    {"action": "upload"},
    {"action": "remove", "participant": "x"},
    {"action": "add", "cvr": "<script>", "activities": ["99"], "kind": "x"},
    {"rows": "abc", "funder_0": "eu", "line_0": "x", "budget_0": "-5", "actual_0": "1,5"},
    {"rows": "-3"},
    {"rows": "100000"},
    {"summary": "x" * 20_000, "status_1": "nope", "account_1": "y"},
    {"due_on": "2022-13-45", "period_start": "x", "period_end": ""},
    {"due_on": "2020-01-01", "period_start": "2022-01-01", "period_end": "2022-06-30"},
    {"action": "lock"},
    {"action": "changes", "note": ""},
    {"action": "?"},
]


@pytest.mark.parametrize(
    "name",
    [
        "grant_reports",
        "report_content",
        "report_participants",
        "report_accounts",
        "report_attachment_add",
        "report_submit",
        "report_review",
    ],
)
def test_garbage_posts_never_give_a_server_error(client, world, member, reviewers, name):
    user = reviewers[0] if name in ("grant_reports", "report_review") else member
    client.force_login(user)
    for data in GARBAGE:
        response = client.post(url_for(name, world), data)
        assert response.status_code < 500, (name, data)
