"""Reads for selections and allocations: the review's results, the selection page, proposal grids, side by side,
differences, and the applicant's approved amounts. Every list costs a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from applications.models import Application, BudgetFrame, BusinessArea, Call, Funder
from clusterfund.roles import Role

from .models import Proposal, ProposalAmount, ProposalApproval, Selection, SelectionGrant

# --- what the review concluded --------------------------------------------------------------------


@dataclass(frozen=True)
class JointResult:
    """The joint assessment's outcome for one application (from review): weighted score, eligibility, rank."""

    mean: Decimal | None  # the joint weighted score on the criteria's scale (None until fully scored)
    points: Decimal | None  # the same as points out of 100
    eligible: bool | None  # None: not decided yet
    agreed: bool  # confirmed by both sides
    rank: int | None  # within its business area, among the eligible and fully scored


def joint_results(*, call: Call) -> dict[int, JointResult]:
    """Return application pk -> the joint assessment's result, for every application in the call's review.

    The one place this app reads the review's conclusions: `review.selectors.matrix.review_matrix` without a viewer
    (nothing hidden) gives the consensus totals, eligibility and ranks in a fixed number of queries.
    """
    from review.selectors.matrix import review_matrix

    matrix = review_matrix(call=call, viewer=None)
    return {
        row.application.pk: JointResult(
            mean=row.consensus.mean if row.consensus else None,
            points=row.consensus.points if row.consensus else None,
            eligible=row.eligible,
            agreed=row.agreed,
            rank=row.rank,
        )
        for row in matrix.rows
    }


def joint_result(*, application: Application) -> JointResult | None:
    """Return one application's joint result (None if it is not in the review)."""
    return joint_results(call=application.call).get(application.pk)


# --- frames ---------------------------------------------------------------------------------------


def frames_of(*, call: Call, funder: str = Funder.BOARD) -> dict[int, BudgetFrame]:
    """Return year -> the call's budget frame of `funder`."""
    return {frame.year: frame for frame in BudgetFrame.objects.filter(call=call, funder=funder)}


def frame_years(*, call: Call) -> list[int]:
    """Return the years in which the board has a frame: the columns of every proposal."""
    return sorted(BudgetFrame.objects.filter(call=call, funder=Funder.BOARD).values_list("year", flat=True))


def call_is_locked(*, call: Call) -> bool:
    """Return whether an allocation of the call is approved (its frames can then no longer change)."""
    return Proposal.objects.filter(call=call, status=Proposal.Status.APPROVED).exists()


def approved_proposal(*, call: Call) -> Proposal | None:
    """Return the call's allocation in force: the most recently approved proposal, or None."""
    return (
        Proposal.objects.filter(call=call, status=Proposal.Status.APPROVED).order_by("-approved_at", "-number").first()
    )


# --- selections -----------------------------------------------------------------------------------


def selections_of(*, call: Call, selected_only: bool = False) -> QuerySet[Selection]:
    """Return the call's selections with application, organisation, area and grants (fixed queries)."""
    queryset = (
        Selection.objects.filter(call=call)
        .select_related("application__organisation", "business_area", "recorded_by")
        .prefetch_related(Prefetch("grants", queryset=SelectionGrant.objects.order_by("year")))
        .order_by("business_area__order", "business_area__name", "application__organisation__name")
    )
    if selected_only:
        queryset = queryset.filter(decision=Selection.Decision.SELECTED)
    return queryset


@dataclass
class SelectionRow:
    application: Application
    result: JointResult | None
    selection: Selection | None

    @property
    def grants(self) -> dict[int, int]:
        return {g.year: g.amount for g in self.selection.grants.all()} if self.selection else {}


@dataclass
class AreaGroup:
    area: BusinessArea | None
    rows: list[SelectionRow]

    @property
    def selected(self) -> SelectionRow | None:
        return next((r for r in self.rows if r.selection and r.selection.is_selected), None)


def _rank_key(row: SelectionRow):
    result = row.result
    # the ranked (eligible, fully scored) first by rank, then the rest by name
    rank = result.rank if result and result.rank is not None else 10**6
    return (rank, row.application.organisation.name.lower())


def selection_overview(*, call: Call) -> list[AreaGroup]:
    """Return per business area the applications in the review, ranked by the joint assessment, each with
    its selection (if recorded) and grants."""
    from review.selectors.matrix import MATRIX_STATUSES

    results = joint_results(call=call)
    selections = {s.application_id: s for s in selections_of(call=call)}
    applications = (
        Application.objects.filter(call=call, status__in=MATRIX_STATUSES)
        .select_related("organisation", "business_area")
        .order_by("organisation__name")
    )
    by_area: dict[int | None, list[SelectionRow]] = defaultdict(list)
    for application in applications:
        row = SelectionRow(application, results.get(application.pk), selections.get(application.pk))
        by_area[application.business_area_id].append(row)
    groups = [AreaGroup(area, sorted(by_area[area.pk], key=_rank_key)) for area in call.areas.all()]
    if by_area.get(None):
        groups.append(AreaGroup(None, sorted(by_area[None], key=_rank_key)))
    return groups


def grant_totals(*, call: Call) -> dict[int, int]:
    """Return year -> the sum of UFM grants to the selected organisations."""
    totals: dict[int, int] = defaultdict(int)
    for year, amount in SelectionGrant.objects.filter(
        selection__call=call, selection__decision=Selection.Decision.SELECTED
    ).values_list("year", "amount"):
        totals[year] += amount
    return dict(totals)


# --- proposals ------------------------------------------------------------------------------------


@dataclass
class GridRow:
    """One organisation's line in a proposal: UFM grants, the board's amounts and totals per year."""

    application: Application
    selection: Selection | None
    result: JointResult | None
    grants: dict[int, int]
    amounts: dict[int, int]
    years: list[int]

    @property
    def total(self) -> int:
        return sum(self.amounts.get(y, 0) for y in self.years)

    @property
    def grant_total(self) -> int:
        return sum(self.grants.get(y, 0) for y in self.years)

    @property
    def difference(self) -> int:
        """The board's total over the period minus the UFM grants' (the board matches UFM: 0 is even)."""
        return self.total - self.grant_total

    @property
    def cells(self) -> list[tuple[int, int, int]]:
        return [(y, self.grants.get(y, 0), self.amounts.get(y, 0)) for y in self.years]


@dataclass
class YearTotal:
    year: int
    frame: BudgetFrame | None
    total: int

    @property
    def frame_amount(self) -> int:
        return self.frame.amount if self.frame else 0

    @property
    def difference(self) -> int:
        """Frame minus allocated: positive is left over, negative is over the frame."""
        return self.frame_amount - self.total

    @property
    def over(self) -> bool:
        return self.difference < 0


@dataclass
class Grid:
    proposal: Proposal
    years: list[int]
    rows: list[GridRow]
    totals: list[YearTotal]
    problems: list[str] = field(default_factory=list)  # why it cannot be approved as it stands

    @property
    def total(self) -> int:
        return sum(t.total for t in self.totals)

    @property
    def frame_total(self) -> int:
        return sum(t.frame_amount for t in self.totals)

    @property
    def difference(self) -> int:
        return self.frame_total - self.total

    @property
    def over(self) -> bool:
        return any(t.over for t in self.totals)


def _amount_map(proposal_ids) -> dict[int, dict[int, dict[int, int]]]:
    """Return proposal pk -> application pk -> year -> amount, in one query."""
    result: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for proposal_id, application_id, year, amount in ProposalAmount.objects.filter(
        proposal_id__in=list(proposal_ids)
    ).values_list("proposal_id", "application_id", "year", "amount"):
        result[proposal_id][application_id][year] = amount
    return result


def proposal_grid(*, proposal: Proposal, with_results: bool = True) -> Grid:
    """Return the proposal as a grid: a row per organisation (its UFM grants and the board's amounts per
    year), the totals per year against the board's frame, and what stands in the way of approval."""
    call = proposal.call
    years = frame_years(call=call)
    amounts = _amount_map([proposal.pk])[proposal.pk]
    selections = {s.application_id: s for s in selections_of(call=call)}
    results = joint_results(call=call) if with_results else {}
    applications = (
        Application.objects.filter(pk__in=list(amounts))
        .select_related("organisation", "business_area")
        .order_by("business_area__order", "business_area__name", "organisation__name")
    )
    rows = []
    for application in applications:
        selection = selections.get(application.pk)
        grants = {g.year: g.amount for g in selection.grants.all()} if selection else {}
        rows.append(
            GridRow(application, selection, results.get(application.pk), grants, dict(amounts[application.pk]), years)
        )
    frames = frames_of(call=call)
    totals = [YearTotal(y, frames.get(y), sum(r.amounts.get(y, 0) for r in rows)) for y in years]
    grid = Grid(proposal, years, rows, totals)
    grid.problems = approval_problems(grid=grid, selections=selections)
    return grid


def approval_problems(*, grid: Grid, selections: dict[int, Selection]) -> list[str]:
    """Return the reasons (in the active language) the grid's proposal cannot be approved as it stands."""
    from django.utils.translation import gettext as _

    from clusterfund.money import format_kroner

    problems = []
    for total in grid.totals:
        if total.over:
            problems.append(
                _("%(year)s is over the frame: %(total)s allocated of %(frame)s (%(over)s too much).")
                % {
                    "year": total.year,
                    "total": format_kroner(total.total),
                    "frame": format_kroner(total.frame_amount),
                    "over": format_kroner(-total.difference),
                }
            )
    in_proposal = {row.application.pk for row in grid.rows}
    for row in grid.rows:
        selection = selections.get(row.application.pk)
        if selection is None or not selection.is_selected:
            problems.append(
                _("%(name)s is no longer selected; make a new version.") % {"name": row.application.organisation.name}
            )
    for application_id, selection in selections.items():
        if selection.is_selected and application_id not in in_proposal:
            problems.append(
                _("%(name)s was selected after this proposal was made; make a new version.")
                % {"name": selection.application.organisation.name}
            )
    return problems


@dataclass
class ApprovalState:
    """Who has approved the proposal's current revision, who commented, who is still missing."""

    approvals: list[ProposalApproval]
    members: list
    approved: list
    missing: list


def subcommittee_members() -> list:
    """Return the active sub-committee members (not the chair as such), by name."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SUBCOMMITTEE_MEMBER)
        .distinct()
        .order_by("full_name", "email")
    )


def approval_state(*, proposal: Proposal) -> ApprovalState:
    """Return the proposal's approvals (all, oldest first) and which members approved its current revision."""
    approvals = list(proposal.approvals.select_related("member").order_by("at", "pk"))
    members = subcommittee_members()
    # each member's latest word on the current revision counts: an approval, or a comment (not yet approved)
    latest: dict[int, ProposalApproval] = {}
    for approval in approvals:
        if approval.revision == proposal.revision and not approval.as_chair:
            latest[approval.member_id] = approval
    approved_ids = {pk for pk, a in latest.items() if a.decision == ProposalApproval.Decision.APPROVE}
    approved = [m for m in members if m.pk in approved_ids]
    missing = [m for m in members if m.pk not in approved_ids]
    return ApprovalState(approvals, members, approved, missing)


def proposals_of(*, call: Call) -> QuerySet[Proposal]:
    """Return the call's proposals, newest version first, with their author and approver."""
    return Proposal.objects.filter(call=call).select_related("created_by", "approved_by").order_by("-number")


@dataclass
class SideBySideRow:
    application: Application
    selection: Selection | None
    result: JointResult | None
    grants: dict[int, int]
    # proposal pk -> year -> amount
    amounts: dict[int, dict[int, int]]
    grant_cells: list[int] = field(default_factory=list)  # the UFM grant per year, in the years' order
    # per proposal (in order): the proposal, its amount per year (None: not in it) and the total
    proposal_cells: list[tuple[Proposal, list[int | None], int]] = field(default_factory=list)

    @property
    def grant_total(self) -> int:
        return sum(self.grant_cells)


@dataclass
class SideBySide:
    call: Call
    years: list[int]
    proposals: list[Proposal]
    rows: list[SideBySideRow]
    # proposal pk -> year -> total
    totals: dict[int, dict[int, int]]
    frames: dict[int, BudgetFrame]

    @property
    def total_cells(self) -> list[tuple[Proposal, list[int], int]]:
        """Per proposal: its total per year (in the years' order) and over the period."""
        result = []
        for proposal in self.proposals:
            per_year = [self.totals[proposal.pk].get(y, 0) for y in self.years]
            result.append((proposal, per_year, sum(per_year)))
        return result

    @property
    def frame_pairs(self) -> list[tuple[int, int | None]]:
        return [(y, self.frames[y].amount if y in self.frames else None) for y in self.years]


def side_by_side(*, call: Call, proposals: list[Proposal] | None = None) -> SideBySide:
    """Return every selected organisation (area, joint score, UFM grants) with each proposal's amounts per
    year: proposal × organisation × year, in a fixed number of queries."""
    proposals = list(proposals if proposals is not None else proposals_of(call=call).order_by("number"))
    years = frame_years(call=call)
    amounts = _amount_map(p.pk for p in proposals)
    selections = {s.application_id: s for s in selections_of(call=call)}
    results = joint_results(call=call)
    application_ids = {s.application_id for s in selections.values() if s.is_selected}
    for per_application in amounts.values():
        application_ids |= set(per_application)
    applications = (
        Application.objects.filter(pk__in=application_ids)
        .select_related("organisation", "business_area")
        .order_by("business_area__order", "business_area__name", "organisation__name")
    )
    rows = []
    for application in applications:
        selection = selections.get(application.pk)
        grants = {g.year: g.amount for g in selection.grants.all()} if selection else {}
        per_proposal = {p.pk: dict(amounts[p.pk].get(application.pk, {})) for p in proposals}
        rows.append(
            SideBySideRow(
                application=application,
                selection=selection,
                result=results.get(application.pk),
                grants=grants,
                amounts=per_proposal,
                grant_cells=[grants.get(y, 0) for y in years],
                proposal_cells=[
                    (
                        p,
                        [per_proposal[p.pk].get(y) for y in years],
                        sum(per_proposal[p.pk].get(y, 0) for y in years),
                    )
                    for p in proposals
                ],
            )
        )
    totals = {
        p.pk: {y: sum(per_year.get(y, 0) for per_year in amounts[p.pk].values()) for y in years} for p in proposals
    }
    return SideBySide(call, years, proposals, rows, totals, frames_of(call=call))


@dataclass
class DiffRow:
    application: Application
    cells: list[tuple[int, int | None, int | None, int]]  # year, a, b, b − a

    @property
    def changed(self) -> bool:
        return any(diff for *_rest, diff in self.cells)

    @property
    def total_a(self) -> int:
        return sum(a or 0 for _y, a, _b, _d in self.cells)

    @property
    def total_b(self) -> int:
        return sum(b or 0 for _y, _a, b, _d in self.cells)


def proposal_diff(*, a: Proposal, b: Proposal) -> tuple[list[int], list[DiffRow]]:
    """Return the years and, per organisation in either proposal, each year's amount in `a`, in `b` and the
    change from a to b."""
    years = frame_years(call=a.call)
    amounts = _amount_map([a.pk, b.pk])
    application_ids = set(amounts[a.pk]) | set(amounts[b.pk])
    applications = (
        Application.objects.filter(pk__in=application_ids)
        .select_related("organisation", "business_area")
        .order_by("business_area__order", "business_area__name", "organisation__name")
    )
    rows = []
    for application in applications:
        cells = []
        for year in years:
            in_a = amounts[a.pk].get(application.pk, {}).get(year)
            in_b = amounts[b.pk].get(application.pk, {}).get(year)
            cells.append((year, in_a, in_b, (in_b or 0) - (in_a or 0)))
        rows.append(DiffRow(application, cells))
    return years, rows


# --- the applicant's approved amounts -------------------------------------------------------------


def approved_amounts(*, application: Application) -> dict[int, int]:
    """Return year -> the board's amount to the application in the call's approved allocation ({} if none)."""
    proposal = approved_proposal(call=application.call)
    if proposal is None:
        return {}
    return dict(
        ProposalAmount.objects.filter(proposal=proposal, application=application)
        .order_by("year")
        .values_list("year", "amount")
    )


@dataclass
class ApprovedAllocation:
    application: Application
    proposal: Proposal
    amounts: dict[int, int]
    grants: dict[int, int]
    frames: dict[int, BudgetFrame]

    @property
    def total(self) -> int:
        return sum(self.amounts.values())

    @property
    def grant_total(self) -> int:
        return sum(self.grants.get(y, 0) for y in self.amounts)

    @property
    def rows(self) -> list[tuple[int, int, int, BudgetFrame | None]]:
        return [(y, self.amounts[y], self.grants.get(y, 0), self.frames.get(y)) for y in sorted(self.amounts)]


def approved_allocations_for(*, user) -> list[ApprovedAllocation]:
    """Return the approved amounts of every application of the user's organisations (only theirs), in a
    fixed number of queries."""
    applications = list(
        Application.objects.filter(organisation__members=user)
        .select_related("organisation", "call")
        .order_by("-call__opens_at", "organisation__name")
    )
    if not applications:
        return []
    call_ids = {a.call_id for a in applications}
    latest: dict[int, Proposal] = {}
    for proposal in (
        Proposal.objects.filter(call_id__in=call_ids, status=Proposal.Status.APPROVED)
        .select_related("call")
        .order_by("approved_at", "number")
    ):
        latest[proposal.call_id] = proposal  # the last approved wins
    amounts: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for proposal_id, application_id, year, amount in ProposalAmount.objects.filter(
        proposal_id__in=[p.pk for p in latest.values()], application__in=applications
    ).values_list("proposal_id", "application_id", "year", "amount"):
        amounts[(proposal_id, application_id)][year] = amount
    grants: dict[int, dict[int, int]] = defaultdict(dict)
    for application_id, year, amount in SelectionGrant.objects.filter(
        selection__application__in=applications, selection__decision=Selection.Decision.SELECTED
    ).values_list("selection__application_id", "year", "amount"):
        grants[application_id][year] = amount
    frames: dict[int, dict[int, BudgetFrame]] = defaultdict(dict)
    for frame in BudgetFrame.objects.filter(call_id__in=call_ids, funder=Funder.BOARD):
        frames[frame.call_id][frame.year] = frame
    result = []
    for application in applications:
        proposal = latest.get(application.call_id)
        if proposal is None or (proposal.pk, application.pk) not in amounts:
            continue
        result.append(
            ApprovedAllocation(
                application,
                proposal,
                amounts[(proposal.pk, application.pk)],
                grants[application.pk],
                frames[application.call_id],
            )
        )
    return result
