"""Reads of calls and organisations that several views share."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import BudgetFrame, Call, Funder, Organisation


def calls_for_front_page(*, now=None) -> dict[str, list[Call]]:
    """Return the published calls split into 'open', 'upcoming' and 'closed' (newest first)."""
    now = now or timezone.now()
    grouped: dict[str, list[Call]] = {"open": [], "upcoming": [], "closed": []}
    for call in Call.objects.published().order_by("-opens_at"):
        grouped[call.phase(now)].append(call)
    return grouped


def call_for_public_page(*, slug: str) -> Call:
    """Return a published call with its configuration prefetched; raise Call.DoesNotExist if none."""
    return (
        Call.objects.published()
        .prefetch_related(
            "milestones",
            "areas",
            "requirements",
            "criteria",
            "activity_types",
            Prefetch("frames", queryset=BudgetFrame.objects.order_by("year", "funder")),
        )
        .get(slug=slug)
    )


def budget_table(call: Call) -> list[dict]:
    """Return one row per year: the board's and UFM's frame (or None) and the year's total."""
    by_year: dict[int, dict] = {year: {"year": year, "board": None, "ufm": None} for year in call.years}
    for frame in call.frames.all():
        by_year.setdefault(frame.year, {"year": frame.year, "board": None, "ufm": None})
        by_year[frame.year][Funder.BOARD if frame.funder == Funder.BOARD else Funder.UFM] = frame
    rows = []
    for year in sorted(by_year):
        row = by_year[year]
        row["total"] = sum(f.amount for f in (row["board"], row["ufm"]) if f)
        rows.append(row)
    return rows


def budget_totals(rows: list[dict]) -> dict[str, int]:
    """Return the period's totals per funder and overall for rows from `budget_table`."""
    board = sum(r["board"].amount for r in rows if r["board"])
    ufm = sum(r["ufm"].amount for r in rows if r["ufm"])
    return {"board": board, "ufm": ufm, "total": board + ufm}


def organisations_of(user) -> QuerySet[Organisation]:
    """Return the organisations the user acts for."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(members=user)
