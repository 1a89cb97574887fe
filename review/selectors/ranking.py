"""The matrix's order: ranks within a business area, and sorting the rows by a column."""

from typing import TYPE_CHECKING

from applications.models import Criterion

from ..scoring import Totals

if TYPE_CHECKING:
    from .matrix import Row


def sort_keys(criteria: list[Criterion]) -> list[str]:
    """Return the matrix's sortable column keys: fixed columns and one per criterion."""
    return ["organisation", "status", "eligibility", *[f"c-{c.code}" for c in criteria], "total", "points", "rank"]


def area_ranks(entries: list[tuple[int, Totals | None, bool | None]]) -> dict[int, int]:
    """Return application pk -> rank (1 = best, ties share a rank) among the eligible, fully scored ones
    of one area, given (application pk, consensus totals, eligible) per application."""
    ranked = sorted(
        ((t.mean, pk) for pk, t, eligible in entries if t is not None and eligible is not False), reverse=True
    )
    ranks, previous, rank = {}, None, 0
    for position, (mean, pk) in enumerate(ranked, start=1):
        if mean != previous:
            rank, previous = position, mean
        ranks[pk] = rank
    return ranks


_COLUMN_VALUES = {
    "organisation": lambda row: row.application.organisation.name.lower(),
    "status": lambda row: row.application.status,
    "eligibility": lambda row: None if row.eligible is None else (0 if row.eligible else 1),
    "total": lambda row: row.mean,
    "points": lambda row: row.points,
    "rank": lambda row: row.rank,
}


def _criterion_value(row: "Row", code: str):
    """Sort by the consensus, then by the mean of the visible scores; None when the cell has neither."""
    for cell in row.cells:
        if cell.criterion.code == code:
            if cell.consensus is None and cell.mean is None:
                return None
            return (cell.consensus if cell.consensus is not None else -1, cell.mean or 0)
    return None


def _sort_value(row: "Row", key: str):
    if key in _COLUMN_VALUES:
        return _COLUMN_VALUES[key](row)
    if key.startswith("c-"):
        return _criterion_value(row, key[2:])
    return None


def sorted_rows(rows: list["Row"], key: str, descending: bool) -> list["Row"]:
    """Return the rows sorted by `key`; rows without a value come last whichever the direction."""
    by_name = sorted(rows, key=lambda r: r.application.organisation.name.lower())
    valued = [(v, r) for r in by_name if (v := _sort_value(r, key)) is not None]
    empty = [r for r in by_name if _sort_value(r, key) is None]
    valued.sort(key=lambda pair: pair[0], reverse=descending)  # stable: names stay ordered within ties
    return [r for _v, r in valued] + empty
