"""The staff's call configuration pages and services: who may use them, what they save, what they refuse."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from applications.models import ActivityType, Application, BusinessArea, Call, Criterion, Milestone, Requirement
from applications.services_call import call_create, call_parts_save, call_update
from clusterfund.models import AuditEvent
from tests.factories.applications import ApplicationFactory, open_call_with_parts

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
ROLES = ["applicant", "secretariat", "ufm", "subcommittee_member", "subcommittee_chair", "administrator"]
CONFIGURES = {"secretariat", "administrator"}


@pytest.fixture(autouse=True)
def english():
    """Assert on the English msgids (the services' messages follow the active language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def call(db):
    return open_call_with_parts(slug="opslag-2025", title="Opslag 2025")


@pytest.fixture
def admin_user(make_user):
    return make_user("administrator")


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    return client


def call_values(**overrides) -> dict:
    values = {
        "title": "Nyt opslag",
        "title_en": "New call",
        "slug": "nyt-opslag",
        "summary": "",
        "summary_en": "",
        "period_start": 2025,
        "period_end": 2028,
        "opens_at": dt.datetime(2025, 3, 2, 9, 0, tzinfo=CPH),
        "deadline": dt.datetime(2025, 5, 15, 12, 0, tzinfo=CPH),
        "is_published": False,
        "activity_min_actors": 2,
        "activity_requires_company": True,
        "max_attachments": 10,
        "hide_scores_until_submitted": True,
    }
    return {**values, **overrides}


def call_post(**overrides) -> dict:
    data = {
        "title": "Nyt opslag",
        "title_en": "New call",
        "slug": "nyt-opslag",
        "period_start": "2025",
        "period_end": "2028",
        "opens_at": "2025-03-02T09:00",
        "deadline": "2025-05-15T12:00",
        "activity_min_actors": "2",
        "activity_requires_company": "on",
        "max_attachments": "10",
        "hide_scores_until_submitted": "on",
    }
    return {**data, **overrides}


def formset_post(prefix: str, rows: list[dict], *, initial: int) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "200",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def criteria_rows(call) -> list[dict]:
    return [
        {
            "id": str(c.pk),
            "code": c.code,
            "name": c.name,
            "short_name": c.short_name,
            "weight": str(c.weight),
            "scale_min": str(c.scale_min),
            "scale_max": str(c.scale_max),
            "max_chars": str(c.max_chars),
            "order": str(c.order),
        }
        for c in call.criteria.all()
    ]


# --- services -------------------------------------------------------------------------------------


def test_call_create_stores_local_times_in_utc_and_audits(admin_user, db):
    call = call_create(values=call_values(), by=admin_user)
    call.refresh_from_db()
    assert call.deadline == dt.datetime(2025, 5, 15, 10, 0, tzinfo=dt.UTC)  # 12:00 CEST
    assert not call.is_published
    event = AuditEvent.objects.for_object(call).get()
    assert event.action == "call.create" and event.actor == admin_user


def test_call_update_audits_only_the_changed_fields(call, admin_user):
    changed = call_update(call=call, values={"title": "Omdøbt", "period_start": call.period_start}, by=admin_user)
    assert changed == ["title"]
    event = AuditEvent.objects.for_object(call).get(action="call.update")
    assert event.before == {"title": "Opslag 2025"} and event.after == {"title": "Omdøbt"}
    assert call_update(call=call, values={"title": "Omdøbt"}, by=admin_user) == []


def test_call_deadline_before_opening_is_refused_in_words(call, admin_user):
    with pytest.raises(ValidationError, match="deadline must come after"):
        call_update(call=call, values={"deadline": call.opens_at - dt.timedelta(hours=1)}, by=admin_user)


def test_a_period_that_leaves_frames_outside_is_refused(call, admin_user):
    with pytest.raises(ValidationError, match="2023, 2024"):
        call_update(call=call, values={"period_end": 2022}, by=admin_user)
    call.refresh_from_db()
    assert call.period_end == 2024


@pytest.mark.parametrize("role", ["applicant", "ufm", "subcommittee_member", "subcommittee_chair"])
def test_only_administrator_and_secretariat_configure_calls(call, make_user, role):
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        call_create(values=call_values(), by=user)
    with pytest.raises(PermissionDenied):
        call_parts_save(call=call, kind="areas", rows=[{"pk": None, "name": "X"}], by=user)
    assert not BusinessArea.objects.filter(name="X").exists()


def test_parts_create_update_delete_each_audited(call, admin_user):
    area = call.areas.get(name="Miljøteknologi")
    other = call.areas.get(name="Energiteknologi")
    count = call_parts_save(
        call=call,
        kind="areas",
        rows=[
            {"pk": area.pk, "name": "Miljø- og vandteknologi", "name_en": "", "is_emerging": False, "order": 0},
            {"pk": other.pk, "delete": True},
            {"pk": None, "name": "Life science", "name_en": "Life science", "is_emerging": True, "order": 3},
        ],
        by=admin_user,
    )
    assert count == 3
    assert sorted(call.areas.values_list("name", flat=True)) == ["Life science", "Miljø- og vandteknologi"]
    actions = sorted(AuditEvent.objects.filter(action__startswith="call.area").values_list("action", flat=True))
    assert actions == ["call.area.create", "call.area.delete", "call.area.update"]
    deleted = AuditEvent.objects.get(action="call.area.delete")
    assert deleted.object_id == str(other.pk) and deleted.before["name"] == "Energiteknologi"


def test_a_criterion_weight_of_zero_is_refused_and_nothing_saved(call, admin_user):
    first, second = call.criteria.all()[:2]
    with pytest.raises(ValidationError, match="weight must be above 0"):
        call_parts_save(
            call=call,
            kind="criteria",
            rows=[{"pk": first.pk, "weight": 50}, {"pk": second.pk, "weight": 0}],
            by=admin_user,
        )
    assert Criterion.objects.get(pk=first.pk).weight == 30
    assert not AuditEvent.objects.filter(action__startswith="call.criterion").exists()


def test_a_duplicate_code_is_refused(call, admin_user):
    with pytest.raises(ValidationError, match="Row 1"):
        call_parts_save(
            call=call,
            kind="requirements",
            rows=[{"pk": None, "number": 1, "code": "gold_label", "text": "Igen"}],
            by=admin_user,
        )
    assert call.requirements.filter(code="gold_label").count() == 1


def test_an_area_in_use_cannot_be_deleted(call, admin_user):
    area = call.areas.first()
    ApplicationFactory(call=call, business_area=area)
    with pytest.raises(ValidationError, match="already in use"):
        call_parts_save(call=call, kind="areas", rows=[{"pk": area.pk, "delete": True}], by=admin_user)
    assert BusinessArea.objects.filter(pk=area.pk).exists()


def test_a_row_of_another_call_is_not_touched(call, admin_user):
    other = open_call_with_parts()
    foreign = other.areas.first()
    with pytest.raises(ValidationError, match="no longer exists"):
        call_parts_save(call=call, kind="areas", rows=[{"pk": foreign.pk, "name": "Kapret"}], by=admin_user)
    foreign.refresh_from_db()
    assert foreign.name != "Kapret"


# --- pages: role x action -------------------------------------------------------------------------


def page_urls(call) -> list[str]:
    names = ["edit", "areas", "requirements", "criteria", "activity_types", "milestones"]
    return [
        reverse("applications:call_admin_list"),
        reverse("applications:call_admin_create"),
        *(reverse(f"applications:call_admin_{name}", args=[call.slug]) for name in names),
    ]


def test_anonymous_is_sent_to_login(client, call):
    for url in page_urls(call):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_by_role(client, make_user, call, role):
    client.force_login(make_user(role))
    list_url, create_url, *call_urls = page_urls(call)
    for url in (list_url, create_url):
        assert client.get(url).status_code == (200 if role in CONFIGURES else 403), url
    for url in call_urls:
        assert client.get(url).status_code == (200 if role in CONFIGURES else 404), url
    if role not in CONFIGURES:
        assert client.post(create_url, call_post()).status_code == 403
        for url in call_urls:
            assert client.post(url, {}).status_code == 404, url
        assert not Call.objects.filter(slug="nyt-opslag").exists()


def test_unknown_call_is_404(staff):
    assert staff.get(reverse("applications:call_admin_areas", args=["findes-ikke"])).status_code == 404


def test_list_costs_the_same_for_few_and_many_calls(staff, django_assert_num_queries, db):
    open_call_with_parts()
    staff.get(reverse("applications:call_admin_list"))  # warm the session and content types
    with django_assert_num_queries(3) as few:
        staff.get(reverse("applications:call_admin_list"))
    for _ in range(5):
        open_call_with_parts()
    with django_assert_num_queries(len(few.captured_queries)):
        response = staff.get(reverse("applications:call_admin_list"))
    assert response.content.decode().count('id="call-opslag-') == 6


def test_create_a_call_through_the_page(staff):
    response = staff.post(reverse("applications:call_admin_create"), call_post())
    call = Call.objects.get(slug="nyt-opslag")
    assert response.status_code == 302 and response["Location"] == reverse(
        "applications:call_admin_edit", args=[call.slug]
    )
    assert call.opens_at == dt.datetime(2025, 3, 2, 8, 0, tzinfo=dt.UTC)  # 09:00 CET
    assert call.title_en == "New call"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("deadline", "2025-03-01T09:00", "deadline must come after"),
        ("deadline", "2025-03-30T02:30", "couldn’t be interpreted in time zone"),  # the hour skipped by DST
        ("period_end", "2024", "last year cannot come before"),
        ("period_start", "²⁰²⁵", "whole number"),
        ("period_start", "9" * 5000, "whole number"),
        ("slug", "nyt", "reserved"),
        ("opens_at", "i morgen", "valid date/time"),
    ],
)
def test_bad_call_input_is_refused_with_a_message(staff, field, value, message):
    response = staff.post(reverse("applications:call_admin_create"), call_post(**{field: value}))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Call.objects.filter(slug="nyt-opslag").exists()


def test_edit_shows_local_time_and_saves(staff, call):
    call.opens_at = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)
    call.deadline = dt.datetime(2025, 5, 15, 10, 0, tzinfo=dt.UTC)
    call.save()
    url = reverse("applications:call_admin_edit", args=[call.slug])
    assert 'value="2025-05-15T12:00"' in staff.get(url).content.decode()
    data = call_post(slug=call.slug, period_start="2021", period_end="2024", deadline="2025-05-16T12:00")
    data["opens_at"] = "2025-01-01T00:00"
    assert staff.post(url, data).status_code == 302
    call.refresh_from_db()
    assert call.deadline == dt.datetime(2025, 5, 16, 10, 0, tzinfo=dt.UTC)


def test_add_an_area_through_the_page(staff, call):
    url = reverse("applications:call_admin_areas", args=[call.slug])
    page = staff.get(url).content.decode()
    assert page.count('class="form-label sr-only" for="id_areas-') >= 3  # every input has a real label
    rows = [{"id": str(a.pk), "name": a.name, "order": str(a.order)} for a in call.areas.all()]
    rows.append({"name": "Life science", "name_en": "Life science", "is_emerging": "on", "order": "5"})
    response = staff.post(url, formset_post("areas", rows, initial=2))
    assert response.status_code == 302
    assert call.areas.get(name="Life science").is_emerging


def test_criteria_page_shows_the_sum_and_refuses_weight_zero(staff, call):
    url = reverse("applications:call_admin_criteria", args=[call.slug])
    assert "Sum of the weights: 100" in staff.get(url).content.decode()
    rows = criteria_rows(call)
    rows[0]["weight"] = "0"
    response = staff.post(url, formset_post("criteria", rows, initial=4))
    assert response.status_code == 422
    assert "The weight must be above 0." in response.content.decode()
    assert sorted(call.criteria.values_list("weight", flat=True)) == [20, 20, 30, 30]


def test_change_a_weight_through_the_page(staff, call):
    url = reverse("applications:call_admin_criteria", args=[call.slug])
    rows = criteria_rows(call)
    rows[0]["weight"] = "40"
    assert staff.post(url, formset_post("criteria", rows, initial=4)).status_code == 302
    assert "Sum of the weights: 110" in staff.get(url).content.decode()
    assert AuditEvent.objects.filter(action="call.criterion.update").count() == 1


def test_add_requirement_activity_type_and_milestone(staff, call):
    base = "applications:call_admin_"
    requirement = {"code": "ny_krav", "text": "Et nyt krav", "order": "6"}
    response = staff.post(
        reverse(base + "requirements", args=[call.slug]),
        formset_post(
            "requirements",
            [*({"id": str(r.pk), "code": r.code, "text": r.text} for r in call.requirements.all()), requirement],
            initial=5,
        ),
    )
    assert response.status_code == 302
    assert Requirement.objects.filter(call=call, code="ny_krav").exists()
    activity_types = [{"id": str(a.pk), "code": a.code, "name": a.name} for a in call.activity_types.all()]
    activity_types.append({"code": "matchmaking", "name": "Matchmaking"})
    url = reverse(base + "activity_types", args=[call.slug])
    assert staff.post(url, formset_post("activity_types", activity_types, initial=1)).status_code == 302
    assert ActivityType.objects.filter(call=call, code="matchmaking").exists()
    milestone = {"title": "Ansøgningsfrist", "date": "2025-05-15", "precision": "day"}
    url = reverse(base + "milestones", args=[call.slug])
    assert staff.post(url, formset_post("milestones", [milestone], initial=0)).status_code == 302
    assert Milestone.objects.get(call=call).date == dt.date(2025, 5, 15)


def test_delete_through_the_page_and_in_use_refused(staff, call):
    area = call.areas.get(name="Miljøteknologi")
    ApplicationFactory(call=call, business_area=area, status=Application.Status.DRAFT)
    url = reverse("applications:call_admin_areas", args=[call.slug])
    rows = [{"id": str(a.pk), "name": a.name, "DELETE": "on"} for a in call.areas.all()]
    response = staff.post(url, formset_post("areas", rows, initial=2))
    assert response.status_code == 422
    assert "is already in use" in response.content.decode()
    assert call.areas.count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"areas-TOTAL_FORMS": "x", "areas-INITIAL_FORMS": "0"},
        {"areas-TOTAL_FORMS": "1", "areas-INITIAL_FORMS": "1", "areas-0-id": "999999", "areas-0-name": "X"},
        {"areas-TOTAL_FORMS": "1", "areas-INITIAL_FORMS": "0", "areas-0-name": "X", "areas-0-order": "9" * 5000},
        {"areas-TOTAL_FORMS": "1", "areas-INITIAL_FORMS": "0", "areas-0-name": "X\x00Y"},
    ],
)
def test_garbled_formsets_are_refused_not_a_server_error(staff, call, data):
    response = staff.post(reverse("applications:call_admin_areas", args=[call.slug]), data)
    assert response.status_code == 422
    assert call.areas.count() == 2


@pytest.mark.parametrize("total", ["99999", "１２３４５６７８"])
def test_a_forged_row_count_builds_no_more_rows_than_the_page_shows_at_most(staff, call, total):
    """TOTAL_FORMS is the client's to say: past the formset's 200 rows it is refused, not built (it built 300)."""
    data = {"areas-TOTAL_FORMS": total, "areas-INITIAL_FORMS": "0", "areas-MAX_NUM_FORMS": "200"}
    response = staff.post(reverse("applications:call_admin_areas", args=[call.slug]), data)
    assert response.status_code == 422
    assert len(response.context["formset"].forms) == 200
    assert call.areas.count() == 2


def test_frames_link_is_on_the_call_pages(staff, call):
    # the frames have their page in allocation; the call pages link to it
    page = staff.get(reverse("applications:call_admin_edit", args=[call.slug])).content.decode()
    assert reverse("allocation:frames", args=[call.slug]) in page


@pytest.mark.parametrize("role", ROLES)
def test_start_page_and_menu_link_the_administration(client, make_user, call, role):
    client.force_login(make_user(role))
    page = client.get(reverse("start")).content.decode()
    assert (f'href="{reverse("applications:call_admin_list")}"' in page) == (role in CONFIGURES)
    assert (f'href="{reverse("staff_index")}"' in page) == (role in CONFIGURES)


def test_a_scored_criterion_keeps_its_scale_and_cannot_be_deleted(call, admin_user):
    from tests.factories.review import AssignmentFactory, ScoreFactory

    criterion = call.criteria.first()
    ScoreFactory(assignment=AssignmentFactory(application__call=call), criterion=criterion, value=3)
    with pytest.raises(ValidationError, match="scale of"):
        call_parts_save(call=call, kind="criteria", rows=[{"pk": criterion.pk, "scale_max": 10}], by=admin_user)
    with pytest.raises(ValidationError, match="already in use"):
        call_parts_save(call=call, kind="criteria", rows=[{"pk": criterion.pk, "delete": True}], by=admin_user)
    # the weight may still change (the weighted totals follow it)
    assert call_parts_save(call=call, kind="criteria", rows=[{"pk": criterion.pk, "weight": 35}], by=admin_user) == 1
    criterion.refresh_from_db()
    assert (criterion.scale_max, criterion.weight) == (5, 35)


def test_an_unscored_criterion_may_change_its_scale(call, admin_user):
    criterion = call.criteria.first()
    call_parts_save(call=call, kind="criteria", rows=[{"pk": criterion.pk, "scale_max": 10}], by=admin_user)
    criterion.refresh_from_db()
    assert criterion.scale_max == 10
