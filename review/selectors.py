"""Reads of the review: suggestions for the requirement checks, queues, visibility, the matrix, history."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, Attachment, BoardMember, BusinessArea, Call, Criterion
from applications.requirements import (
    BOARD_COMPOSITION,
    GOLD_LABEL,
    LEGAL_ENTITY,
    ROBUST_FOUNDATION,
    VIRKSOMHEDSGUIDEN,
    suggests,
)
from applications.selectors import board_representation
from applications.validators import cvr_is_valid
from clusterfund.models import AuditEvent
from clusterfund.money import format_kroner
from clusterfund.roles import Role

from .models import Assignment, JointAssessment, JointScore, RequirementCheck, Score, Side, Verdict
from .scoring import WIDE_SPREAD, Totals, formula_text, points_formula_text, spread, weighted_totals

# Applications that appear in a call's matrix: everything submitted and not withdrawn.
MATRIX_STATUSES = (
    Application.Status.SUBMITTED,
    Application.Status.UNDER_REVIEW,
    Application.Status.SELECTED,
    Application.Status.NOT_SELECTED,
)


def reviewers() -> QuerySet:
    """Return the active users who can be assigned: secretariat and UFM reviewers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.SECRETARIAT, Role.UFM])
        .distinct()
        .prefetch_related("groups")
        .order_by("full_name", "email")
    )


def assignment_of(*, application: Application, user) -> Assignment | None:
    """Return the user's assignment to the application, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Assignment.objects.filter(application=application, reviewer=user).first()


def others_visible(*, call: Call, own: Assignment | None) -> bool:
    """Return whether a viewer with assignment `own` (None: not assigned) may see the other reviewers'
    scores and the consensus (hidden until one's own review is submitted, if the call says so)."""
    if own is None:
        return True
    if own.is_conflicted:
        return False
    return own.is_submitted or not call.hide_scores_until_submitted


# --- requirement suggestions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """What the portal can tell from the application's data about one requirement."""

    verdict: str | None
    reason: str
    evidence: tuple[str, ...] = ()

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.verdict).label) if self.verdict else ""


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else "–"


@suggests(LEGAL_ENTITY)
def _suggest_legal_entity(application: Application, kinds: set[str]) -> Suggestion:
    organisation = application.organisation
    valid = cvr_is_valid(organisation.cvr)
    evidence = (
        _("CVR number %(cvr)s: %(state)s")
        % {"cvr": organisation.cvr, "state": _("valid check digit") if valid else _("the check digit does not match")},
        _("Legal form: %(form)s") % {"form": organisation.get_legal_form_display()},
        _("Declares a non-profit basis: %(answer)s") % {"answer": _yes_no(organisation.is_non_profit)},
        _("Statutes attached: %(answer)s") % {"answer": _yes_no(Attachment.Kind.STATUTES in kinds)},
    )
    if not valid:
        return Suggestion(Verdict.NOT_MET, _("The CVR number is not valid."), evidence)
    if not organisation.is_non_profit:
        return Suggestion(
            Verdict.NEEDS_CLARIFICATION, _("The organisation has not declared a non-profit basis."), evidence
        )
    return Suggestion(Verdict.MET, _("Valid CVR number and a declared non-profit basis; check the statutes."), evidence)


@suggests(ROBUST_FOUNDATION)
def _suggest_robust_foundation(application: Application, kinds: set[str]) -> Suggestion:
    evidence = (
        _("Equity: %(amount)s") % {"amount": format_kroner(application.equity) or "–"},
        _("Turnover: %(amount)s") % {"amount": format_kroner(application.turnover) or "–"},
        _("Staff (full-time equivalents): %(n)s")
        % {"n": "–" if application.staff_count is None else application.staff_count},
        _("Annual accounts attached: %(answer)s") % {"answer": _yes_no(Attachment.Kind.ANNUAL_ACCOUNTS in kinds)},
    )
    if None in (application.equity, application.turnover, application.staff_count):
        return Suggestion(Verdict.NEEDS_CLARIFICATION, _("Equity, turnover or staff is not stated."), evidence)
    if application.equity < 0:
        return Suggestion(Verdict.NEEDS_CLARIFICATION, _("The equity is negative."), evidence)
    return Suggestion(None, _("Judge the foundation from the accounts; the portal cannot."), evidence)


@suggests(BOARD_COMPOSITION)
def _suggest_board(application: Application, kinds: set[str]) -> Suggestion:
    members = list(application.board_members.all())
    counts = defaultdict(int)
    for member in members:
        counts[member.affiliation] += 1
    evidence = (
        _("Board members: %(n)s (companies: %(companies)s, knowledge institutions: %(knowledge)s, other: %(other)s)")
        % {
            "n": len(members),
            "companies": counts[BoardMember.Affiliation.COMPANY],
            "knowledge": counts[BoardMember.Affiliation.KNOWLEDGE_INSTITUTION],
            "other": counts[BoardMember.Affiliation.OTHER],
        },
    )
    if board_representation(application)["both"]:
        return Suggestion(Verdict.MET, _("Both companies and knowledge institutions sit on the board."), evidence)
    return Suggestion(Verdict.NOT_MET, _("The board lacks companies or knowledge institutions."), evidence)


@suggests(GOLD_LABEL)
def _suggest_gold(application: Application, kinds: set[str]) -> Suggestion:
    deadline = timezone.localdate(application.call.deadline)
    status = application.gold_status
    evidence = [_("Deadline of the call: %(date)s") % {"date": _date(deadline)}]
    if status == Application.GoldStatus.GOLD:
        evidence += [
            _("Gold label awarded %(awarded)s, expires %(expires)s")
            % {"awarded": _date(application.gold_awarded_on), "expires": _date(application.gold_expires_on)},
            _("Certificate attached: %(answer)s") % {"answer": _yes_no(Attachment.Kind.GOLD_CERTIFICATE in kinds)},
        ]
        if not application.gold_expires_on:
            return Suggestion(
                Verdict.NEEDS_CLARIFICATION, _("The gold label's expiry date is missing."), tuple(evidence)
            )
        if application.gold_expires_on > deadline:
            return Suggestion(Verdict.MET, _("The gold label is valid at the deadline."), tuple(evidence))
        return Suggestion(Verdict.NOT_MET, _("The gold label had expired by the deadline."), tuple(evidence))
    if status == Application.GoldStatus.PLAN:
        evidence += [
            _("Plan to reach the gold label by %(date)s") % {"date": _date(application.gold_target_date)},
            _("Plan attached: %(answer)s") % {"answer": _yes_no(Attachment.Kind.GOLD_PLAN in kinds)},
        ]
        if application.gold_target_date:
            return Suggestion(Verdict.MET, _("A plan with a target date is present."), tuple(evidence))
        return Suggestion(Verdict.NEEDS_CLARIFICATION, _("The plan has no target date."), tuple(evidence))
    return Suggestion(Verdict.NOT_MET, _("Neither a gold label nor a plan is stated."), tuple(evidence))


@suggests(VIRKSOMHEDSGUIDEN)
def _suggest_virksomhedsguiden(application: Application, kinds: set[str]) -> Suggestion:
    evidence = (
        _("Link to the services: %(url)s") % {"url": application.vg_listing_url or "–"},
        _("Commits to listing the services: %(answer)s") % {"answer": _yes_no(application.vg_commitment)},
    )
    if application.vg_listing_url:
        return Suggestion(Verdict.MET, _("The services are listed; follow the link to check."), evidence)
    if application.vg_commitment:
        return Suggestion(Verdict.MET, _("The organisation commits to listing its services."), evidence)
    return Suggestion(Verdict.NOT_MET, _("Neither a link nor a commitment."), evidence)


def requirement_suggestions(*, application: Application) -> dict[int, Suggestion]:
    """Return, per requirement pk of the call, the verdict the application's data suggests and the
    evidence behind it (verdict None where the portal cannot judge)."""
    kinds = set(application.attachments.values_list("kind", flat=True))
    suggestions = {}
    for requirement in application.call.requirements.all():
        kind = requirement.kind
        if kind is not None and kind.suggest is not None:
            suggestion = kind.suggest(application, kinds)
        else:
            suggestion = Suggestion(None, _("The portal has no automatic check for this requirement."))
        suggestions[requirement.pk] = suggestion
    return suggestions


# --- queues and assignment overview ---------------------------------------------------------------


def review_queue(*, user) -> QuerySet[Assignment]:
    """Return the user's assignments with their application, call and area, by call and area."""
    return (
        Assignment.objects.filter(reviewer=user)
        .select_related("application__organisation", "application__call", "application__business_area")
        .order_by(
            "-application__call__opens_at", "application__business_area__order", "application__organisation__name"
        )
    )


@dataclass
class AssignmentRow:
    application: Application
    assignments: list[Assignment]
    needs: list[str] = field(default_factory=list)  # sides that need a (new) reviewer


def assignment_overview(*, call: Call) -> list[AssignmentRow]:
    """Return every application in the call's review with its assignments and which side still needs a
    reviewer ("needs reassigning" when the only reviewer of a side declared a conflict)."""
    applications = (
        Application.objects.filter(call=call, status__in=MATRIX_STATUSES)
        .select_related("organisation", "business_area")
        .order_by("business_area__order", "business_area__name", "organisation__name")
    )
    by_application = defaultdict(list)
    for assignment in Assignment.objects.filter(application__call=call).select_related("reviewer"):
        by_application[assignment.application_id].append(assignment)
    rows = []
    for application in applications:
        assignments = by_application[application.pk]
        row = AssignmentRow(application, assignments)
        for side in Side:
            on_side = [a for a in assignments if a.side == side]
            if not any(not a.is_conflicted for a in on_side):
                row.needs.append(side)
        rows.append(row)
    return rows


# --- the matrix -------------------------------------------------------------------------------------


def _initials(full_name: str, email: str) -> str:
    if not full_name:
        return email[:2].upper()
    parts = [p for p in full_name.replace("-", " ").split() if p]
    return "".join(p[0] for p in parts[:3]).upper()


@dataclass(frozen=True, slots=True)
class AssignmentInfo:
    """The part of an assignment the matrix needs (read as plain values: hundreds of rows, no models)."""

    pk: int
    application_id: int
    reviewer_id: int
    side: str
    status: str
    conflict: str
    name: str
    initials: str

    @property
    def is_conflicted(self) -> bool:
        return self.conflict == Assignment.Conflict.DECLARED

    @property
    def is_declared(self) -> bool:
        return bool(self.conflict)

    @property
    def is_submitted(self) -> bool:
        return self.status == Assignment.Status.SUBMITTED


@dataclass(slots=True)
class ReviewerMark:
    """One reviewer's visible score in a cell (or total)."""

    initials: str
    name: str
    side: str
    value: object
    own: bool


@dataclass(slots=True)
class Cell:
    criterion: Criterion
    marks: list[ReviewerMark]
    spread: int | None
    consensus: int | None
    own_value: int | None
    editable: bool

    @property
    def wide(self) -> bool:
        return self.spread is not None and self.spread >= WIDE_SPREAD

    @property
    def mean(self) -> Decimal | None:
        if not self.marks:
            return None
        return Decimal(sum(m.value for m in self.marks)) / len(self.marks)


@dataclass
class Row:
    application: Application
    area: BusinessArea | None
    cells: list[Cell]
    reviewer_totals: list[ReviewerMark]
    consensus: Totals | None
    eligible: bool | None
    recommendation: str
    agreed: bool
    rank: int | None
    others_visible: bool
    own: AssignmentInfo | None

    @property
    def mean(self) -> Decimal | None:
        return self.consensus.mean if self.consensus else None

    @property
    def points(self) -> Decimal | None:
        return self.consensus.points if self.consensus else None

    @property
    def recommendation_label(self) -> str:
        return str(JointAssessment.Recommendation(self.recommendation).label) if self.recommendation else ""


@dataclass
class Group:
    area: BusinessArea | None
    rows: list[Row]


@dataclass
class Matrix:
    call: Call
    criteria: list[Criterion]
    groups: list[Group]
    sort: str
    descending: bool

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    @property
    def formula(self) -> str:
        return formula_text(self.criteria)

    @property
    def points_formula(self) -> str:
        return points_formula_text(self.criteria)


ELIGIBILITY_FILTERS = {
    "eligible": gettext_lazy("Meets the requirements"),
    "ineligible": gettext_lazy("Does not meet the requirements"),
    "undecided": gettext_lazy("Not decided yet"),
}


def sort_keys(criteria: list[Criterion]) -> list[str]:
    """Return the matrix's sortable column keys: fixed columns and one per criterion."""
    return ["organisation", "status", "eligibility", *[f"c-{c.code}" for c in criteria], "total", "points", "rank"]


def _rank_area(entries: list[tuple[int, Totals | None, bool | None]]) -> dict[int, int]:
    """Return application pk -> rank (1 = best, ties share a rank) among the eligible, fully scored ones."""
    ranked = sorted(
        ((t.mean, pk) for pk, t, eligible in entries if t is not None and eligible is not False), reverse=True
    )
    ranks, previous, rank = {}, None, 0
    for position, (mean, pk) in enumerate(ranked, start=1):
        if mean != previous:
            rank, previous = position, mean
        ranks[pk] = rank
    return ranks


def _sort_value(row: Row, key: str):
    if key == "organisation":
        return row.application.organisation.name.lower()
    if key == "status":
        return row.application.status
    if key == "eligibility":
        return None if row.eligible is None else (0 if row.eligible else 1)
    if key == "total":
        return row.mean
    if key == "points":
        return row.points
    if key == "rank":
        return row.rank
    if key.startswith("c-"):
        for cell in row.cells:
            if cell.criterion.code == key[2:]:
                if cell.consensus is None and cell.mean is None:
                    return None
                return (cell.consensus if cell.consensus is not None else -1, cell.mean or 0)
    return None


def _sorted(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """Return the rows sorted by `key`; rows without a value come last whichever the direction."""
    by_name = sorted(rows, key=lambda r: r.application.organisation.name.lower())
    valued = [(v, r) for r in by_name if (v := _sort_value(r, key)) is not None]
    empty = [r for r in by_name if _sort_value(r, key) is None]
    valued.sort(key=lambda pair: pair[0], reverse=descending)  # stable: names stay ordered within ties
    return [r for _v, r in valued] + empty


def review_matrix(
    *,
    call: Call,
    viewer=None,
    area: BusinessArea | None = None,
    status: str = "",
    eligibility: str = "",
    sort: str = "rank",
    descending: bool = False,
    application_ids: list[int] | None = None,
) -> Matrix:
    """Return the call's matrix as seen by `viewer` (None: everything, for the management command).

    Rows a viewer declared a conflict on are left out; the other reviewers' scores, the consensus and
    the rank are blank on rows where the viewer's own review is not submitted yet (if the call hides
    scores until then). Ranks are computed over every application in the area, so they are the same
    for every viewer. The number of SQL queries does not depend on the number of applications.
    """
    criteria = list(call.criteria.all())
    applications = (
        Application.objects.filter(call=call, status__in=MATRIX_STATUSES)
        .select_related("organisation", "business_area", "joint_assessment")
        .defer("submitted_content")  # the whole submitted application as JSON: large, and not shown here
        .order_by("organisation__name")
    )
    assignments = Assignment.objects.filter(
        application__call=call, application__status__in=MATRIX_STATUSES
    ).values_list(
        "pk", "application_id", "reviewer_id", "side", "status", "conflict", "reviewer__full_name", "reviewer__email"
    )
    scores = Score.objects.filter(
        assignment__application__call=call, assignment__application__status__in=MATRIX_STATUSES
    ).values_list("assignment_id", "criterion_id", "value")
    joint_scores = JointScore.objects.filter(
        joint__application__call=call, joint__application__status__in=MATRIX_STATUSES
    ).values_list("joint__application_id", "criterion_id", "value")
    if area is not None:
        applications = applications.filter(business_area=area)
        assignments = assignments.filter(application__business_area=area)
        scores = scores.filter(assignment__application__business_area=area)
        joint_scores = joint_scores.filter(joint__application__business_area=area)

    by_application: dict[int, list[AssignmentInfo]] = defaultdict(list)
    for pk, application_id, reviewer_id, side, assignment_status, conflict, full_name, email in assignments:
        by_application[application_id].append(
            AssignmentInfo(
                pk,
                application_id,
                reviewer_id,
                side,
                assignment_status,
                conflict,
                full_name or email,
                _initials(full_name, email),
            )
        )
    score_map: dict[int, dict[int, int]] = defaultdict(dict)
    for assignment_id, criterion_id, value in scores:
        score_map[assignment_id][criterion_id] = value
    consensus_map: dict[int, dict[int, int]] = defaultdict(dict)
    for application_id, criterion_id, value in joint_scores:
        consensus_map[application_id][criterion_id] = value

    applications = list(applications)
    consensus_totals = {a.pk: weighted_totals(criteria, consensus_map[a.pk]) for a in applications}
    per_area: dict[int | None, list] = defaultdict(list)
    for application in applications:
        joint = _joint(application)
        per_area[application.business_area_id].append(
            (application.pk, consensus_totals[application.pk], joint.eligible if joint else None)
        )
    ranks = {}
    for entries in per_area.values():
        ranks.update(_rank_area(entries))
    if application_ids is not None:  # after ranking: a compare view shows the ranks of the whole area
        wanted = set(application_ids)
        applications = [a for a in applications if a.pk in wanted]

    viewer_id = viewer.pk if viewer is not None else None
    rows_by_area: dict[int | None, list[Row]] = defaultdict(list)
    for application in applications:
        assigned = by_application[application.pk]
        own = next((a for a in assigned if a.reviewer_id == viewer_id), None)
        if own is not None and own.is_conflicted:
            continue  # a conflicted reviewer does not see the row at all
        visible = others_visible(call=call, own=own)
        counted = [a for a in assigned if not a.is_conflicted and (visible or a is own)]
        joint = _joint(application) if visible else None
        editable = (
            own is not None
            and own.conflict == Assignment.Conflict.NONE
            and not own.is_submitted
            and application.status in (Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW)
        )
        cells = []
        own_scores = score_map[own.pk] if own is not None else {}
        consensus = consensus_map[application.pk]
        for criterion in criteria:
            marks = [
                ReviewerMark(a.initials, a.name, a.side, value, a.reviewer_id == viewer_id)
                for a in counted
                if (value := score_map[a.pk].get(criterion.pk)) is not None
            ]
            cells.append(
                Cell(
                    criterion=criterion,
                    marks=marks,
                    spread=spread([m.value for m in marks]),
                    consensus=consensus.get(criterion.pk) if visible else None,
                    own_value=own_scores.get(criterion.pk),
                    editable=editable,
                )
            )
        reviewer_totals = [
            ReviewerMark(a.initials, a.name, a.side, totals, a.reviewer_id == viewer_id)
            for a in counted
            if (totals := weighted_totals(criteria, score_map[a.pk])) is not None
        ]
        row = Row(
            application=application,
            area=application.business_area,
            cells=cells,
            reviewer_totals=reviewer_totals,
            consensus=consensus_totals[application.pk] if visible else None,
            eligible=joint.eligible if joint else None,
            recommendation=joint.recommendation if joint else "",
            agreed=bool(joint and joint.is_agreed),
            rank=ranks.get(application.pk) if visible else None,
            others_visible=visible,
            own=own,
        )
        if status and application.status != status:
            continue
        if eligibility == "eligible" and row.eligible is not True:
            continue
        if eligibility == "ineligible" and row.eligible is not False:
            continue
        if eligibility == "undecided" and row.eligible is not None:
            continue
        rows_by_area[application.business_area_id].append(row)

    if sort not in sort_keys(criteria):
        sort = "rank"
    areas = list(call.areas.all()) if area is None else [area]
    groups = [Group(a, _sorted(rows_by_area[a.pk], sort, descending)) for a in areas if rows_by_area.get(a.pk)]
    if rows_by_area.get(None):
        groups.append(Group(None, _sorted(rows_by_area[None], sort, descending)))
    return Matrix(call=call, criteria=criteria, groups=groups, sort=sort, descending=descending)


def _joint(application: Application) -> JointAssessment | None:
    try:
        return application.joint_assessment
    except JointAssessment.DoesNotExist:
        return None


# --- one application's review ------------------------------------------------------------------


def application_for_review(*, pk: int) -> Application:
    """Return an application with its call and organisation; raise Application.DoesNotExist."""
    return Application.objects.select_related("call", "organisation", "business_area").get(pk=pk)


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
    scores = (
        Score.objects.filter(assignment__application=application)
        .exclude(assignment__conflict=Assignment.Conflict.DECLARED)
        .select_related("assignment__reviewer")
        .order_by("assignment__side", "assignment__pk")
    )
    if not include_others:
        scores = scores.filter(assignment__reviewer=viewer)
    by_criterion = defaultdict(list)
    for score in scores:
        by_criterion[score.criterion_id].append(score)
    consensus = {}
    if include_others:
        consensus = {s.criterion_id: s for s in JointScore.objects.filter(joint__application=application)}
    texts = dict(application.criterion_answers.values_list("criterion_id", "text"))
    return [CriterionScores(c, by_criterion[c.pk], consensus.get(c.pk), texts.get(c.pk, "")) for c in criteria]


def requirement_checks_of(*, application: Application, viewer, include_others: bool) -> dict[int, list]:
    """Return requirement pk -> the visible reviewers' checks."""
    checks = (
        RequirementCheck.objects.filter(assignment__application=application)
        .exclude(assignment__conflict=Assignment.Conflict.DECLARED)
        .select_related("assignment__reviewer")
        .order_by("assignment__side", "assignment__pk")
    )
    if not include_others:
        checks = checks.filter(assignment__reviewer=viewer)
    result = defaultdict(list)
    for check in checks:
        result[check.requirement_id].append(check)
    return result


def application_history(*, application: Application, viewer) -> list[AuditEvent]:
    """Return the audit events of the application and its review (assignments, joint assessment), newest
    first, leaving out other reviewers' events while the viewer's own review is hidden from them."""
    own = assignment_of(application=application, user=viewer)
    visible = others_visible(call=application.call, own=own)
    assignment_ids = [
        str(pk)
        for pk in Assignment.objects.filter(application=application)
        .filter(Q(reviewer=viewer) if not visible else Q())
        .values_list("pk", flat=True)
    ]
    types = ContentType.objects.get_for_models(Application, Assignment, JointAssessment)
    condition = Q(content_type=types[Application], object_id=str(application.pk)) | Q(
        content_type=types[Assignment], object_id__in=assignment_ids
    )
    if visible:
        joint_ids = [
            str(pk) for pk in JointAssessment.objects.filter(application=application).values_list("pk", flat=True)
        ]
        condition |= Q(content_type=types[JointAssessment], object_id__in=joint_ids)
    return list(AuditEvent.objects.filter(condition).select_related("actor").order_by("-at", "-pk"))
