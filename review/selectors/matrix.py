"""The call's review matrix: one row per application in the review, one cell per criterion, with the
visible reviewers' scores, the consensus, the derived totals and the rank within the business area.

`review_matrix` reads everything in a fixed number of queries (`_read`), ranks over the whole area
(`_ranks`), builds each row as the viewer may see it (`_RowMaker`), filters (`_shown`) and groups by area
(`_groups`); ordering lives in .ranking.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from applications.models import Application, BusinessArea, Call, Criterion

from ..models import Assignment, AssignmentState, JointAssessment, JointScore, Score
from ..scoring import WIDE_SPREAD, Totals, formula_text, points_formula_text, spread, weighted_totals
from .ranking import area_ranks, sort_keys, sorted_rows
from .visibility import others_visible

# Applications that appear in a call's matrix: everything submitted and not withdrawn.
MATRIX_STATUSES = (
    Application.Status.SUBMITTED,
    Application.Status.UNDER_REVIEW,
    Application.Status.SELECTED,
    Application.Status.NOT_SELECTED,
)

ELIGIBILITY_FILTERS = {
    "eligible": gettext_lazy("Meets the requirements"),
    "ineligible": gettext_lazy("Does not meet the requirements"),
    "undecided": gettext_lazy("Not decided yet"),
}


def _initials(full_name: str, email: str) -> str:
    if not full_name:
        return email[:2].upper()
    parts = [p for p in full_name.replace("-", " ").split() if p]
    return "".join(p[0] for p in parts[:3]).upper()


@dataclass(frozen=True, slots=True)
class AssignmentInfo(AssignmentState):
    """The part of an assignment the matrix needs (read as plain values: hundreds of rows, no models)."""

    pk: int
    application_id: int
    reviewer_id: int
    side: str
    status: str
    conflict: str
    name: str
    initials: str


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


# --- reading: a fixed number of queries, whatever the number of applications -------------------------


@dataclass(frozen=True, slots=True)
class _Reads:
    """What the matrix reads from the database."""

    criteria: list[Criterion]
    assignments: dict[int, list[AssignmentInfo]]  # application pk -> its assignments
    scores: dict[int, dict[int, int]]  # assignment pk -> criterion pk -> score
    consensus: dict[int, dict[int, int]]  # application pk -> criterion pk -> consensus score
    applications: list[Application]  # by organisation name


def _in_matrix(queryset, path: str, call: Call, area: BusinessArea | None) -> QuerySet:
    """Return `queryset` narrowed to the rows whose application (reached through `path`, "" for the
    application itself) is in the call's matrix, and in `area` if given."""
    prefix = f"{path}__" if path else ""
    queryset = queryset.filter(**{f"{prefix}call": call, f"{prefix}status__in": MATRIX_STATUSES})
    if area is not None:
        queryset = queryset.filter(**{f"{prefix}business_area": area})
    return queryset


def _assignment_infos(call: Call, area: BusinessArea | None) -> dict[int, list[AssignmentInfo]]:
    """Return application pk -> its assignments with the reviewer's name (read as plain values)."""
    values = _in_matrix(Assignment.objects, "application", call, area).values_list(
        "pk", "application_id", "reviewer_id", "side", "status", "conflict", "reviewer__full_name", "reviewer__email"
    )
    by_application: dict[int, list[AssignmentInfo]] = defaultdict(list)
    for pk, application_id, reviewer_id, side, status, conflict, full_name, email in values:
        by_application[application_id].append(
            AssignmentInfo(
                pk, application_id, reviewer_id, side, status, conflict, full_name or email, _initials(full_name, email)
            )
        )
    return by_application


def _nested(triples) -> dict[int, dict[int, int]]:
    """Return outer key -> inner key -> value from (outer, inner, value) triples."""
    result: dict[int, dict[int, int]] = defaultdict(dict)
    for outer, inner, value in triples:
        result[outer][inner] = value
    return result


def _read(call: Call, area: BusinessArea | None) -> _Reads:
    criteria = list(call.criteria.all())
    assignments = _assignment_infos(call, area)
    scores = _nested(
        _in_matrix(Score.objects, "assignment__application", call, area).values_list(
            "assignment_id", "criterion_id", "value"
        )
    )
    consensus = _nested(
        _in_matrix(JointScore.objects, "joint__application", call, area).values_list(
            "joint__application_id", "criterion_id", "value"
        )
    )
    applications = list(
        _in_matrix(Application.objects, "", call, area)
        .select_related("organisation", "business_area", "joint_assessment")
        .defer("submitted_content")  # the whole submitted application as JSON: large, and not shown here
        .order_by("organisation__name")
    )
    return _Reads(criteria, assignments, scores, consensus, applications)


# --- building the rows --------------------------------------------------------------------------------


def _joint(application: Application) -> JointAssessment | None:
    try:
        return application.joint_assessment
    except JointAssessment.DoesNotExist:
        return None


def _ranks(applications: list[Application], totals: dict[int, Totals | None]) -> dict[int, int]:
    """Return application pk -> rank within its area, computed over every application of the area (so the
    ranks are the same for every viewer and for a compare view's few rows)."""
    per_area: dict[int | None, list] = defaultdict(list)
    for application in applications:
        joint = _joint(application)
        per_area[application.business_area_id].append(
            (application.pk, totals[application.pk], joint.eligible if joint else None)
        )
    ranks = {}
    for entries in per_area.values():
        ranks.update(area_ranks(entries))
    return ranks


def _editable(application: Application, own: AssignmentInfo | None) -> bool:
    """Whether the viewer may still score the application in the matrix: assigned without a conflict, own
    review not submitted, and the application still in review."""
    return (
        own is not None
        and own.conflict == Assignment.Conflict.NONE
        and not own.is_submitted
        and application.status in (Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW)
    )


def _conclusions(joint: JointAssessment | None) -> dict:
    """Return the joint assessment's conclusions as a row shows them (blank without one, or while hidden)."""
    if joint is None:
        return {"eligible": None, "recommendation": "", "agreed": False}
    return {"eligible": joint.eligible, "recommendation": joint.recommendation, "agreed": bool(joint.is_agreed)}


@dataclass(frozen=True, slots=True)
class _RowMaker:
    """Builds the rows as one viewer (None: nobody in particular, everything shown) sees them."""

    call: Call
    viewer_id: int | None
    reads: _Reads
    totals: dict[int, Totals | None]  # application pk -> consensus totals
    ranks: dict[int, int]

    def row(self, application: Application) -> Row | None:
        """Return the application's row; None if the viewer declared a conflict (they do not see the row)."""
        own, visible, counted = self._viewpoint(self.reads.assignments[application.pk])
        if own is not None and own.is_conflicted:
            return None
        return Row(
            application=application,
            area=application.business_area,
            cells=self._cells(application, own, counted, visible),
            reviewer_totals=self._reviewer_totals(counted),
            consensus=self.totals[application.pk] if visible else None,
            **_conclusions(_joint(application) if visible else None),
            rank=self.ranks.get(application.pk) if visible else None,
            others_visible=visible,
            own=own,
        )

    def _viewpoint(self, assigned: list[AssignmentInfo]) -> tuple[AssignmentInfo | None, bool, list[AssignmentInfo]]:
        """Return the viewer's own assignment among `assigned`, whether they see the other reviewers' scores,
        and the assignments whose scores they see (never a conflicted reviewer's)."""
        own = next((a for a in assigned if a.reviewer_id == self.viewer_id), None)
        visible = others_visible(call=self.call, own=own)
        counted = [a for a in assigned if not a.is_conflicted and (visible or a is own)]
        return own, visible, counted

    def _mark(self, assignment: AssignmentInfo, value) -> ReviewerMark:
        return ReviewerMark(
            assignment.initials, assignment.name, assignment.side, value, assignment.reviewer_id == self.viewer_id
        )

    def _cells(
        self, application: Application, own: AssignmentInfo | None, counted: list[AssignmentInfo], visible: bool
    ) -> list[Cell]:
        editable = _editable(application, own)
        own_scores = self.reads.scores[own.pk] if own is not None else {}
        consensus = self.reads.consensus[application.pk] if visible else {}
        cells = []
        for criterion in self.reads.criteria:
            marks = [
                self._mark(a, value)
                for a in counted
                if (value := self.reads.scores[a.pk].get(criterion.pk)) is not None
            ]
            cells.append(
                Cell(
                    criterion=criterion,
                    marks=marks,
                    spread=spread([m.value for m in marks]),
                    consensus=consensus.get(criterion.pk),
                    own_value=own_scores.get(criterion.pk),
                    editable=editable,
                )
            )
        return cells

    def _reviewer_totals(self, counted: list[AssignmentInfo]) -> list[ReviewerMark]:
        return [
            self._mark(a, totals)
            for a in counted
            if (totals := weighted_totals(self.reads.criteria, self.reads.scores[a.pk])) is not None
        ]


# --- filtering, grouping, the matrix ------------------------------------------------------------------

_ELIGIBILITY_TESTS = {
    "eligible": lambda eligible: eligible is True,
    "ineligible": lambda eligible: eligible is False,
    "undecided": lambda eligible: eligible is None,
}


def _shown(row: Row, status: str, eligibility: str) -> bool:
    """Whether the row passes the status and eligibility filters (blank or unknown: no filter)."""
    if status and row.application.status != status:
        return False
    test = _ELIGIBILITY_TESTS.get(eligibility)
    return test is None or test(row.eligible)


def _chosen(applications: list[Application], application_ids: list[int] | None) -> list[Application]:
    if application_ids is None:
        return applications
    wanted = set(application_ids)
    return [a for a in applications if a.pk in wanted]


def _groups(call: Call, area: BusinessArea | None, rows: list[Row], sort: str, descending: bool) -> list[Group]:
    """Return the rows by business area in the call's order of areas (rows without an area last), each
    group sorted; areas without rows are left out."""
    by_area: dict[int | None, list[Row]] = defaultdict(list)
    for row in rows:
        by_area[row.application.business_area_id].append(row)
    areas = list(call.areas.all()) if area is None else [area]
    groups = [Group(a, sorted_rows(by_area[a.pk], sort, descending)) for a in areas if by_area.get(a.pk)]
    if by_area.get(None):
        groups.append(Group(None, sorted_rows(by_area[None], sort, descending)))
    return groups


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
    reads = _read(call, area)
    totals = {a.pk: weighted_totals(reads.criteria, reads.consensus[a.pk]) for a in reads.applications}
    maker = _RowMaker(
        call, viewer.pk if viewer is not None else None, reads, totals, _ranks(reads.applications, totals)
    )
    rows = [
        row
        for application in _chosen(reads.applications, application_ids)  # after ranking: ranks of the whole area
        if (row := maker.row(application)) is not None and _shown(row, status, eligibility)
    ]
    if sort not in sort_keys(reads.criteria):
        sort = "rank"
    groups = _groups(call, area, rows, sort, descending)
    return Matrix(call=call, criteria=reads.criteria, groups=groups, sort=sort, descending=descending)
