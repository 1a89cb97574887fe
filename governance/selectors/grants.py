"""Reads for grants: the organisation's grants, a call's grants for staff, and one grant version as a table
per year and funder."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from applications.models import Call, Funder

from ..models import ActionPlan, Grant, GrantAcceptance, GrantVersion, GrantYear, IndicatorTarget


def grants_for_member(*, user) -> QuerySet[Grant]:
    """Return the grants of the organisations the user acts for (only theirs), newest call first."""
    if not getattr(user, "is_authenticated", False):
        return Grant.objects.none()
    return (
        Grant.objects.filter(organisation__members=user)
        .select_related("call", "organisation", "current_version__acceptance")
        .prefetch_related(Prefetch("plans", queryset=ActionPlan.objects.order_by("year")))
        .order_by("-call__opens_at", "organisation__name")
    )


def grants_of_call(*, call: Call, user) -> list[Grant]:
    """Return the call's grants the reviewer may see (never one whose application they declared a conflict
    on), with the current version, its acceptance and the plans, in a fixed number of queries."""
    from review.models import Assignment

    conflicted = Assignment.objects.filter(reviewer=user, conflict=Assignment.Conflict.DECLARED).values(
        "application_id"
    )
    return list(
        Grant.objects.filter(call=call)
        .exclude(application_id__in=conflicted)
        .select_related("organisation", "current_version__acceptance")
        .prefetch_related(
            Prefetch("plans", queryset=ActionPlan.objects.order_by("year")),
            Prefetch("current_version__years", queryset=GrantYear.objects.order_by("year")),
        )
        .order_by("organisation__name")
    )


@dataclass
class YearRow:
    year: int
    board: int = 0
    ufm: int = 0
    lines: list[GrantYear] = field(default_factory=list)

    @property
    def conditional(self) -> bool:
        return any(line.is_conditional for line in self.lines)

    @property
    def board_lines(self) -> list[GrantYear]:
        return [line for line in self.lines if line.funder == Funder.BOARD]

    @property
    def ufm_lines(self) -> list[GrantYear]:
        return [line for line in self.lines if line.funder == Funder.UFM]


@dataclass
class VersionTable:
    version: GrantVersion
    rows: list[YearRow]
    acceptance: GrantAcceptance | None

    @property
    def board_total(self) -> int:
        return sum(r.board for r in self.rows)

    @property
    def ufm_total(self) -> int:
        return sum(r.ufm for r in self.rows)


def version_table(*, version: GrantVersion) -> VersionTable:
    """Return the version's amounts as one row per year (board and UFM, with their source lines)."""
    rows: dict[int, YearRow] = {}
    for line in GrantYear.objects.filter(version=version).order_by("year", "funder", "source"):
        row = rows.setdefault(line.year, YearRow(line.year))
        row.lines.append(line)
        if line.funder == Funder.BOARD:
            row.board += line.amount
        else:
            row.ufm += line.amount
    acceptance = GrantAcceptance.objects.filter(version=version).select_related("accepted_by").first()
    return VersionTable(version, [rows[y] for y in sorted(rows)], acceptance)


def grant_targets(*, grant: Grant) -> dict[int, int]:
    """Return indicator id -> the grant's target for the whole period."""
    return dict(IndicatorTarget.objects.filter(grant=grant, year__isnull=True).values_list("indicator_id", "value"))


def grant_versions(*, grant: Grant) -> list[GrantVersion]:
    return list(grant.versions.select_related("created_by", "acceptance__accepted_by").order_by("-number"))


def queue_counts(*, user) -> dict[int, int]:
    """Return call id -> how many plans wait for review in the calls the reviewer works on (not conflicted)."""
    from review.models import Assignment

    assignments = Assignment.objects.filter(reviewer=user)
    counts: dict[int, int] = defaultdict(int)
    for call_id in (
        ActionPlan.objects.filter(
            grant__call_id__in=assignments.values("application__call_id"), status__in=ActionPlan.UNDER_REVIEW
        )
        .exclude(
            grant__application_id__in=assignments.filter(conflict=Assignment.Conflict.DECLARED).values("application_id")
        )
        .values_list("grant__call_id", flat=True)
    ):
        counts[call_id] += 1
    return counts
