"""Role × action for every page of governance part 2 (gold-label watch, status dialogue, portfolio dashboard),
GET and POST, and the pages' main paths; an organisation sees only its own minutes (another's answer 404)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import ActionItem, GoldLabel, GoldPlan, StatusMeeting
from governance.services.dialogue import action_item_add, meeting_create, meeting_minutes_save
from review.models import Assignment
from tests.factories.applications import pdf_upload
from tests.factories.clusterfund import UserFactory
from tests.factories.governance import simple_grant

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


@pytest.fixture
def world(grant, member, reviewers):
    """The grant's organisation with a gold label, a held meeting with an action item, a planned meeting, and
    another organisation's held meeting; one user per role."""
    secretariat = reviewers[0]
    label = GoldLabel.objects.create(
        organisation=grant.organisation,
        level="gold",
        audited_on=dt.date(2021, 11, 1),
        valid_until=dt.date(2023, 10, 31),
        registered_by=member,
        file=pdf_upload("guld.pdf"),
        original_name="guld.pdf",
        size=10,
    )
    held = meeting_create(
        call=grant.call, title="Forår", meets_on=dt.date(2022, 3, 1), organisations=[grant.organisation], by=secretariat
    )
    item = action_item_add(
        meeting=held,
        organisation=grant.organisation,
        title="Send listen",
        owner="Direktør",
        due_on=dt.date(2022, 4, 1),
        by=secretariat,
    )
    meeting_minutes_save(meeting=held, minutes="Referat.", publish=True, revision=held.revision, by=secretariat)
    planned = meeting_create(
        call=grant.call,
        title="Efterår",
        meets_on=dt.date(2022, 9, 1),
        organisations=[grant.organisation],
        by=secretariat,
    )
    other = UserFactory(roles=["applicant"])
    other_grant = simple_grant(call=grant.call, member=other)
    reviewers_assign = Assignment.objects.create  # the reviewers also work on the other organisation
    for reviewer, side in ((reviewers[0], "secretariat"), (reviewers[1], "ufm")):
        reviewers_assign(application=other_grant.application, reviewer=reviewer, side=side, assigned_by=secretariat)
    other_meeting = meeting_create(
        call=grant.call,
        title="Anden klynge",
        meets_on=dt.date(2022, 3, 2),
        organisations=[other_grant.organisation],
        by=secretariat,
    )
    meeting_minutes_save(meeting=other_meeting, minutes="Andet referat.", publish=True, revision=0, by=secretariat)
    conflicted = UserFactory(roles=["secretariat"])
    Assignment.objects.create(
        application=grant.application,
        reviewer=conflicted,
        side="secretariat",
        assigned_by=secretariat,
        conflict=Assignment.Conflict.DECLARED,
        conflict_note="Sidder i bestyrelsen.",
        conflict_declared_at=timezone.now(),
    )
    users = {
        "anonymous": None,
        "member": member,
        "other_member": other,
        "secretariat": secretariat,
        "ufm": reviewers[1],
        "subcommittee_member": UserFactory(roles=["subcommittee_member"]),
        "subcommittee_chair": UserFactory(roles=["subcommittee_chair"]),
        "administrator": UserFactory(roles=["administrator"]),
        "conflicted": conflicted,
    }
    return {
        "grant": grant,
        "label": label,
        "held": StatusMeeting.objects.get(pk=held.pk),
        "planned": planned,
        "item": item,
        "other_meeting": other_meeting,
        "users": users,
    }


def url_for(name: str, world) -> str:
    grant = world["grant"]
    org, slug = grant.organisation_id, grant.call.slug
    args = {
        "gold": [org],
        "gold_register": [org],
        "gold_plan": [org],
        "gold_certificate": [org, world["label"].pk],
        "gold_labels": [slug],
        "reminder_language": [],
        "meetings": [slug],
        "my_meetings": [],
        "meeting": [world["held"].pk],
        "meeting_planned": [world["planned"].pk],
        "meeting_other": [world["other_meeting"].pk],
        "meeting_agenda": [world["planned"].pk],
        "meeting_minutes": [world["planned"].pk],
        "action_item_create": [world["held"].pk],
        "action_item_status": [world["item"].pk],
        "dashboard": [slug],
        "dashboard_export": [slug, "organisations", "csv"],
    }[name]
    real = {"meeting_planned": "meeting", "meeting_other": "meeting"}.get(name, name)
    return reverse(f"governance:{real}", args=args)


L, OK, NF, FB, NA = 302, 200, 404, 403, 405
#                          anon member other  sec   ufm  sub  chair admin conflicted
GET_EXPECTED = {
    "gold": [L, OK, NF, OK, OK, NF, NF, NF, NF],
    "gold_register": [L, NA, NF, NA, FB, NF, NF, NF, NF],
    "gold_plan": [L, NA, NF, NA, FB, NF, NF, NF, NF],
    "gold_certificate": [L, OK, NF, OK, OK, NF, NF, NF, NF],
    "gold_labels": [L, NF, NF, OK, OK, NF, NF, NF, OK],
    "reminder_language": [L, NA, NA, NA, NA, NA, NA, NA, NA],
    "meetings": [L, NF, NF, OK, OK, NF, NF, NF, OK],
    "my_meetings": [L, OK, OK, OK, OK, OK, OK, OK, OK],
    "meeting": [L, OK, NF, OK, OK, NF, NF, NF, NF],
    "meeting_planned": [L, NF, NF, OK, OK, NF, NF, NF, NF],
    "meeting_other": [L, NF, OK, OK, OK, NF, NF, NF, OK],
    "meeting_agenda": [L, NF, NF, NA, NA, NF, NF, NF, NF],
    "meeting_minutes": [L, NF, NF, OK, OK, NF, NF, NF, NF],
    "action_item_create": [L, FB, NF, NA, NA, NF, NF, NF, NF],
    "action_item_status": [L, NA, NA, NA, NA, NA, NA, NA, NA],
    "dashboard": [L, NF, NF, OK, OK, OK, OK, NF, OK],
    "dashboard_export": [L, NF, NF, OK, OK, OK, OK, NF, OK],
}

# POST: what a plain (empty or minimal) post answers; 302 = done and redirected, 422 = form refused
POST_EXPECTED = {
    "gold_register": [L, 422, NF, 422, FB, NF, NF, NF, NF],
    "gold_plan": [L, 422, NF, 422, FB, NF, NF, NF, NF],
    "reminder_language": [L, 302, 302, 302, 302, 302, 302, 302, 302],
    "meetings": [L, NF, NF, 422, 422, NF, NF, NF, 422],
    "meeting_agenda": [L, NF, NF, 302, 302, NF, NF, NF, NF],
    "meeting_minutes": [L, NF, NF, 302, 302, NF, NF, NF, NF],
    "action_item_create": [L, FB, NF, 422, 422, NF, NF, NF, NF],
    "action_item_status": [L, FB, NF, 302, 302, NF, NF, NF, NF],
}


def _login(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [(name, role, expected[i]) for name, expected in GET_EXPECTED.items() for i, role in enumerate(ROLES)],
)
def test_get_per_role(client, world, name, role, expected):
    _login(client, world, role)
    response = client.get(url_for(name, world))
    assert response.status_code == expected, response.content[:300]


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [(name, role, expected[i]) for name, expected in POST_EXPECTED.items() for i, role in enumerate(ROLES)],
)
def test_post_per_role(client, world, name, role, expected):
    _login(client, world, role)
    data = {
        "reminder_language": {"language": "en", "next": "/"},
        "meeting_minutes": {"minutes": "Udkast", "action": "save", "revision": world["planned"].revision},
        "action_item_status": {"status": "done"},
    }.get(name, {})
    response = client.post(url_for(name, world), data)
    assert response.status_code == expected, response.content[:300]


def test_organisation_sees_only_its_own_minutes_and_action_items(client, world):
    client.force_login(world["users"]["member"])
    page = client.get(url_for("meeting", world)).content.decode()
    assert "Referat." in page and "Send listen" in page
    mine = client.get(reverse("governance:my_meetings")).content.decode()
    assert "Forår" in mine and "Anden klynge" not in mine and "Send listen" in mine
    assert client.get(url_for("meeting_other", world)).status_code == 404


def test_conflicted_reviewer_never_sees_the_organisation(client, world):
    client.force_login(world["users"]["conflicted"])
    listing = client.get(url_for("meetings", world)).content.decode()
    assert "Forår" not in listing and "Anden klynge" in listing
    labels = client.get(url_for("gold_labels", world)).content.decode()
    assert world["grant"].organisation.name not in labels
    board = client.get(url_for("dashboard", world)).content.decode()
    assert world["grant"].organisation.name not in board


def test_member_registers_a_certificate_and_a_plan(client, world):
    client.force_login(world["users"]["member"])
    org = world["grant"].organisation
    response = client.post(
        url_for("gold_register", world),
        {"level": "gold", "audited_on": "2023-09-01", "certificate": pdf_upload("ny.pdf")},
    )
    assert response.status_code == 302
    assert GoldLabel.objects.filter(
        organisation=org, audited_on=dt.date(2023, 9, 1), valid_until=dt.date(2025, 8, 31)
    ).exists()
    refused = client.post(
        url_for("gold_register", world),
        {"level": "gold", "audited_on": "2023-09-01", "certificate": pdf_upload("x.pdf", b"GIF89a")},
    )
    assert refused.status_code == 422 and "not a PDF" in refused.content.decode()
    assert (
        client.post(url_for("gold_plan", world), {"target_date": "2024-06-30", "summary": "Audit"}).status_code == 302
    )
    assert GoldPlan.objects.filter(organisation=org, target_date=dt.date(2024, 6, 30)).exists()
    certificate = client.get(url_for("gold_certificate", world))
    assert certificate["Content-Type"] == "application/pdf"
    assert b"".join(certificate.streaming_content).startswith(b"%PDF")


def test_garbled_input_never_breaks_a_page(client, world):
    client.force_login(world["users"]["secretariat"])
    assert client.post(url_for("gold_register", world), {"level": "platinum", "audited_on": "nope"}).status_code == 422
    assert client.post(url_for("meeting_minutes", world), {"minutes": "x", "revision": "abc"}).status_code == 422
    assert client.post(url_for("action_item_status", world), {"status": "weird"}).status_code == 302
    bad = client.post(
        url_for("action_item_create", world),
        {"organisation": "999999", "title": "x", "owner": "y", "due_on": "2022-13-45"},
    )
    assert bad.status_code == 422
    assert (
        client.get(reverse("governance:dashboard_export", args=[world["grant"].call.slug, "nope", "csv"])).status_code
        == 404
    )
    assert client.get(url_for("dashboard", world) + "?year=abc&area=x&region=<b>").status_code == 200


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/styring/", "/styring/"),
        ("¹²³⁴⁵⁶⁷⁸", "/"),  # no path: redirect() looked it up as a URL name, a 500
        ("NaN", "/"),
        ("https://elsewhere.example/", "/"),
        ("//elsewhere.example/", "/"),
        ("/a\x00b", "/"),
    ],
)
def test_the_reminder_language_goes_back_to_a_path_on_this_site_only(client, world, target, expected):
    client.force_login(world["users"]["member"])
    response = client.post(url_for("reminder_language", world), {"language": "en", "next": target})
    assert response.status_code == 302 and response["Location"] == expected


def test_staff_plan_a_meeting_build_its_agenda_and_publish(client, world):
    client.force_login(world["users"]["secretariat"])
    grant = world["grant"]
    response = client.post(
        url_for("meetings", world),
        {"title": "Vinter", "meets_on": "2022-12-01", "organisations": [grant.organisation_id]},
    )
    assert response.status_code == 302
    meeting = StatusMeeting.objects.get(title="Vinter")
    assert client.post(reverse("governance:meeting_agenda", args=[meeting.pk])).status_code == 302
    meeting.refresh_from_db()
    assert meeting.agenda["organisations"][0]["actions"][0]["title"] == "Send listen"
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Open action items from earlier meetings" in page and "Send listen" in page
    response = client.post(
        reverse("governance:meeting_minutes", args=[meeting.pk]),
        {"minutes": "Vi aftalte to ting.", "action": "publish", "revision": meeting.revision},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_held
    # closing the old item from the new meeting's page returns there
    response = client.post(
        reverse("governance:action_item_status", args=[world["item"].pk]), {"status": "done", "meeting": meeting.pk}
    )
    assert response["Location"] == meeting.get_absolute_url()
    assert ActionItem.objects.get(pk=world["item"].pk).status == "done"


def test_start_page_panels_link_the_new_pages(client, world):
    client.force_login(world["users"]["secretariat"])
    start = client.get(reverse("start")).content.decode()
    assert reverse("governance:dashboard", args=[world["grant"].call.slug]) in start
    assert reverse("governance:meetings", args=[world["grant"].call.slug]) in start
    client.force_login(world["users"]["subcommittee_chair"])
    start = client.get(reverse("start")).content.decode()
    assert reverse("governance:dashboard", args=[world["grant"].call.slug]) in start
    assert reverse("governance:meetings", args=[world["grant"].call.slug]) not in start
    client.force_login(world["users"]["member"])
    start = client.get(reverse("start")).content.decode()
    assert reverse("governance:gold", args=[world["grant"].organisation_id]) in start
    assert reverse("governance:my_meetings") in start


def test_reminder_settings_are_edited_in_the_admin_and_audited(client, world):
    from clusterfund.models import AuditEvent
    from governance.models import WatchSettings

    admin = UserFactory(roles=["administrator"], is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:governance_watchsettings_add"),
        {
            "call": world["grant"].call_id,
            "due_soon_days": "[45, 10]",
            "gold_expiry_months": "[4]",
            "escalation_days": "21",
            "meetings_per_year": "2",
        },
    )
    assert response.status_code == 302, response.content[:500]
    settings = WatchSettings.objects.get(call=world["grant"].call)
    assert (settings.due_soon_days, settings.escalation_days) == ([45, 10], 21)
    assert AuditEvent.objects.filter(action="admin.add").count() == 1
    bad = client.post(
        reverse("admin:governance_watchsettings_change", args=[settings.pk]),
        {
            "call": world["grant"].call_id,
            "due_soon_days": '["x"]',
            "gold_expiry_months": "[4]",
            "escalation_days": "0",
            "meetings_per_year": "2",
        },
    )
    assert bad.status_code == 200  # the form shows its errors
    assert client.get(reverse("admin:governance_remindersent_changelist")).status_code == 200
