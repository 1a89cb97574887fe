"""Hidden-until-submitted and conflict blocking in the reads (the views' tests cover the 404s)."""

import pytest

from review.selectors.history import application_history
from review.selectors.matrix import review_matrix
from review.selectors.scores import scores_by_criterion
from review.services import CheckInput, ScoreInput, conflict_declare, review_save, review_submit, score_record


@pytest.fixture
def scored(application, sec, ufm, assign):
    """The secretariat reviewer has submitted; the UFM reviewer has scored but not submitted."""
    call = application.call
    own = assign(application, sec)
    review_save(
        assignment=own,
        by=sec,
        checks=[CheckInput(r, "met") for r in call.requirements.all()],
        scores=[ScoreInput(c, 4, "God") for c in call.criteria.all()],
    )
    review_submit(assignment=own, by=sec)
    ufm_assignment = assign(application, ufm)
    for criterion in application.call.criteria.all():
        score_record(assignment=ufm_assignment, criterion=criterion, value=2, justification="Svag", by=ufm)
    return application


def marks(matrix, application):
    row = next(r for r in matrix.rows if r.application == application)
    return [sorted(m.value for m in cell.marks) for cell in row.cells]


def test_a_reviewer_sees_only_their_own_scores_until_they_submit(scored, call, ufm):
    assert marks(review_matrix(call=call, viewer=ufm), scored) == [[2]] * 4
    own_only = scores_by_criterion(application=scored, viewer=ufm, include_others=False)
    assert [[s.value for s in c.scores] for c in own_only] == [[2]] * 4


def test_a_submitted_reviewer_and_the_lead_see_everyones_scores(scored, call, sec, lead):
    assert marks(review_matrix(call=call, viewer=sec), scored) == [[2, 4]] * 4
    assert marks(review_matrix(call=call, viewer=lead), scored) == [[2, 4]] * 4


def test_the_call_can_show_scores_before_submission(scored, call, ufm):
    call.hide_scores_until_submitted = False
    call.save()
    assert marks(review_matrix(call=call, viewer=ufm), scored) == [[2, 4]] * 4


def test_the_history_hides_other_reviewers_scores_until_submission(scored, ufm, sec):
    hidden = application_history(application=scored, viewer=ufm)
    assert {e.after.get("value") for e in hidden if e.action == "review.score"} == {2}
    visible = application_history(application=scored, viewer=sec)
    assert {e.after.get("value") for e in visible if e.action == "review.score"} == {2, 4}


def test_a_conflicted_reviewer_has_no_row_and_their_scores_never_count(application, call, sec, ufm, lead, assign):
    assignment = assign(application, ufm)
    score_record(
        assignment=assignment, criterion=call.criteria.first(), value=5, justification="Før inhabilitet", by=ufm
    )
    conflict_declare(assignment=assignment, by=ufm, conflict="declared", note="Tidligere ansat")
    assert all(r.application != application for r in review_matrix(call=call, viewer=ufm).rows)
    assert marks(review_matrix(call=call, viewer=lead), application) == [[]] * 4
