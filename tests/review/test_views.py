"""The review's pages: queue, assignment, conflict of interest, the review page, history, joint assessment."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from review.models import Assignment, JointAssessment, RequirementCheck, Score
from review.services import assignment_create, conflict_declare, joint_confirm
from tests.factories.applications import ApplicationFactory, complete_application
from tests.factories.review import SubmittedApplicationFactory, agree, score_all


@pytest.fixture
def full_application(call, make_user):
    """A submitted application with every section filled in (board, texts, attachments ...)."""
    application = complete_application(call=call, member=make_user("applicant"))
    Application.objects.filter(pk=application.pk).update(status="submitted", submitted_at=call.opens_at)
    application.refresh_from_db()
    return application


def review_post(call, values=(4, 3, 5, 2), action="draft", **overrides):
    """Return the POST data of a complete review form (every requirement met, every criterion scored)."""
    data = {"action": action}
    for requirement in call.requirements.all():
        data[f"req-{requirement.pk}-verdict"] = "met"
        data[f"req-{requirement.pk}-note"] = ""
    for criterion, value in zip(call.criteria.all(), values, strict=True):
        data[f"crit-{criterion.pk}-value"] = str(value)
        data[f"crit-{criterion.pk}-justification"] = f"Begrundelse for {criterion.code}"
    data.update(overrides)
    return data


# --- queue and assignment -----------------------------------------------------------------------------


def test_the_queue_lists_the_reviewers_applications_with_status(client, application, sec, assign):
    assignment = assign(application, sec, declare=False)
    client.force_login(sec)
    response = client.get(reverse("review:queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert application.organisation.name in page
    assert reverse("review:conflict", args=[application.pk]) in page
    assert f'id="assignment-{assignment.pk}"' in page


def test_the_queue_shows_each_assignments_status_and_next_step(client, call, sec, assign):
    now = timezone.now()
    states = {
        "undeclared": {},
        "not_started": {"conflict": "none", "conflict_declared_at": now},
        "in_progress": {"conflict": "none", "conflict_declared_at": now, "status": "in_progress"},
        "submitted": {"conflict": "none", "conflict_declared_at": now, "status": "submitted", "submitted_at": now},
        "conflicted": {"conflict": "declared", "conflict_note": "My sister runs it", "conflict_declared_at": now},
    }
    rows = {}
    for name, values in states.items():
        assignment = assign(SubmittedApplicationFactory(call=call), sec, declare=False)
        Assignment.objects.filter(pk=assignment.pk).update(**values)
        rows[name] = assignment
    client.force_login(sec)
    page = client.get(reverse("review:queue")).content.decode()

    def row(name):
        start = page.index(f'<tr id="assignment-{rows[name].pk}">')
        return page[start : page.index("</tr>", start)]

    pk = {name: assignment.application_id for name, assignment in rows.items()}
    assert '<span class="badge">Not started</span>' in row("undeclared")
    assert f'<a href="{reverse("review:conflict", args=[pk["undeclared"]])}">Declare conflict of interest</a>' in row(
        "undeclared"
    )
    assert f'<a href="{reverse("review:review", args=[pk["not_started"]])}">Start the review</a>' in row("not_started")
    assert '<span class="badge badge-info">In progress</span>' in row("in_progress")
    assert f'<a href="{reverse("review:review", args=[pk["in_progress"]])}">Continue the review</a>' in row(
        "in_progress"
    )
    assert '<span class="badge badge-success">Submitted</span>' in row("submitted")
    assert f'<a href="{reverse("review:joint", args=[pk["submitted"]])}">Joint assessment</a>' in row("submitted")
    assert '<span class="badge badge-error">Conflict of interest</span>' in row("conflicted")
    assert "Closed to you" in row("conflicted") and "<a " not in row("conflicted")
    assert call.areas.first().name in row("undeclared")


def test_the_queue_shows_only_the_requesting_reviewers_assignments_in_order(client, call, sec, assign):
    """The queue's SQL is compiled once: the reviewer's id must still be the one asking, each time."""
    from tests.factories.clusterfund import UserFactory

    other = UserFactory(roles=["secretariat"])
    mine = [assign(SubmittedApplicationFactory(call=call), sec) for _ in range(3)]
    theirs = [assign(SubmittedApplicationFactory(call=call), other) for _ in range(2)]
    for reviewer, own, foreign in ((sec, mine, theirs), (other, theirs, mine), (sec, mine, theirs)):
        client.force_login(reviewer)
        page = client.get(reverse("review:queue")).content.decode()
        assert all(f'id="assignment-{a.pk}"' in page for a in own)
        assert not any(f'id="assignment-{a.pk}"' in page for a in foreign)
        names = sorted(a.application.organisation.name for a in own)  # one call, one area: by organisation
        assert [page.index(f'<th scope="row">{name}</th>') for name in names] == sorted(
            page.index(f'<th scope="row">{name}</th>') for name in names
        )


@pytest.mark.parametrize("n", [1, 8])
def test_the_queue_costs_the_same_number_of_queries_for_1_and_8_assignments(
    client, django_assert_num_queries, call, sec, assign, n
):
    for _ in range(n):
        assign(SubmittedApplicationFactory(call=call), sec)
    client.force_login(sec)
    with django_assert_num_queries(3):  # session, the user with their roles, the queue
        response = client.get(reverse("review:queue"))
    assert response.content.decode().count('<tr id="assignment-') == n


@pytest.mark.parametrize("role", ["applicant", "subcommittee_chair", "administrator"])
def test_the_queue_is_for_reviewers_only(client_as, role):
    assert client_as(role).get(reverse("review:queue")).status_code == 404


def test_the_lead_assigns_one_application(client, call, application, lead, ufm):
    client.force_login(lead)
    response = client.post(
        reverse("review:assign", args=[call.slug]),
        {"action": "one", "one-application": application.pk, "one-reviewer": ufm.pk},
    )
    assert response.status_code == 302
    assert Assignment.objects.get().side == "ufm"


def test_the_lead_assigns_a_whole_area(client, call, lead, sec):
    area = call.areas.first()
    applications = [SubmittedApplicationFactory(call=call, business_area=area) for _ in range(3)]
    client.force_login(lead)
    response = client.post(
        reverse("review:assign", args=[call.slug]), {"action": "bulk", "bulk-area": area.pk, "bulk-reviewer": sec.pk}
    )
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("application_id", flat=True)) == {a.pk for a in applications}


def test_assigning_a_non_reviewer_is_refused_with_a_message(client, call, application, lead, make_user):
    client.force_login(lead)
    applicant = make_user("applicant")
    response = client.post(
        reverse("review:assign", args=[call.slug]),
        {"action": "one", "one-application": application.pk, "one-reviewer": applicant.pk},
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.exists()


def test_assigning_is_for_the_secretariat_only(client, call, ufm):
    client.force_login(ufm)
    assert client.get(reverse("review:assign", args=[call.slug])).status_code == 404


def test_the_lead_sees_that_a_conflicted_application_needs_reassigning(client, call, application, lead, ufm, assign):
    conflict_declare(assignment=assign(application, ufm, declare=False), by=ufm, conflict="declared", note="Søster")
    client.force_login(lead)
    page = client.get(reverse("review:assign", args=[call.slug])).content.decode()
    assert "Needs reassigning" in page
    assert "A UFM reviewer" in page


def test_the_lead_removes_an_unstarted_assignment(client, call, application, lead, sec):
    assignment = assignment_create(application=application, reviewer=sec, by=lead)
    client.force_login(lead)
    client.post(reverse("review:assign", args=[call.slug]), {"action": "remove", "assignment": assignment.pk})
    assert not Assignment.objects.exists()


# --- conflict of interest -----------------------------------------------------------------------------


def test_the_application_opens_only_after_the_declaration(client, application, sec, assign):
    assign(application, sec, declare=False)
    client.force_login(sec)
    response = client.get(reverse("review:review", args=[application.pk]))
    assert response.status_code == 302 and response.url == reverse("review:conflict", args=[application.pk])
    response = client.post(reverse("review:conflict", args=[application.pk]), {"conflict": "none"})
    assert response.url == reverse("review:review", args=[application.pk])
    assert client.get(reverse("review:review", args=[application.pk])).status_code == 200


def test_a_conflict_without_a_note_is_refused_and_nothing_changes(client, application, sec, assign):
    assignment = assign(application, sec, declare=False)
    client.force_login(sec)
    response = client.post(reverse("review:conflict", args=[application.pk]), {"conflict": "declared", "note": ""})
    assert response.status_code == 422
    assert "Describe the conflict of interest." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.conflict == ""


@pytest.fixture
def conflicted(client, call, application, sec, ufm, assign):
    """The UFM reviewer declared a conflict; the secretariat reviewer has scored; the client is the UFM one."""
    score_all(assign(application, sec), [4, 4, 4, 4], submit=True)
    agree(application, [4, 4, 4, 4])
    assign(application, ufm, declare=False)
    client.force_login(ufm)
    response = client.post(
        reverse("review:conflict", args=[application.pk]), {"conflict": "declared", "note": "Bestyrelsesmedlem"}
    )
    assert response.url == reverse("review:queue")
    return application


@pytest.mark.parametrize("name", ["review", "conflict", "history", "joint"])
def test_a_conflicted_reviewer_gets_404_on_every_page_of_the_application(client, conflicted, name):
    assert client.get(reverse(f"review:{name}", args=[conflicted.pk])).status_code == 404


def test_a_conflicted_reviewer_cannot_post_either(client, conflicted, call):
    criterion = call.criteria.first()
    assert client.post(reverse("review:review", args=[conflicted.pk]), review_post(call)).status_code == 404
    url = reverse("review:score_cell", args=[conflicted.pk, criterion.pk])
    prefix = f"s{conflicted.pk}-{criterion.pk}"
    assert client.post(url, {f"{prefix}-value": 3, f"{prefix}-justification": "x"}).status_code == 404
    assert client.post(reverse("review:joint_confirm", args=[conflicted.pk]), {"version": 0}).status_code == 404
    assert Score.objects.filter(assignment__conflict="declared").count() == 0


def test_a_conflicted_reviewer_has_no_matrix_row_and_no_export_row(client, conflicted, call):
    page = client.get(reverse("review:matrix", args=[call.slug])).content.decode()
    assert f'id="row-{conflicted.pk}"' not in page
    assert conflicted.organisation.name not in page
    csv = client.get(reverse("review:export", args=[call.slug, "csv"])).content.decode("utf-8-sig")
    assert conflicted.organisation.cvr not in csv
    other = SubmittedApplicationFactory(call=call)
    url = reverse("review:compare", args=[call.slug]) + f"?a={conflicted.pk}&a={other.pk}"
    assert client.get(url).status_code == 404


# --- the review page ----------------------------------------------------------------------------------


def test_the_review_page_shows_the_application_beside_prefilled_checks(client, full_application, sec, assign):
    assign(full_application, sec)
    client.force_login(sec)
    response = client.get(reverse("review:review", args=[full_application.pk]))
    page = response.content.decode()
    board = full_application.call.requirements.get(code="board_composition")
    assert "Board members: 2 (companies: 1, knowledge institutions: 1, other: 0)" in page
    assert (
        f'name="req-{board.pk}-verdict" value="met" class="form-radio" id="id_req-{board.pk}-verdict_0" checked' in page
    )
    assert "Tekst om" in page  # the applicant's criterion text
    assert "(30 × K" in page or "(30 × " in page  # the formula


def test_a_draft_is_saved_and_the_review_stays_open(client, application, sec, assign, call):
    assignment = assign(application, sec)
    client.force_login(sec)
    response = client.post(reverse("review:review", args=[application.pk]), review_post(call))
    assert response.status_code == 302
    assert sorted(Score.objects.values_list("value", flat=True)) == [2, 3, 4, 5]
    assert RequirementCheck.objects.count() == 5
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("value", "justification", "message"),
    [
        ("6", "Fin", "Enter the score as a whole number from 1 to 5."),
        ("0", "Fin", "Enter the score as a whole number from 1 to 5."),
        ("tre", "Fin", "Enter the score as a whole number from 1 to 5."),
        ("3.5", "Fin", "Enter the score as a whole number from 1 to 5."),
        ("3", "", "Write a justification for the score."),
        ("", "Tekst uden score", "Enter the score as a whole number from 1 to 5."),
    ],
)
def test_bad_scores_are_refused_with_a_message_and_nothing_typed_is_lost(
    client, application, sec, assign, call, value, justification, message
):
    assign(application, sec)
    criterion = call.criteria.first()
    client.force_login(sec)
    data = review_post(
        call, **{f"crit-{criterion.pk}-value": value, f"crit-{criterion.pk}-justification": justification}
    )
    response = client.post(reverse("review:review", args=[application.pk]), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert 'id="error-summary"' in page
    assert "Begrundelse for activities" in page  # another criterion's typed text is still there
    assert not Score.objects.exists()


def test_submitting_an_incomplete_review_saves_the_draft_and_says_what_is_missing(
    client, application, sec, assign, call
):
    assign(application, sec)
    criterion = call.criteria.last()
    client.force_login(sec)
    data = review_post(
        call, action="submit", **{f"crit-{criterion.pk}-value": "", f"crit-{criterion.pk}-justification": ""}
    )
    response = client.post(reverse("review:review", args=[application.pk]), data)
    assert response.status_code == 422
    assert "Score the criterion: " + criterion.name in response.content.decode()
    assert Score.objects.count() == 3


def test_submitting_locks_the_review(client, application, sec, assign, call):
    assignment = assign(application, sec)
    client.force_login(sec)
    response = client.post(reverse("review:review", args=[application.pk]), review_post(call, action="submit"))
    assert response.status_code == 302
    assignment.refresh_from_db()
    application.refresh_from_db()
    assert assignment.status == "submitted" and application.status == "under_review"
    page = client.get(reverse("review:review", args=[application.pk])).content.decode()
    assert "It is locked." in page and 'name="action" value="submit"' not in page
    client.post(reverse("review:review", args=[application.pk]), review_post(call, values=(1, 1, 1, 1)))
    assert sorted(Score.objects.values_list("value", flat=True)) == [2, 3, 4, 5]


def test_a_forged_post_for_another_reviewers_review_is_refused(client, application, sec, ufm, assign, call):
    assign(application, sec)
    client.force_login(ufm)  # not assigned to this application
    response = client.post(reverse("review:review", args=[application.pk]), review_post(call))
    assert response.status_code == 404
    assert not Score.objects.exists()


def test_an_unassigned_or_unknown_application_is_404(client, application, sec, call):
    client.force_login(sec)
    assert client.get(reverse("review:review", args=[application.pk])).status_code == 404
    assert client.post(reverse("review:review", args=[999999]), review_post(call)).status_code == 404


def test_a_draft_application_is_never_reviewed(client, call, sec):
    draft = ApplicationFactory(call=call)
    Assignment.objects.create(application=draft, reviewer=sec, side="secretariat", assigned_by=sec)
    client.force_login(sec)
    response = client.post(reverse("review:conflict", args=[draft.pk]), {"conflict": "none"})
    assert response.status_code == 302
    response = client.post(reverse("review:review", args=[draft.pk]), review_post(call))
    assert response.status_code == 422
    assert "Only submitted applications can be reviewed" in response.content.decode()


def test_other_reviewers_scores_stay_hidden_until_ones_own_submission(client, application, sec, ufm, assign, call):
    score_all(assign(application, sec), [5, 5, 5, 5], submit=True)
    assign(application, ufm)
    client.force_login(ufm)
    page = client.get(reverse("review:review", args=[application.pk])).content.decode()
    assert "All reviewers' scores" not in page and str(sec.get_full_name()) not in page
    assert client.get(reverse("review:joint", args=[application.pk])).status_code == 302  # back to own review
    client.post(reverse("review:review", args=[application.pk]), review_post(call, action="submit"))
    page = client.get(reverse("review:review", args=[application.pk])).content.decode()
    assert "All reviewers' scores" in page and sec.get_full_name() in page


# --- history --------------------------------------------------------------------------------------------


def test_staff_see_the_applications_history(client, application, sec, assign, call, make_user):
    assign(application, sec)
    client.force_login(make_user("subcommittee_chair"))
    page = client.get(reverse("review:history", args=[application.pk])).content.decode()
    assert "Reviewer assigned" in page and "Conflict of interest declaration" in page


def test_applicants_do_not_see_the_history(client_as, application):
    assert client_as("applicant").get(reverse("review:history", args=[application.pk])).status_code == 404


# --- joint assessment --------------------------------------------------------------------------------


def joint_post(call, version=0, values=(3, 3, 4, 2), **overrides):
    data = {"version": str(version), "eligible": "yes", "eligibility_reasons": "", "recommendation": "recommend"}
    for criterion, value in zip(call.criteria.all(), values, strict=True):
        data[f"crit-{criterion.pk}-value"] = str(value)
        data[f"crit-{criterion.pk}-justification"] = f"Enige om {value}"
    data.update(overrides)
    return data


@pytest.fixture
def both_submitted(application, sec, ufm, assign):
    score_all(assign(application, sec), [4, 3, 5, 2], submit=True)
    score_all(assign(application, ufm), [2, 3, 4, 2], submit=True)
    return application


def test_both_sides_confirm_the_joint_assessment_on_its_page(client, both_submitted, sec, ufm, call):
    url = reverse("review:joint", args=[both_submitted.pk])
    client.force_login(sec)
    assert client.post(url, joint_post(call)).status_code == 302
    page = client.get(url).content.decode()
    assert "Confirm for the secretariat" in page
    client.post(reverse("review:joint_confirm", args=[both_submitted.pk]), {"version": 1})
    client.force_login(ufm)
    client.post(reverse("review:joint_confirm", args=[both_submitted.pk]), {"version": 1})
    page = client.get(url).content.decode()
    assert "Agreed: both the secretariat and UFM have confirmed" in page
    assert JointAssessment.objects.get().is_agreed


def test_a_change_on_the_page_withdraws_both_confirmations(client, both_submitted, sec, ufm, call):
    url = reverse("review:joint", args=[both_submitted.pk])
    client.force_login(sec)
    client.post(url, joint_post(call))
    joint_confirm(application=both_submitted, by=sec, expected_version=1)
    joint_confirm(application=both_submitted, by=ufm, expected_version=1)
    client.post(url, joint_post(call, version=1, values=(3, 3, 4, 3)))
    joint = JointAssessment.objects.get()
    assert not joint.is_agreed and joint.secretariat_confirmed_by is None and joint.ufm_confirmed_by is None


def test_a_stale_joint_save_keeps_the_typed_text_and_says_why(client, both_submitted, sec, ufm, call):
    url = reverse("review:joint", args=[both_submitted.pk])
    client.force_login(sec)
    client.post(url, joint_post(call))
    client.force_login(ufm)
    response = client.post(url, joint_post(call, version=0, values=(1, 1, 1, 1)))
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by someone else" in page and "Enige om 1" in page
    assert 'name="version" value="1"' in page


def test_ineligible_without_reasons_is_refused_on_the_page(client, both_submitted, sec, call):
    client.force_login(sec)
    response = client.post(
        reverse("review:joint", args=[both_submitted.pk]), joint_post(call, eligible="no", recommendation="")
    )
    assert response.status_code == 422
    assert "Give the reasons why the requirements are not met." in response.content.decode()
    assert not JointAssessment.objects.exists()


def test_an_unassigned_reviewer_cannot_confirm_or_edit(client, both_submitted, lead, call):
    client.force_login(lead)
    assert client.get(reverse("review:joint", args=[both_submitted.pk])).status_code == 200  # may read
    assert client.post(reverse("review:joint", args=[both_submitted.pk]), joint_post(call)).status_code == 404
    assert client.post(reverse("review:joint_confirm", args=[both_submitted.pk]), {"version": 0}).status_code == 404


def test_the_start_page_shows_the_reviewers_panel(client, application, sec, assign):
    assign(application, sec, declare=False)
    client.force_login(sec)
    page = client.get(reverse("start")).content.decode()
    assert reverse("review:queue") in page and "Not started: <strong>1</strong>" in page
