"""One application's scores: per criterion the visible reviewers' scores, the consensus and the
applicant's text."""

from collections import defaultdict
from dataclasses import dataclass

from applications.models import Application, Criterion

from ..models import JointScore, Score
from .visibility import seen_by


@dataclass
class CriterionScores:
    criterion: Criterion
    scores: list[Score]
    consensus: JointScore | None
    text: str


def scores_by_criterion(*, application: Application, viewer, include_others: bool) -> list[CriterionScores]:
    """Return per criterion the visible reviewers' scores (with justifications), the consensus and the
    applicant's text. A conflicted reviewer's scores never count."""
    criteria = list(application.call.criteria.all())
    scores = seen_by(
        Score.objects.filter(assignment__application=application), viewer=viewer, include_others=include_others
    )
    by_criterion = defaultdict(list)
    for score in scores:
        by_criterion[score.criterion_id].append(score)
    consensus = {}
    if include_others:
        consensus = {s.criterion_id: s for s in JointScore.objects.filter(joint__application=application)}
    texts = dict(application.criterion_answers.values_list("criterion_id", "text"))
    return [CriterionScores(c, by_criterion[c.pk], consensus.get(c.pk), texts.get(c.pk, "")) for c in criteria]
