"""The activities section: the list page, the activity's own page, the call's actor rule, versioning."""

import pytest
from django.urls import reverse

from applications.models import Activity, ActivityActor, ActorType, Application
from applications.services import application_create, section_version
from clusterfund.models import AuditEvent
from tests.factories.applications import ActivityTypeFactory, CallFactory, OrganisationFactory

COMPANY = ActorType.COMPANY
KNOWLEDGE = ActorType.KNOWLEDGE_INSTITUTION


@pytest.fixture
def call(db):
    call = CallFactory(period_start=2021, period_end=2024, activity_min_actors=2, activity_requires_company=True)
    ActivityTypeFactory(call=call, code="network", name="Netværksskabelse", name_en="Networking")
    return call


@pytest.fixture
def application(call, member):
    organisation = OrganisationFactory()
    organisation.members.add(member)
    return application_create(call=call, organisation=organisation, by=member)


def make_activity(application, *, title="Matchmaking", actors=((COMPANY, "Firma A/S"), (KNOWLEDGE, "DTU")), **fields):
    activity = Activity.objects.create(
        application=application,
        activity_type=application.call.activity_types.first(),
        title=title,
        description=fields.pop("description", "Vi samler virksomheder."),
        first_year=fields.pop("first_year", 2021),
        last_year=fields.pop("last_year", 2022),
        budget=fields.pop("budget", 1_250_000),
    )
    for actor_type, name in actors:
        ActivityActor.objects.create(activity=activity, name=name, actor_type=actor_type)
    return activity


def activity_post(application, *, actors, version=None, **fields):
    """Return the POST data of the activity form with `actors` as (type, name) rows."""
    data = {
        "version": section_version(application=application, section="activities") if version is None else version,
        "activity_type": application.call.activity_types.first().pk,
        "title": "Matchmaking mellem virksomheder",
        "description": "Vi samler virksomheder og forskere.",
        "first_year": "2021",
        "last_year": "2023",
        "budget": "1.250.000",
        "actors-TOTAL_FORMS": str(len(actors)),
        "actors-INITIAL_FORMS": "0",
        "actors-MIN_NUM_FORMS": "0",
        "actors-MAX_NUM_FORMS": "1000",
    }
    for i, (actor_type, name) in enumerate(actors):
        data[f"actors-{i}-name"] = name
        data[f"actors-{i}-actor_type"] = actor_type
    data.update(fields)
    return data


def create_url(application):
    return reverse("applications:activity_create", args=[application.pk])


def non_form_errors(response) -> list[str]:
    return list(response.context["formset"].non_form_errors())


# --- the call's actor rule -------------------------------------------------------------------------


def test_activity_with_one_actor_is_refused(browser, application):
    response = browser.post(create_url(application), activity_post(application, actors=[(COMPANY, "Firma A/S")]))
    assert response.status_code == 422
    assert non_form_errors(response) == ["An activity must involve at least 2 actors; this one has 1."]
    assert not Activity.objects.exists()
    html = response.content.decode()
    assert 'value="Matchmaking mellem virksomheder"' in html  # what was typed is still there
    assert 'value="Firma A/S"' in html


def test_two_actors_without_a_company_are_refused(browser, application):
    actors = [(KNOWLEDGE, "DTU"), (ActorType.PUBLIC, "Region Syddanmark")]
    response = browser.post(create_url(application), activity_post(application, actors=actors))
    assert response.status_code == 422
    assert non_form_errors(response) == ["An activity must involve at least one company."]
    assert not Activity.objects.exists()


def test_two_actors_including_a_company_are_accepted(browser, application):
    actors = [(COMPANY, "Firma A/S"), (KNOWLEDGE, "DTU")]
    response = browser.post(create_url(application), activity_post(application, actors=actors))
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/aktiviteter/#activity-{activity.pk}")
    assert activity.application == application
    assert (activity.title, activity.first_year, activity.last_year, activity.budget) == (
        "Matchmaking mellem virksomheder",
        2021,
        2023,
        1_250_000,
    )
    assert sorted(activity.actors.values_list("name", "actor_type")) == [("DTU", KNOWLEDGE), ("Firma A/S", COMPANY)]
    assert section_version(application=application, section="activities") == 1


def test_blank_and_deleted_rows_do_not_count_as_actors(browser, application):
    data = activity_post(application, actors=[(COMPANY, "Firma A/S"), ("", "")])
    response = browser.post(create_url(application), data)
    assert response.status_code == 422
    assert non_form_errors(response) == ["An activity must involve at least 2 actors; this one has 1."]


def test_the_rule_comes_from_the_call(browser, application, call):
    call.activity_min_actors = 3
    call.activity_requires_company = False
    call.save()
    two = [(COMPANY, "Firma A/S"), (KNOWLEDGE, "DTU")]
    response = browser.post(create_url(application), activity_post(application, actors=two))
    assert response.status_code == 422
    assert non_form_errors(response) == ["An activity must involve at least 3 actors; this one has 2."]
    three_without_company = [(KNOWLEDGE, "DTU"), (KNOWLEDGE, "AU"), (ActorType.PUBLIC, "Region Midtjylland")]
    response = browser.post(create_url(application), activity_post(application, actors=three_without_company))
    assert response.status_code == 302
    assert Activity.objects.get().actors.count() == 3


def test_new_activity_page_offers_enough_blank_actor_rows_for_the_call(browser, application, call):
    call.activity_min_actors = 3
    call.save()
    response = browser.get(create_url(application))
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 3
    assert 'name="actors-2-name"' in response.content.decode()


def test_another_actor_row_without_javascript(browser, application):
    data = activity_post(application, actors=[(COMPANY, "Firma A/S"), (KNOWLEDGE, "DTU")], add_actor_row="1")
    response = browser.post(create_url(application), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="actors-2-name"' in html
    assert 'value="Firma A/S"' in html and 'value="DTU"' in html
    assert "form-error" not in html  # only a row was added: nothing to complain about yet
    assert not Activity.objects.exists()


# --- the activity's fields -------------------------------------------------------------------------


def test_years_outside_the_calls_period_are_refused(browser, application):
    data = activity_post(application, actors=[(COMPANY, "Firma A/S"), (KNOWLEDGE, "DTU")], first_year="2020")
    data["last_year"] = "2025"
    response = browser.post(create_url(application), data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["first_year"] == ["Choose a year within the call's period (2021–2024)."]
    assert errors["last_year"] == ["Choose a year within the call's period (2021–2024)."]
    assert not Activity.objects.exists()


def test_last_year_before_first_year_is_refused(browser, application):
    data = activity_post(application, actors=[(COMPANY, "Firma A/S"), (KNOWLEDGE, "DTU")], first_year="2023")
    data["last_year"] = "2022"
    response = browser.post(create_url(application), data)
    assert response.status_code == 422
    assert response.context["form"].errors["last_year"] == [
        "The last year (2022) cannot be before the first year (2023)."
    ]
    assert response.context["form"].non_field_errors() == []  # not the database constraint's name as well
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "The amount cannot be negative."),
        ("mange penge", "Write the amount in whole kroner, e.g. 1.250.000."),
        ("99999999999999", "The amount is unrealistically large (more than 10.000.000.000 kr.)."),
    ],
)
def test_bad_budget_is_refused_with_a_message(browser, application, typed, message):
    data = activity_post(application, actors=[(COMPANY, "Firma A/S"), (KNOWLEDGE, "DTU")], budget=typed)
    response = browser.post(create_url(application), data)
    assert response.status_code == 422
    assert response.context["form"].errors["budget"] == [message]
    assert 'value="Matchmaking mellem virksomheder"' in response.content.decode()


def test_only_the_calls_activity_types_can_be_chosen(browser, application):
    other = ActivityTypeFactory(call=CallFactory(), name="Fremmed type")
    response = browser.get(create_url(application))
    assert "Fremmed type" not in response.content.decode()
    assert "Networking" in response.content.decode()  # label in the active language
    data = activity_post(application, actors=[(COMPANY, "Firma A/S"), (KNOWLEDGE, "DTU")], activity_type=other.pk)
    response = browser.post(create_url(application), data)
    assert response.status_code == 422
    assert "activity_type" in response.context["form"].errors


# --- the list page ---------------------------------------------------------------------------------


def test_list_shows_each_activity_with_its_details_and_problems(client, member, application):
    client.force_login(member)  # Danish: the amount as the memo writes it
    good = make_activity(application, title="Matchmaking", budget=1_250_000, first_year=2021, last_year=2023)
    lonely = make_activity(application, title="Ensom aktivitet", actors=[(KNOWLEDGE, "DTU")])
    response = client.get(reverse("applications:section_activities", args=[application.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="activity-{good.pk}"' in html and f'id="activity-{lonely.pk}"' in html
    good_part = html[html.index(f'id="activity-{good.pk}"') : html.index(f'id="activity-{lonely.pk}"')]
    for text in ["Matchmaking", "Netværksskabelse", "2021–2023", "1.250.000 kr.", "Firma A/S", "DTU"]:
        assert text in good_part, text
    assert "alert-error" not in good_part
    lonely_part = html[html.index(f'id="activity-{lonely.pk}"') :]
    assert "alert-error" in lonely_part
    assert reverse("applications:activity_edit", args=[application.pk, good.pk]) in good_part
    assert reverse("applications:activity_delete", args=[application.pk, good.pk]) in good_part
    assert reverse("applications:activity_create", args=[application.pk]) in html


def test_list_problems_are_the_selectors_messages(browser, application):
    lonely = make_activity(application, actors=[(KNOWLEDGE, "DTU")])
    html = browser.get(reverse("applications:section_activities", args=[application.pk])).content.decode()
    part = html[html.index(f'id="activity-{lonely.pk}"') :]
    assert "An activity must involve at least 2 actors; this one has 1." in part
    assert "An activity must involve at least one company." in part


def test_markup_in_titles_and_names_is_escaped(browser, application):
    make_activity(
        application,
        title="<script>alert('titel')</script>",
        actors=[(COMPANY, "<script>alert('navn')</script>"), (KNOWLEDGE, "DTU")],
    )
    html = browser.get(reverse("applications:section_activities", args=[application.pk])).content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;titel&#x27;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#x27;navn&#x27;)&lt;/script&gt;" in html


def test_list_query_count_does_not_grow_with_activities(browser, application, django_assert_max_num_queries):
    url = reverse("applications:section_activities", args=[application.pk])
    make_activity(application)
    browser.get(url)  # warm up the session and the content types
    with django_assert_max_num_queries(40) as few:
        browser.get(url)
    for n in range(5):
        make_activity(application, title=f"Aktivitet {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        browser.get(url)


# --- editing, deleting, access ---------------------------------------------------------------------


def test_edit_changes_the_activity_and_removes_a_ticked_actor(browser, application):
    activity = make_activity(application, actors=[(COMPANY, "Firma A/S"), (KNOWLEDGE, "DTU"), (KNOWLEDGE, "AU")])
    actors = list(activity.actors.all())
    url = reverse("applications:activity_edit", args=[application.pk, activity.pk])
    page = browser.get(url)
    assert 'value="1.250.000"' in page.content.decode()  # the budget shown the Danish way
    data = activity_post(application, actors=[], title="Nyt navn", budget="2.000.000")
    data.update({"actors-TOTAL_FORMS": "4", "actors-INITIAL_FORMS": "3"})
    for i, actor in enumerate(actors):
        data.update(
            {f"actors-{i}-id": actor.pk, f"actors-{i}-name": actor.name, f"actors-{i}-actor_type": actor.actor_type}
        )
    data["actors-2-DELETE"] = "on"
    response = browser.post(url, data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.budget) == ("Nyt navn", 2_000_000)
    assert sorted(activity.actors.values_list("name", flat=True)) == ["DTU", "Firma A/S"]


def test_deleting_needs_a_confirmation_and_a_post(browser, application):
    activity = make_activity(application)
    url = reverse("applications:activity_delete", args=[application.pk, activity.pk])
    confirmation = browser.get(url)
    assert confirmation.status_code == 200
    assert 'method="post"' in confirmation.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()
    version = section_version(application=application, section="activities")
    response = browser.post(url, {"version": version})
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not ActivityActor.objects.filter(activity_id=activity.pk).exists()
    assert section_version(application=application, section="activities") == version + 1


@pytest.fixture
def other_activity(db):
    """An activity of another organisation's application."""
    outsider = OrganisationFactory()
    someone = outsider.members.create(email="nabo@example.dk", full_name="Nabo")
    call = CallFactory()
    ActivityTypeFactory(call=call)
    other = application_create(call=call, organisation=outsider, by=someone)
    return make_activity(other, title="Naboens aktivitet")


@pytest.mark.parametrize("name", ["activity_edit", "activity_delete"])
def test_another_organisations_activity_is_not_found(browser, application, other_activity, name):
    # neither under its own application's URL ...
    url = reverse(f"applications:{name}", args=[other_activity.application.pk, other_activity.pk])
    assert browser.get(url).status_code == 404
    assert browser.post(url, {"version": 0}).status_code == 404
    # ... nor smuggled in under one's own application
    url = reverse(f"applications:{name}", args=[application.pk, other_activity.pk])
    assert browser.get(url).status_code == 404
    assert browser.post(url, {"version": 0}).status_code == 404
    assert Activity.objects.filter(pk=other_activity.pk, title="Naboens aktivitet").exists()


def test_submitted_application_cannot_get_new_activities(browser, application):
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.SUBMITTED, submitted_at="2021-01-01T12:00Z"
    )
    response = browser.post(
        create_url(application), activity_post(application, actors=[(COMPANY, "A"), (KNOWLEDGE, "B")])
    )
    assert response.status_code == 302
    assert not Activity.objects.exists()


def test_anonymous_user_is_sent_to_login(client, application):
    response = client.get(create_url(application))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- versioning and audit --------------------------------------------------------------------------


def test_version_conflict_shows_the_alert_and_keeps_the_typed_data(browser, application, make_user):
    colleague = make_user("applicant", full_name="Kollega Hansen")
    application.organisation.members.add(colleague)
    stale = section_version(application=application, section="activities")
    make_activity(application, title="Kollegaens aktivitet")
    from applications.services import section_save

    section_save(
        application=application, section="activities", by=colleague, expected_version=stale, write=lambda a: []
    )
    data = activity_post(application, actors=[(COMPANY, "Firma A/S"), (KNOWLEDGE, "DTU")], version=stale)
    response = browser.post(create_url(application), data)
    html = response.content.decode()
    assert response.status_code == 409
    assert 'id="conflict"' in html and "Kollega Hansen" in html
    assert 'value="Matchmaking mellem virksomheder"' in html
    assert not Activity.objects.filter(title="Matchmaking mellem virksomheder").exists()
    # "Save my version over theirs" posts the newer version first, then the form's own (stale) input
    data["version"] = [str(stale + 1), str(stale)]
    response = browser.post(create_url(application), data)
    assert response.status_code == 302
    assert Activity.objects.filter(title="Matchmaking mellem virksomheder").exists()


def test_audit_event_names_the_changed_fields_not_their_text(browser, application, member):
    data = activity_post(application, actors=[(COMPANY, "Hemmelig Partner A/S"), (KNOWLEDGE, "DTU")])
    data["description"] = "Fortrolig beskrivelse"
    browser.post(create_url(application), data)
    event = AuditEvent.objects.filter(action="application.section_save").get()
    assert event.actor == member
    assert event.after["section"] == "activities"
    assert event.after["changed"] == sorted(
        ["activity_type", "title", "description", "first_year", "last_year", "budget", "actors"]
    )
    recorded = repr(event.before) + repr(event.after)
    for secret in ["Fortrolig beskrivelse", "Hemmelig Partner", "Matchmaking", "1250000"]:
        assert secret not in recorded


def test_deleting_the_only_company_breaks_the_rule_and_is_refused(browser, application):
    activity = make_activity(application, actors=[(COMPANY, "Firma A/S"), (KNOWLEDGE, "DTU"), (KNOWLEDGE, "AU")])
    actors = list(activity.actors.all())
    data = activity_post(application, actors=[])
    data.update({"actors-TOTAL_FORMS": "3", "actors-INITIAL_FORMS": "3"})
    for i, actor in enumerate(actors):
        data.update(
            {f"actors-{i}-id": actor.pk, f"actors-{i}-name": actor.name, f"actors-{i}-actor_type": actor.actor_type}
        )
    data["actors-0-DELETE"] = "on"
    response = browser.post(reverse("applications:activity_edit", args=[application.pk, activity.pk]), data)
    assert response.status_code == 422
    assert non_form_errors(response) == ["An activity must involve at least one company."]
    assert activity.actors.count() == 3
    activity.refresh_from_db()
    assert activity.title == "Matchmaking"
