"""Views of the review, one module per page family: queue and assignment, one application's review,
the joint assessment, the matrix (with inline scoring, compare and exports)."""
