"""Writes for the grant period, one module per domain word: `grants`, `plans` (and the reports half's own).
Helpers every module shares are in `common`."""
