"""Role × action for every grants-and-plans page, and the pages' main paths."""

import pytest
from django.urls import reverse

from governance.models import ActionPlan, GrantAcceptance, PlanApproval
from governance.services.plans import plan_submit
from tests.factories.clusterfund import UserFactory
from tests.factories.governance import ready_plan, reviewers_for, simple_grant
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


@pytest.fixture
def world(grant, member, reviewers):
    """The grant with a draft plan for 2021 and a submitted plan for 2022, and one user per role."""
    draft = ready_plan(grant, year=2021)
    submitted = ready_plan(grant, year=2022)
    plan_submit(plan=submitted, by=member)
    submitted.refresh_from_db()
    users = identities(grant, member, reviewers)
    return {"grant": grant, "draft": draft, "submitted": submitted, "users": users}


def url_for(name: str, world) -> str:
    grant, draft, submitted = world["grant"], world["draft"], world["submitted"]
    activity = draft.activities.first()
    args = {
        "my_grants": [],
        "grants": [grant.call.slug],
        "indicators": [grant.call.slug],
        "grant": [grant.pk],
        "grant_version": [grant.pk, 1],
        "grant_accept": [grant.pk],
        "grant_source": [grant.pk],
        "grant_targets": [grant.pk],
        "plan_start": [grant.pk, 2023],
        "plan_queue": [grant.call.slug],
        "plan": [draft.pk],
        "plan_aims": [draft.pk],
        "plan_activity_create": [draft.pk],
        "plan_activity_edit": [draft.pk, activity.pk],
        "plan_activity_delete": [draft.pk, activity.pk],
        "plan_figures": [draft.pk],
        "plan_submit": [draft.pk],
        "plan_version": [submitted.pk, 1],
        "plan_review": [submitted.pk],
    }[name]
    return reverse(f"governance:{name}", args=args)


# Expected GET status per URL name and role; 302 for anonymous is the login redirect everywhere.
L, OK, NF, FB, NA = 302, 200, 404, 403, 405
GET_EXPECTED = {
    #                      anon member other  sec   ufm  sub  chair admin conflicted
    "my_grants": [L, OK, OK, OK, OK, OK, OK, OK, OK],
    "grants": [L, NF, NF, OK, OK, NF, NF, NF, OK],
    "indicators": [L, NF, NF, OK, OK, NF, NF, NF, OK],
    "grant": [L, OK, NF, OK, OK, NF, NF, NF, NF],
    "grant_version": [L, OK, NF, OK, OK, NF, NF, NF, NF],
    "grant_accept": [L, NA, NF, FB, FB, NF, NF, NF, NF],
    "grant_source": [L, FB, NF, OK, FB, NF, NF, NF, NF],
    "grant_targets": [L, FB, NF, OK, FB, NF, NF, NF, NF],
    "plan_start": [L, NA, NF, FB, FB, NF, NF, NF, NF],
    "plan_queue": [L, NF, NF, OK, OK, NF, NF, NF, OK],
    "plan": [L, OK, NF, OK, OK, NF, NF, NF, NF],
    "plan_aims": [L, OK, NF, FB, FB, NF, NF, NF, NF],
    "plan_activity_create": [L, OK, NF, FB, FB, NF, NF, NF, NF],
    "plan_activity_edit": [L, OK, NF, FB, FB, NF, NF, NF, NF],
    "plan_activity_delete": [L, OK, NF, FB, FB, NF, NF, NF, NF],
    "plan_figures": [L, OK, NF, FB, FB, NF, NF, NF, NF],
    "plan_submit": [L, OK, NF, FB, FB, NF, NF, NF, NF],
    "plan_version": [L, OK, NF, OK, OK, NF, NF, NF, NF],
    "plan_review": [L, FB, NF, OK, OK, NF, NF, NF, NF],
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


# POST: who may act (the rest get 404 for what they may not see, 403 for what they may see but not do)
POST_EXPECTED = {
    "grants": [L, NF, NF, 422, FB, NF, NF, NF, 422],  # no approved allocation in this world
    "grant_accept": [L, 302, NF, FB, FB, NF, NF, NF, NF],
    "grant_source": [L, FB, NF, 422, FB, NF, NF, NF, NF],
    "grant_targets": [L, FB, NF, 302, FB, NF, NF, NF, NF],
    "plan_start": [L, 302, NF, FB, FB, NF, NF, NF, NF],
    "plan_aims": [L, 409, NF, FB, FB, NF, NF, NF, NF],
    "plan_activity_create": [L, 422, NF, FB, FB, NF, NF, NF, NF],
    "plan_figures": [L, 409, NF, FB, FB, NF, NF, NF, NF],
    "plan_submit": [L, 302, NF, FB, FB, NF, NF, NF, NF],
    "plan_review": [L, FB, NF, 422, 422, NF, NF, NF, NF],
}
POST_CASES = [(name, role, expected[i]) for name, expected in POST_EXPECTED.items() for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("name", "role", "expected"), POST_CASES)
def test_post_per_role(client, world, name, role, expected):
    """An empty POST: the allowed roles get the form's answer (422 invalid, 409 stale revision, or a
    redirect), everyone else 403/404 and nothing changes."""
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    response = client.post(url_for(name, world), {})
    assert response.status_code == expected, (name, role)


def test_member_accepts_the_grant(client, world, member):
    client.force_login(member)
    response = client.post(url_for("grant_accept", world))
    assert response.status_code == 302
    assert GrantAcceptance.objects.get().accepted_by == member
    page = client.get(url_for("grant", world))
    assert "Accepted by" in page.content.decode()


def test_member_files_an_activity(client, world, member):
    client.force_login(member)
    draft = world["draft"]
    response = client.post(
        url_for("plan_activity_create", world),
        {
            "revision": draft.revision,
            "activity_type": world["grant"].call.activity_types.first().pk,
            "title": "Temadag om brint",
            "description": "En dag for virksomheder.",
            "starts_on": "2021-04-01",
            "ends_on": "2021-04-01",
            "regions": ["nordjylland"],
            "budget_board": "250.000",
            "budget_ufm": "",
            "actors-TOTAL_FORMS": "2",
            "actors-INITIAL_FORMS": "0",
            "actors-0-name": "Brint ApS",
            "actors-0-kind": "company",
            "actors-1-name": "AAU",
            "actors-1-kind": "knowledge_institution",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = draft.activities.get(title="Temadag om brint")
    assert activity.budget_board == 250_000
    assert sorted(activity.actors.values_list("kind", flat=True)) == ["company", "knowledge_institution"]


def test_reviewers_approve_through_the_page(client, world, reviewers):
    submitted = world["submitted"]
    for reviewer in reviewers:
        client.force_login(reviewer)
        response = client.post(url_for("plan_review", world), {"action": "approve", "revision": submitted.revision})
        assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ActionPlan.Status.APPROVED
    assert PlanApproval.objects.filter(plan=submitted, withdrawn_at__isnull=True).count() == 2


def test_reviewer_asks_for_changes_on_a_section(client, world, reviewers, member):
    client.force_login(reviewers[1])
    response = client.post(
        url_for("plan_review", world), {"action": "changes", "note_budget": "Budgettet for UFM mangler."}
    )
    assert response.status_code == 302
    world["submitted"].refresh_from_db()
    assert world["submitted"].status == ActionPlan.Status.CHANGES_REQUESTED
    client.force_login(member)
    page = client.get(reverse("governance:plan", args=[world["submitted"].pk])).content.decode()
    assert "Budgettet for UFM mangler." in page


def test_review_queue_lists_submitted_plans_not_conflicted_ones(client, world, reviewers):
    client.force_login(reviewers[0])
    page = client.get(url_for("plan_queue", world)).content.decode()
    assert f'id="plan-{world["submitted"].pk}"' in page
    assert f'id="plan-{world["draft"].pk}"' not in page  # drafts are the organisation's own
    client.force_login(world["users"]["conflicted"])
    page = client.get(url_for("plan_queue", world)).content.decode()
    assert f'id="plan-{world["submitted"].pk}"' not in page


@pytest.mark.parametrize("n", [3, 30])
def test_plan_queue_query_count_is_constant(client, django_assert_num_queries, n):
    call_grant = simple_grant()
    secretariat, _ufm = reviewers_for(call_grant)
    grants = [call_grant] + [simple_grant(call=call_grant.call) for _ in range(n - 1)]
    for grant in grants:
        plan = ready_plan(grant, year=2022)
        plan_submit(plan=plan, by=_member_of(grant))
    client.force_login(secretariat)
    url = reverse("governance:plan_queue", args=[call_grant.call.slug])
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('<tr id="plan-') == n


def _member_of(grant):
    user = UserFactory(roles=["applicant"])
    grant.organisation.members.add(user)
    return user


QUEUE_QUERIES = 6


def test_start_page_panels(client, world, member, reviewers):
    client.force_login(member)
    page = client.get(reverse("start")).content.decode()
    assert world["grant"].get_absolute_url() in page
    client.force_login(reviewers[0])
    page = client.get(reverse("start")).content.decode()
    assert reverse("governance:plan_queue", args=[world["grant"].call.slug]) in page
    assert "1 action plan waiting for review" in page


@pytest.mark.parametrize("n", [3, 30])
def test_call_grants_query_count_is_constant(client, django_assert_num_queries, n):
    first = simple_grant()
    secretariat, _ufm = reviewers_for(first)
    for _ in range(n - 1):
        ready_plan(simple_grant(call=first.call), year=2021)
    client.force_login(secretariat)
    with django_assert_num_queries(GRANTS_QUERIES):
        response = client.get(reverse("governance:grants", args=[first.call.slug]))
    assert response.content.decode().count('<tr><th scope="row"><a href="/styring/tilsagn/') == n


GRANTS_QUERIES = 8


def test_aims_autosave_returns_the_new_revision_and_refuses_a_stale_one(client, world, member):
    draft = world["draft"]
    client.force_login(member)
    url = url_for("plan_aims", world)
    response = client.post(url, {"summary": "Første tanker", "revision": draft.revision}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.summary == "Første tanker"
    assert f'name="revision" value="{draft.revision}"' in response.content.decode()
    stale = client.post(url, {"summary": "Fra en gammel fane", "revision": draft.revision - 1}, HTTP_HX_REQUEST="true")
    assert "a colleague changed the plan" in stale.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "Første tanker"


GARBAGE = {
    "revision": "x",
    "summary": "\x00" * 3,
    "activity_type": "999999",
    "title": "",
    "starts_on": "31-31-2022",
    "ends_on": "2022-13-01",
    "regions": ["atlantis"],
    "budget_board": "-5",
    "budget_ufm": "1,5",
    "actors-TOTAL_FORMS": "9999",
    "actors-INITIAL_FORMS": "x",
    "year": "1999",
    "erdf": "abc",
    "national": "99999999999999",
    "finance_act_year": "-1",
    "reason": "",
    "action": "approve",
    "side": "nobody",
    "note_budget": "",
}


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("plan_aims", "member"),
        ("plan_activity_create", "member"),
        ("plan_activity_edit", "member"),
        ("plan_activity_delete", "member"),
        ("plan_figures", "member"),
        ("plan_submit", "member"),
        ("grant_source", "secretariat"),
        ("grant_targets", "secretariat"),
        ("plan_review", "secretariat"),
        ("plan_review", "ufm"),
    ],
)
def test_garbage_never_gives_a_server_error(client, world, name, role):
    client.force_login(world["users"][role])
    response = client.post(url_for(name, world), GARBAGE)
    assert response.status_code < 500
    response = client.post(url_for(name, world), {**GARBAGE, "action": "changes", "revision": "1"})
    assert response.status_code < 500
