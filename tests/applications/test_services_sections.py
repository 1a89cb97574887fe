"""The section services: each section's write, the one version check (a stale save changes nothing) and the
one audit event per save, whichever section it is."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from applications.models import (
    Activity,
    ActivityActor,
    ActorType,
    Application,
    Attachment,
    BoardMember,
    BudgetLine,
    CriterionAnswer,
    Location,
    Partner,
    RequirementAnswer,
)
from applications.services import VersionConflict, section_version
from applications.services_lists import partner_attach_letter
from applications.services_sections import (
    activity_delete,
    activity_save,
    area_save,
    budget_save,
    criteria_save,
    partners_save,
    requirements_save,
)
from clusterfund.models import AuditEvent
from tests.factories.applications import (
    ActivityTypeFactory,
    ApplicationFactory,
    BusinessAreaFactory,
    open_call_with_parts,
    pdf_upload,
)

COMPANY = ActorType.COMPANY
KNOWLEDGE = ActorType.KNOWLEDGE_INSTITUTION


@pytest.fixture
def colleague(make_user, draft):
    user = make_user("applicant", full_name="Kollega Hansen")
    draft.organisation.members.add(user)
    return user


def saves(application) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="application.section_save", object_id=str(application.pk)))


def requirement(application, code):
    return application.call.requirements.get(code=code)


def criterion(application, code):
    return application.call.criteria.get(code=code)


def activity_fields(application, title="Matchmaking") -> dict:
    return {
        "activity_type": application.call.activity_types.first(),
        "title": title,
        "description": "Vi samler virksomheder og forskere.",
        "first_year": 2021,
        "last_year": 2022,
        "budget": 1_250_000,
    }


TWO_ACTORS = [
    {"id": None, "name": "Firma A/S", "actor_type": COMPANY},
    {"id": None, "name": "DTU", "actor_type": KNOWLEDGE},
]


def partner_row(name, **fields):
    return {"id": None, "fields": {"name": name, "partner_type": COMPANY, "role": "Test", "cvr": "", **fields}}


# Per section: a save that writes `word` somewhere, and a read of what was written.
def _area(application, by, version, word):
    area = application.call.areas.get(name=word)
    return area_save(application=application, by=by, expected_version=version, business_area=area)


def _area_read(application):
    application.refresh_from_db()
    return application.business_area.name


def _requirements(application, by, version, word):
    answers = {requirement(application, "legal_entity"): word}
    return requirements_save(application=application, by=by, expected_version=version, answers=answers)


def _requirements_read(application):
    return RequirementAnswer.objects.get(application=application).text


def _criteria(application, by, version, word):
    texts = {criterion(application, "organisation"): word}
    return criteria_save(application=application, by=by, expected_version=version, texts=texts)


def _criteria_read(application):
    return CriterionAnswer.objects.get(application=application).text


def _budget(application, by, version, word):
    amount = {"Miljøteknologi": 1_000, "Energiteknologi": 2_000}[word]
    return budget_save(application=application, by=by, expected_version=version, amounts={2021: {"ufm_amount": amount}})


def _budget_read(application):
    amount = BudgetLine.objects.get(application=application, year=2021).ufm_amount
    return {1_000: "Miljøteknologi", 2_000: "Energiteknologi"}[amount]


def _partners(application, by, version, word):
    state, _created = partners_save(application=application, by=by, expected_version=version, rows=[partner_row(word)])
    return state


def _partners_read(application):
    return " ".join(application.partners.values_list("name", flat=True))


def _activities(application, by, version, word):
    fields = activity_fields(application, title=word)
    activity_save(
        application=application, by=by, expected_version=version, activity=None, fields=fields, actors=TWO_ACTORS
    )


def _new_activity(application, by) -> Activity:
    """Save the draft's first activity (the section at version 0) and return it."""
    fields = activity_fields(application)
    return activity_save(
        application=application, by=by, expected_version=0, activity=None, fields=fields, actors=TWO_ACTORS
    )


def _activities_read(application):
    return " ".join(application.activities.values_list("title", flat=True))


SECTIONS = {
    "area": (_area, _area_read),
    "requirements": (_requirements, _requirements_read),
    "criteria": (_criteria, _criteria_read),
    "budget": (_budget, _budget_read),
    "partners": (_partners, _partners_read),
    "activities": (_activities, _activities_read),
}


# --- one version check, one audit event -----------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS)
def test_a_stale_save_is_refused_and_overwrites_nothing(draft, member, colleague, section):
    save, read = SECTIONS[section]
    save(draft, colleague, 0, "Energiteknologi")
    with pytest.raises(VersionConflict) as conflict:
        save(draft, member, 0, "Miljøteknologi")
    assert conflict.value.state.version == 1
    assert conflict.value.state.saved_by == colleague
    assert read(draft) == "Energiteknologi"
    assert section_version(application=draft, section=section) == 1
    assert len(saves(draft)) == 1  # the refused save left no trace


@pytest.mark.parametrize("section", SECTIONS)
def test_saving_over_a_colleagues_version_is_possible_at_their_version(draft, member, colleague, section):
    save, read = SECTIONS[section]
    save(draft, colleague, 0, "Energiteknologi")
    save(draft, member, 1, "Miljøteknologi")
    assert "Miljøteknologi" in read(draft)
    assert section_version(application=draft, section=section) == 2


@pytest.mark.parametrize("section", SECTIONS)
def test_every_save_writes_one_audit_event_with_the_versions(draft, member, section):
    save, _read = SECTIONS[section]
    save(draft, member, 0, "Miljøteknologi")
    save(draft, member, 1, "Energiteknologi")
    first, second = sorted(saves(draft), key=lambda event: event.pk)
    assert first.actor == member
    assert first.before == {"section": section, "version": 0}
    assert first.after["section"] == section and first.after["version"] == 1
    assert second.before["version"] == 1 and second.after["version"] == 2
    assert first.after["changed"], "the first save changes something and names it"


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize(
    ("language", "message"),
    [("da", "Ansøgningen er indsendt og kan ikke længere ændres."), ("en", "can no longer be changed")],
)
def test_a_submitted_application_is_refused_and_unchanged(draft, member, section, language, message):
    save, _read = SECTIONS[section]
    Application.objects.filter(pk=draft.pk).update(status=Application.Status.SUBMITTED, submitted_at=draft.created_at)
    with translation.override(language), pytest.raises(ValidationError, match=message):
        save(draft, member, 0, "Miljøteknologi")
    assert not saves(draft)
    assert section_version(application=draft, section=section) == 0


@pytest.mark.parametrize("section", SECTIONS)
def test_someone_outside_the_organisation_is_refused(draft, make_user, section):
    save, _read = SECTIONS[section]
    with pytest.raises(PermissionDenied):
        save(draft, make_user("applicant"), 0, "Miljøteknologi")
    assert not saves(draft)


def test_a_save_that_fails_validation_writes_nothing(draft, member):
    rows = [partner_row("Firma A/S"), partner_row("Forkert CVR", cvr="12345678")]
    with pytest.raises(ValidationError):
        partners_save(application=draft, by=member, expected_version=0, rows=rows)
    assert not Partner.objects.filter(application=draft).exists()  # the first row is rolled back too
    assert section_version(application=draft, section="partners") == 0
    assert not saves(draft)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("da", "Ikke gemt: Kollega Hansen gemte dette afsnit kl."),
        ("en", "Not saved: Kollega Hansen saved this section at"),
    ],
)
def test_the_autosave_names_the_colleague_in_the_users_language(client, draft, member, colleague, language, message):
    _budget(draft, colleague, 0, "Energiteknologi")
    client.force_login(member)
    client.cookies["django_language"] = language
    url = reverse("applications:section_budget", args=[draft.pk])
    response = client.post(url, {"version": "0", "ufm_2021": "1.000"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _budget_read(draft) == "Energiteknologi"


@pytest.mark.parametrize(
    ("language", "message"),
    [("da", "En kollega gemte dette afsnit, mens du redigerede"), ("en", "A colleague saved this section while")],
)
def test_the_page_shows_the_conflict_in_the_users_language(client, draft, member, colleague, language, message):
    _criteria(draft, colleague, 0, "Energiteknologi")
    client.force_login(member)
    client.cookies["django_language"] = language
    url = reverse("applications:section_criteria", args=[draft.pk])
    data = {"version": "0", f"criterion_{criterion(draft, 'organisation').pk}": "Min udgave"}
    data.update({"locations-TOTAL_FORMS": "0", "locations-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 409
    assert message in response.content.decode()
    assert _criteria_read(draft) == "Energiteknologi"


# --- each section's write -------------------------------------------------------------------------


def test_area_save_sets_and_changes_the_area(draft, member):
    first, second = draft.call.areas.order_by("name")
    area_save(application=draft, by=member, expected_version=0, business_area=first)
    area_save(application=draft, by=member, expected_version=1, business_area=first)
    area_save(application=draft, by=member, expected_version=2, business_area=second)
    draft.refresh_from_db()
    assert draft.business_area == second
    assert [event.after["changed"] for event in sorted(saves(draft), key=lambda e: e.pk)] == [
        ["business_area"],
        [],
        ["business_area"],
    ]


def test_area_save_refuses_another_calls_area(draft, member):
    with pytest.raises(ValueError):
        area_save(application=draft, by=member, expected_version=0, business_area=BusinessAreaFactory())
    assert not saves(draft)


def test_requirements_save_writes_answers_evidence_and_board(draft, member):
    legal, foundation = requirement(draft, "legal_entity"), requirement(draft, "robust_foundation")
    board = [
        {"name": "Anne", "affiliation": "company", "employer": "Firma A/S"},
        {"name": "Bo", "affiliation": "knowledge_institution", "employer": ""},
    ]
    requirements_save(
        application=draft,
        by=member,
        expected_version=0,
        answers={legal: "Vi er en forening.", foundation: ""},
        evidence={"equity": -5_000, "staff_count": 12},
        board=board,
    )
    assert dict(RequirementAnswer.objects.filter(application=draft).values_list("requirement__code", "text")) == {
        "legal_entity": "Vi er en forening."  # an empty answer is not created
    }
    draft.refresh_from_db()
    assert (draft.equity, draft.staff_count) == (-5_000, 12)
    assert list(BoardMember.objects.filter(application=draft).values_list("name", "affiliation", "employer")) == [
        ("Anne", "company", "Firma A/S"),
        ("Bo", "knowledge_institution", ""),
    ]
    assert saves(draft)[0].after["changed"] == sorted(["requirement:legal_entity", "equity", "staff_count", "board"])


def test_requirements_save_again_changes_only_what_differs(draft, member):
    legal = requirement(draft, "legal_entity")
    board = [{"name": "Anne", "affiliation": "company", "employer": ""}]
    requirements_save(
        application=draft, by=member, expected_version=0, answers={legal: "A"}, evidence={"equity": 1}, board=board
    )
    members = list(BoardMember.objects.filter(application=draft).values_list("pk", flat=True))
    requirements_save(
        application=draft, by=member, expected_version=1, answers={legal: "B"}, evidence={"equity": 1}, board=board
    )
    assert RequirementAnswer.objects.get(application=draft).text == "B"
    assert list(BoardMember.objects.filter(application=draft).values_list("pk", flat=True)) == members
    assert max(saves(draft), key=lambda e: e.pk).after["changed"] == ["requirement:legal_entity"]


def test_criteria_save_writes_texts_and_locations_idempotently(draft, member):
    organisation, placement = criterion(draft, "organisation"), criterion(draft, "placement")
    locations = [
        {"kind": "headquarters", "city": "Odense", "region": "syddanmark", "host": ""},
        {"kind": "co_location", "city": "Aarhus", "region": "midtjylland", "host": "AU"},
    ]
    texts = {organisation: "Vi er landsdækkende.", placement: ""}
    criteria_save(application=draft, by=member, expected_version=0, texts=texts, locations=locations)
    saved = list(Location.objects.filter(application=draft).values_list("pk", "city"))
    criteria_save(application=draft, by=member, expected_version=1, texts=texts, locations=locations)
    assert list(Location.objects.filter(application=draft).values_list("pk", "city")) == saved
    assert [city for _pk, city in saved] == ["Odense", "Aarhus"]
    assert CriterionAnswer.objects.get(application=draft).text == "Vi er landsdækkende."
    first, second = sorted(saves(draft), key=lambda e: e.pk)
    assert first.after["changed"] == ["criterion:organisation", "locations"]
    assert second.after["changed"] == []
    criteria_save(application=draft, by=member, expected_version=2, texts=texts, locations=[])
    assert not Location.objects.filter(application=draft).exists()


def test_budget_save_writes_a_line_per_year_and_names_the_changes_as_the_page_does(draft, member):
    budget_save(
        application=draft,
        by=member,
        expected_version=0,
        amounts={2021: {"board_amount": 1_000_000, "cofinancing": 50_000}, 2022: {"board_amount": 0}},
    )
    assert list(BudgetLine.objects.filter(application=draft).values_list("year", "board_amount", "cofinancing")) == [
        (2021, 1_000_000, 50_000)  # no line for a year of zeros
    ]
    budget_save(application=draft, by=member, expected_version=1, amounts={2021: {"board_amount": 1_000_000}})
    line = BudgetLine.objects.get(application=draft, year=2021)
    assert (line.board_amount, line.ufm_amount, line.cofinancing) == (1_000_000, 0, 0)  # left out: cleared
    first, second = sorted(saves(draft), key=lambda e: e.pk)
    assert first.after["changed"] == ["board_2021", "cofinancing_2021"]
    assert second.after["changed"] == ["cofinancing_2021"]


def test_partners_save_creates_changes_and_deletes_by_id(draft, member):
    state, created = partners_save(
        application=draft, by=member, expected_version=0, rows=[partner_row("Firma A/S"), partner_row("DTU")]
    )
    assert state.version == 1
    firm, dtu = Partner.objects.filter(application=draft).order_by("pk")
    assert created == {0: firm.pk, 1: dtu.pk}
    rows = [
        {"id": dtu.pk, "fields": {**partner_row("DTU")["fields"], "role": "Forskning"}},
        {"id": firm.pk, "delete": True},
    ]
    state, created = partners_save(application=draft, by=member, expected_version=1, rows=rows)
    assert created == {}
    assert list(Partner.objects.filter(application=draft).values_list("pk", "role")) == [(dtu.pk, "Forskning")]
    assert max(saves(draft), key=lambda e: e.pk).after["changed"] == ["partners", "role"]


def test_deleting_a_partner_removes_its_letter_of_intent(draft, member):
    partners_save(application=draft, by=member, expected_version=0, rows=[partner_row("Firma A/S")])
    partner = Partner.objects.get(application=draft)
    partner_attach_letter(partner=partner, uploaded=pdf_upload(), by=member)
    assert Attachment.objects.filter(application=draft, kind=Attachment.Kind.LETTER_OF_INTENT).exists()
    partners_save(application=draft, by=member, expected_version=1, rows=[{"id": partner.pk, "delete": True}])
    assert not Partner.objects.filter(application=draft).exists()
    assert not Attachment.objects.filter(application=draft).exists()


def test_partners_save_never_touches_another_applications_partner(draft, member):
    other = ApplicationFactory(call=draft.call)
    theirs = Partner.objects.create(application=other, name="Deres", partner_type=COMPANY, role="X")
    rows = [{"id": theirs.pk, "fields": partner_row("Vores")["fields"]}]
    partners_save(application=draft, by=member, expected_version=0, rows=rows)
    theirs.refresh_from_db()
    assert theirs.name == "Deres" and theirs.application == other
    assert list(draft.partners.values_list("name", flat=True)) == ["Vores"]  # treated as a new row


def test_activity_save_creates_an_activity_with_its_actors(draft, member):
    activity = _new_activity(draft, member)
    assert activity.pk and activity.application == draft and activity.title == "Matchmaking"
    assert list(activity.actors.values_list("name", "actor_type")) == [("Firma A/S", COMPANY), ("DTU", KNOWLEDGE)]
    assert saves(draft)[0].after["changed"] == sorted([*activity_fields(draft), "actors"])


def test_activity_save_changes_fields_and_actors_of_an_existing_activity(draft, member):
    activity = _new_activity(draft, member)
    _firm, dtu = activity.actors.order_by("pk")
    activity.title = "Changed in memory by the form"  # the service compares with the saved row, not this
    actors = [{"id": dtu.pk, "delete": True}, {"id": None, "name": "AU", "actor_type": KNOWLEDGE}]
    activity_save(
        application=draft,
        by=member,
        expected_version=1,
        activity=activity,
        fields=activity_fields(draft, title="Matchmaking 2.0"),
        actors=actors,
    )
    activity.refresh_from_db()
    assert activity.title == "Matchmaking 2.0"
    assert list(activity.actors.values_list("name", flat=True)) == ["Firma A/S", "AU"]
    assert not ActivityActor.objects.filter(pk=dtu.pk).exists()
    assert max(saves(draft), key=lambda e: e.pk).after["changed"] == ["actors", "title"]


def test_activity_save_refuses_another_calls_activity_type(draft, member):
    fields = {**activity_fields(draft), "activity_type": ActivityTypeFactory(call=open_call_with_parts())}
    with pytest.raises(ValueError):
        activity_save(application=draft, by=member, expected_version=0, activity=None, fields=fields, actors=TWO_ACTORS)
    assert not Activity.objects.exists()


def test_activity_delete_deletes_the_activity_and_its_actors(draft, member):
    activity = _new_activity(draft, member)
    state = activity_delete(application=draft, by=member, expected_version=1, activity=activity)
    assert state.version == 2
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not ActivityActor.objects.filter(activity_id=activity.pk).exists()
    assert max(saves(draft), key=lambda e: e.pk).after["changed"] == ["activity_deleted"]
