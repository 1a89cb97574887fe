"""Rows for the review's URLs: queue, assignment, matrix, one application's review, conflict, joint."""

from tests.access.table import LOGIN, Row, answers

ROWS = [
    Row(
        "review:queue",
        get=answers(404, reviewers=200, anonymous=LOGIN, conflicted=200),
        post=answers(405, anonymous=LOGIN),
    ),
    Row(
        "review:assign",
        lambda w: {"slug": w.call.slug},
        get=answers(404, anonymous=LOGIN, secretariat=200, conflicted=200),
        post=answers(404, anonymous=LOGIN, secretariat=422, conflicted=422),
    ),
    Row(
        "review:matrix",
        lambda w: {"slug": w.call.slug},
        get=answers(404, reviewers=200, anonymous=LOGIN, conflicted=200),
        post=answers(404, reviewers=405, anonymous=LOGIN, conflicted=405),
    ),
    Row(
        "review:export",
        lambda w: {"slug": w.call.slug, "fmt": "csv"},
        get=answers(404, reviewers=200, anonymous=LOGIN, conflicted=200),
        post=answers(404, reviewers=405, anonymous=LOGIN, conflicted=405),
    ),
    Row(
        "review:compare",
        lambda w: {"slug": w.call.slug},
        get=answers(404, reviewers=422, anonymous=LOGIN, conflicted=422),
        post=answers(404, reviewers=405, anonymous=LOGIN, conflicted=405),
    ),
    Row(
        "review:review",
        lambda w: {"pk": w.submitted.pk},
        label="A, reviews open",
        get=answers(404, reviewers=200, anonymous=LOGIN),
        post=answers(404, reviewers=422, anonymous=LOGIN),
    ),
    Row(
        "review:review",
        lambda w: {"pk": w.submitted_b.pk},
        label="B, reviews submitted",
        get=answers(404, reviewers=200, anonymous=LOGIN),
        post=answers(404, reviewers=302, anonymous=LOGIN),
    ),
    Row(
        "review:conflict",
        lambda w: {"pk": w.submitted.pk},
        label="A, reviews open",
        get=answers(404, reviewers=200, anonymous=LOGIN),
        post=answers(404, reviewers=422, anonymous=LOGIN),
    ),
    Row(
        "review:conflict",
        lambda w: {"pk": w.submitted_b.pk},
        label="B, reviews submitted",
        get=answers(404, anonymous=LOGIN),
        post=answers(404, anonymous=LOGIN),
    ),
    Row(
        "review:history",
        lambda w: {"pk": w.submitted.pk},
        label="A, reviews open",
        get=answers(200, applicants=404, anonymous=LOGIN, conflicted=404),
        post=answers(405, applicants=404, anonymous=LOGIN, conflicted=404),
    ),
    Row(
        "review:history",
        lambda w: {"pk": w.submitted_b.pk},
        label="B, reviews submitted",
        get=answers(200, applicants=404, anonymous=LOGIN),
        post=answers(405, applicants=404, anonymous=LOGIN),
    ),
    Row(
        "review:joint",
        lambda w: {"pk": w.submitted.pk},
        label="A, reviews open",
        get=answers(404, reviewers=302, anonymous=LOGIN),
        post=answers(404, reviewers=302, anonymous=LOGIN),
    ),
    Row(
        "review:joint",
        lambda w: {"pk": w.submitted_b.pk},
        label="B, reviews submitted",
        get=answers(404, reviewers=200, anonymous=LOGIN, conflicted=200),
        post=answers(404, anonymous=LOGIN),
    ),
    Row(
        "review:joint_confirm",
        lambda w: {"pk": w.submitted.pk},
        label="A, reviews open",
        get=answers(404, anonymous=LOGIN),
        post=answers(404, anonymous=LOGIN),
    ),
    Row(
        "review:joint_confirm",
        lambda w: {"pk": w.submitted_b.pk},
        label="B, reviews submitted",
        get=answers(404, reviewers=405, anonymous=LOGIN),
        post=answers(404, reviewers=302, anonymous=LOGIN),
    ),
    Row(
        "review:score_cell",
        lambda w: {"pk": w.submitted.pk, "criterion": w.criterion.pk},
        label="A, reviews open",
        get=answers(404, reviewers=200, anonymous=LOGIN),
        post=answers(404, reviewers=422, anonymous=LOGIN),
    ),
    Row(
        "review:score_cell",
        lambda w: {"pk": w.submitted_b.pk, "criterion": w.criterion.pk},
        label="B, reviews submitted",
        get=answers(404, anonymous=LOGIN),
        post=answers(404, anonymous=LOGIN),
    ),
]
