"""Reads of the review, one module per part of it:

- assignments: the reviewers, their assignments and queues, the application a review is about
- visibility: a viewer's own assignment, and whether the other reviewers' scores are shown to them
- checks: what the application's data suggests about each requirement, and the reviewers' checks
- scores: one application's scores per criterion, with the consensus
- history: an application's audit events
- matrix: the call's review matrix (rows, cells, totals; filters and grouping)
- ranking: ranks within a business area, and sorting the matrix by a column

Import from the module that holds a name; the names below are re-exported so that `review.selectors.X`
keeps working.
"""

from .assignments import (
    AssignmentRow,
    QueueCall,
    QueueEntry,
    application_for_review,
    assignment_overview,
    review_queue,
    reviewers,
)
from .checks import Suggestion, requirement_checks_of, requirement_suggestions
from .history import application_history
from .matrix import (
    ELIGIBILITY_FILTERS,
    MATRIX_STATUSES,
    AssignmentInfo,
    Cell,
    Group,
    Matrix,
    ReviewerMark,
    Row,
    review_matrix,
)
from .ranking import sort_keys
from .scores import CriterionScores, scores_by_criterion
from .visibility import assignment_of, others_visible

__all__ = [
    "ELIGIBILITY_FILTERS",
    "MATRIX_STATUSES",
    "AssignmentInfo",
    "AssignmentRow",
    "Cell",
    "CriterionScores",
    "Group",
    "Matrix",
    "QueueCall",
    "QueueEntry",
    "ReviewerMark",
    "Row",
    "Suggestion",
    "application_for_review",
    "application_history",
    "assignment_of",
    "assignment_overview",
    "others_visible",
    "requirement_checks_of",
    "requirement_suggestions",
    "review_matrix",
    "review_queue",
    "reviewers",
    "scores_by_criterion",
    "sort_keys",
]
