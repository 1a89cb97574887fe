"""The status dialogue: the agenda holds what the data says (a late report, an indicator below target, an open
action item from the last meeting, the gold state, the plan's changes, the budget per funder), minutes are
published and the organisations told, action items open and close and come back until closed, the minutes
PDF goes through the document archive, and who may do what."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clusterfund.documents import document_request
from clusterfund.models import AuditEvent, GeneratedDocument
from governance.models import (
    ActionItem,
    GoldLabel,
    IndicatorTarget,
    Report,
    StatusMeeting,
)
from governance.services.dialogue import (
    action_item_add,
    action_item_set_status,
    meeting_agenda_build,
    meeting_create,
    meeting_minutes_save,
)
from review.models import Assignment
from tests.clusterfund.pdfcheck import pdf_text, pdf_xmp
from tests.factories.clusterfund import UserFactory
from tests.factories.governance import plan_with_activity
from tests.factories.governance_watch import accepted_report, open_due, own_calendar

pytestmark = pytest.mark.django_db
TODAY = dt.date(2022, 9, 15)


def held_meeting(grant, by, *, title="Statusmøde forår 2022", on=dt.date(2022, 3, 10), actions=()):
    meeting = meeting_create(call=grant.call, title=title, meets_on=on, organisations=[grant.organisation], by=by)
    for action_title, due in actions:
        action_item_add(
            meeting=meeting, organisation=grant.organisation, title=action_title, owner="Direktøren", due_on=due, by=by
        )
    meeting_minutes_save(meeting=meeting, minutes="Gennemgang af året.", publish=True, revision=meeting.revision, by=by)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def data(grant, member, reviewers):
    """A late report with actuals and accounts, a period target above the actual, a lapsed label and the
    previous meeting with one open and one closed action item."""
    secretariat = reviewers[0]
    own_calendar(grant)
    companies = grant.call.indicators.get(code="virksomheder")
    IndicatorTarget.objects.create(grant=grant, indicator=companies, year=None, value=600)
    plan_with_activity(grant, year=2022, board=4_000_000, ufm=1_000_000)
    accepted_report(grant, indicator=companies, actual=90, used=3_200_000, by=member)
    late = open_due(grant, due_on=dt.date(2022, 8, 31))
    report2 = Report.objects.create(due=late, status="draft")
    GoldLabel.objects.create(
        organisation=grant.organisation,
        level="gold",
        audited_on=dt.date(2020, 6, 1),
        valid_until=dt.date(2022, 5, 31),
        registered_by=member,
    )
    last = held_meeting(
        grant,
        secretariat,
        actions=[("Send deltagerlisten", dt.date(2022, 4, 30)), ("Aftal audit", dt.date(2022, 5, 15))],
    )
    closed = last.action_items.get(title="Aftal audit")
    action_item_set_status(item=closed, status="done", by=secretariat)
    return {"late": late, "report2": report2, "last": last, "secretariat": secretariat}


def test_agenda_holds_what_the_data_says(grant, data):
    secretariat = data["secretariat"]
    meeting = meeting_create(
        call=grant.call,
        title="Statusmøde efterår 2022",
        meets_on=dt.date(2022, 9, 20),
        organisations=[grant.organisation],
        by=secretariat,
    )
    meeting = meeting_agenda_build(meeting=meeting, by=secretariat, today=TODAY)
    part = meeting.agenda["organisations"][0]
    # a late report
    assert [item["key"] for item in part["late"] if item["key"].startswith("report:")] == [f"report:{data['late'].pk}"]
    assert next(i for i in part["late"] if i["key"] == f"report:{data['late'].pk}")["days_late"] == 15
    # an indicator below target: 600 over four years, one year done -> 150 expected, 90 reported
    indicator = next(row for row in part["indicators"] if row["code"] == "virksomheder")
    assert (indicator["target"], indicator["expected"], indicator["actual"], indicator["below"]) == (600, 150, 90, True)
    # the open action item of the last meeting (the closed one is not there)
    assert [a["title"] for a in part["actions"]] == ["Send deltagerlisten"]
    assert part["actions"][0]["late"] is True
    # the gold state: the label lapsed on 31 May
    assert part["gold"]["state"] == "lapsed" and part["gold"]["condition_met"] is False
    # the current plan and budget per funder against the grant
    assert part["plan"]["year"] == 2022
    board = next(row for row in part["budget"] if row["funder"] == "board")
    assert (board["granted"], board["planned"]) == (20_000_000, 4_000_000)
    assert AuditEvent.objects.filter(action="meeting.agenda").count() == 1


def test_agenda_is_a_snapshot_until_rebuilt(grant, data):
    secretariat = data["secretariat"]
    meeting = meeting_create(
        call=grant.call,
        title="Efterår",
        meets_on=dt.date(2022, 9, 20),
        organisations=[grant.organisation],
        by=secretariat,
    )
    meeting = meeting_agenda_build(meeting=meeting, by=secretariat, today=TODAY)
    item = data["last"].action_items.get(title="Send deltagerlisten")
    action_item_set_status(item=item, status="done", by=secretariat)
    meeting.refresh_from_db()
    assert [a["title"] for a in meeting.agenda["organisations"][0]["actions"]] == ["Send deltagerlisten"]
    meeting = meeting_agenda_build(meeting=meeting, by=secretariat, today=TODAY)
    assert meeting.agenda["organisations"][0]["actions"] == []


def test_publishing_the_minutes_tells_the_organisation(grant, member, reviewers, django_capture_on_commit_callbacks):
    secretariat = reviewers[0]
    meeting = meeting_create(
        call=grant.call,
        title="Statusmøde",
        meets_on=dt.date(2022, 3, 10),
        organisations=[grant.organisation],
        by=secretariat,
    )
    meeting_minutes_save(meeting=meeting, minutes="Udkast.", publish=False, revision=0, by=secretariat)
    meeting.refresh_from_db()
    assert meeting.status == "planned" and meeting.minutes == "Udkast."
    with django_capture_on_commit_callbacks(execute=True):
        meeting_minutes_save(meeting=meeting, minutes="Endeligt referat.", publish=True, revision=1, by=secretariat)
    meeting.refresh_from_db()
    assert meeting.is_held and meeting.held_at
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "Referat" in mail.outbox[0].subject  # Danish unless the member chose English
    with pytest.raises(PermissionDenied):  # held: no longer editable
        meeting_minutes_save(meeting=meeting, minutes="x", publish=True, revision=meeting.revision, by=secretariat)
    assert AuditEvent.objects.filter(action__in=["meeting.minutes", "meeting.publish"]).count() == 2


def test_stale_minutes_form_is_refused(grant, reviewers):
    secretariat, ufm = reviewers
    meeting = meeting_create(
        call=grant.call,
        title="Statusmøde",
        meets_on=dt.date(2022, 3, 10),
        organisations=[grant.organisation],
        by=secretariat,
    )
    meeting_minutes_save(meeting=meeting, minutes="UFM's udkast.", publish=False, revision=0, by=ufm)
    with pytest.raises(ValidationError):
        meeting_minutes_save(meeting=meeting, minutes="Mit udkast.", publish=False, revision=0, by=secretariat)


def test_publishing_needs_minutes(grant, reviewers):
    meeting = meeting_create(
        call=grant.call,
        title="Statusmøde",
        meets_on=dt.date(2022, 3, 10),
        organisations=[grant.organisation],
        by=reviewers[0],
    )
    with pytest.raises(ValidationError):
        meeting_minutes_save(meeting=meeting, minutes="  ", publish=True, revision=0, by=reviewers[0])


def test_meeting_needs_organisations_with_a_grant(grant, reviewers):
    from tests.factories.applications import OrganisationFactory

    with pytest.raises(ValidationError):
        meeting_create(call=grant.call, title="x", meets_on=dt.date(2022, 1, 1), organisations=[], by=reviewers[0])
    with pytest.raises(ValidationError):
        meeting_create(
            call=grant.call,
            title="x",
            meets_on=dt.date(2022, 1, 1),
            organisations=[OrganisationFactory()],
            by=reviewers[0],
        )


def test_action_items_transitions(grant, reviewers):
    secretariat = reviewers[0]
    meeting = held_meeting(grant, secretariat, actions=[("Send budget", dt.date(2022, 4, 1))])
    item = meeting.action_items.get()
    item = action_item_set_status(item=item, status="dropped", by=secretariat)
    assert item.closed_at and item.closed_by == secretariat
    with pytest.raises(ValidationError):
        action_item_set_status(item=item, status="done", by=secretariat)
    item = action_item_set_status(item=item, status="open", by=secretariat)
    assert item.closed_at is None
    with pytest.raises(ValidationError):
        action_item_set_status(item=item, status="nonsense", by=secretariat)
    assert AuditEvent.objects.filter(action="action_item.status").count() == 2


def test_organisation_and_conflicted_reviewer_may_not_manage(grant, member, reviewers):
    meeting = held_meeting(grant, reviewers[0], actions=[("Send budget", dt.date(2022, 4, 1))])
    conflicted = UserFactory(roles=["secretariat"])
    Assignment.objects.create(
        application=grant.application,
        reviewer=conflicted,
        side="secretariat",
        assigned_by=reviewers[0],
        conflict=Assignment.Conflict.DECLARED,
        conflict_note="Bestyrelsesmedlem.",
        conflict_declared_at=timezone.now(),
    )
    for user in (member, conflicted):
        with pytest.raises(PermissionDenied):
            action_item_set_status(item=meeting.action_items.get(), status="done", by=user)
        with pytest.raises(PermissionDenied):
            action_item_add(
                meeting=meeting, organisation=grant.organisation, title="x", owner="y", due_on=TODAY, by=user
            )
    assert member.has_perm("governance.view_meeting", meeting)
    assert not conflicted.has_perm("governance.view_meeting", meeting)


def test_minutes_pdf_through_the_document_archive(grant, member, reviewers, django_capture_on_commit_callbacks):
    meeting = held_meeting(grant, reviewers[0], actions=[("Send deltagerlisten", dt.date(2022, 4, 30))])
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind="status-minutes", subject=meeting, by=reviewers[0])
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE, document.error
    with document.file.open("rb") as handle:
        pdf = handle.read()
    text = " ".join(pdf_text(pdf).split())
    assert "Gennemgang af året." in text and "Send deltagerlisten" in text and grant.organisation.name in text
    assert 'pdfaid:part="3"' in pdf_xmp(pdf)
    assert member.has_perm("governance.download_minutes", meeting)
    assert not member.has_perm("governance.generate_minutes", meeting)


def test_planned_meeting_is_hidden_from_the_organisation(grant, member, reviewers):
    meeting = meeting_create(
        call=grant.call,
        title="Statusmøde",
        meets_on=dt.date(2022, 3, 10),
        organisations=[grant.organisation],
        by=reviewers[0],
    )
    assert not member.has_perm("governance.view_meeting", meeting)
    assert StatusMeeting.objects.get(pk=meeting.pk).status == "planned"
    assert not ActionItem.objects.exists()
