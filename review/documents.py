"""The recommendation memo: the secretariat's and UFM's joint recommendation to the minister.

Per business area the assessed applications ranked by joint weighted score, with the reviewers' requirement
verdicts, the consensus score per criterion, the recommendation, and the reasons for any ineligible
application. Registered as the document kind "recommendation-memo" (subject: a call) from
ReviewConfig.ready(); it reads the review through `review_matrix`, the same selector as the matrix and its
exports, so the memo and the matrix cannot disagree.
"""

from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Call
from clusterfund.documents import register_document

from .models import Assignment, JointAssessment, RequirementCheck, Verdict
from .scoring import formula_text, points_formula_text, rounded
from .selectors.matrix import MATRIX_STATUSES, Group, Row, review_matrix

KIND = "recommendation-memo"


def _verdicts(call: Call) -> dict[int, dict[int, Counter]]:
    """Return application pk -> requirement pk -> Counter of the (non-conflicted) reviewers' verdicts."""
    result: dict[int, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    checks = (
        RequirementCheck.objects.filter(
            assignment__application__call=call, assignment__application__status__in=MATRIX_STATUSES
        )
        .exclude(assignment__conflict=Assignment.Conflict.DECLARED)
        .values_list("assignment__application_id", "requirement_id", "verdict")
    )
    for application_id, requirement_id, verdict in checks:
        result[application_id][requirement_id][verdict] += 1
    return result


def _summary(counts: Counter) -> str:
    """Return the reviewers' verdicts on one requirement as one verdict: any "not met" wins, then any "needs
    clarification"; "met" only when every reviewer says so; "" when nobody checked it."""
    if not counts:
        return ""
    if counts[Verdict.NOT_MET]:
        return Verdict.NOT_MET
    if counts[Verdict.NEEDS_CLARIFICATION]:
        return Verdict.NEEDS_CLARIFICATION
    return Verdict.MET


def _number(value) -> str | None:
    return None if value is None else str(rounded(value))


def _memo_row(row: Row, requirements: list, verdicts: dict, reasons: dict[int, str]) -> dict:
    """Return one application's line in the memo: its scores, the reviewers' requirement verdicts, the
    recommendation and (if ineligible) the reasons."""
    application = row.application
    summary = [_summary(verdicts[application.pk][r.pk]) for r in requirements]
    return {
        "name": application.organisation.name,
        "cvr": application.organisation.cvr,
        "rank": row.rank,
        "scores": [cell.consensus for cell in row.cells],
        "mean": _number(row.mean),
        "points": _number(row.points),
        "eligible": row.eligible,
        "reasons": reasons.get(application.pk, "") if row.eligible is False else "",
        "recommendation": row.recommendation,
        "recommendation_label": row.recommendation_label,
        "agreed": row.agreed,
        "requirements": [
            {"verdict": verdict, "label": str(Verdict(verdict).label) if verdict else ""} for verdict in summary
        ],
    }


def _memo_area(group: Group, requirements: list, verdicts: dict, reasons: dict[int, str]) -> dict:
    """Return one business area's section of the memo, its applications in the matrix's (rank) order."""
    rows = [_memo_row(row, requirements, verdicts, reasons) for row in group.rows]
    return {
        "name": group.area.tr("name") if group.area else _("No business area"),
        "rows": rows,
        "ineligible": [r for r in rows if r["eligible"] is False],
    }


def _memo_call(call: Call, criteria: list, requirements: list) -> dict:
    """Return the memo's account of the call: its title and period, the criteria, requirements and formulas."""
    return {
        "call": {
            "title": call.tr("title"),
            "slug": call.slug,
            "period": f"{call.period_start}–{call.period_end}",
            "deadline": call.deadline,
        },
        "criteria": [
            {
                "name": c.tr("name"),
                "short": c.tr("short_name"),
                "weight": c.weight,
                "min": c.scale_min,
                "max": c.scale_max,
            }
            for c in criteria
        ],
        "requirements": [{"code": r.code, "text": r.tr("text")} for r in requirements],
        "formula": formula_text(criteria),
        "points_formula": points_formula_text(criteria),
    }


def recommendation_memo_snapshot(call: Call, options: dict) -> dict:
    """Return the recommendation memo's data for `call` (JSON-safe); raise ValidationError if no application
    has been assessed yet."""
    matrix = review_matrix(call=call, viewer=None, sort="rank")
    if not matrix.rows:
        raise ValidationError(
            gettext_lazy("No application of the call is in the review yet, so there is nothing to recommend.")
        )
    requirements = list(call.requirements.all())
    verdicts = _verdicts(call)
    reasons = dict(
        JointAssessment.objects.filter(application__call=call).values_list("application_id", "eligibility_reasons")
    )
    areas = [_memo_area(group, requirements, verdicts, reasons) for group in matrix.groups]
    rows = [row for area in areas for row in area["rows"]]
    return {
        **_memo_call(call, matrix.criteria, requirements),
        "areas": areas,
        "assessed": len(rows),
        "ineligible": sum(row["eligible"] is False for row in rows),
        "recommended": sum(row["recommendation"] == JointAssessment.Recommendation.RECOMMEND for row in rows),
        "area_count": len(areas),
        "decisions": [_area_decision(area["name"], area["rows"]) for area in areas],
    }


def _area_decision(area: str, rows: list[dict]) -> str:
    """Return the Indstilling's bullet for one area: designate the best-ranked recommended application."""
    candidates = [
        r
        for r in rows
        if r["eligible"] is True and r["recommendation"] == JointAssessment.Recommendation.RECOMMEND and r["rank"]
    ]
    if not candidates:
        return _("Notes that no application in %(area)s is recommended") % {"area": area}
    best = min(candidates, key=lambda r: r["rank"])
    tied = [r["name"] for r in candidates if r["rank"] == best["rank"]]
    if len(tied) > 1:
        return _("Chooses between %(names)s in %(area)s, which share the first place") % {
            "names": _(" and ").join([", ".join(tied[:-1]), tied[-1]]),
            "area": area,
        }
    score = number_format(Decimal(best["mean"]), 2) if best["mean"] is not None else "–"
    return _("Designates %(name)s as the cluster organisation for %(area)s (joint weighted score %(score)s)") % {
        "name": best["name"],
        "area": area,
        "score": score,
    }


register_document(
    KIND,
    title=gettext_lazy("Recommendation memo"),
    subject_model=Call,
    snapshot=recommendation_memo_snapshot,
    template="pdf/memo_recommendation.html",
    can_generate="review.generate_recommendation_memo",
    can_download="review.download_recommendation_memo",
    subject_label=lambda call: call.tr("title"),
    subject_url=lambda call: reverse("review:matrix", args=[call.slug]),
    filename_stem="indstilling",
)
