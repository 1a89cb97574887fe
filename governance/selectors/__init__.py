"""Reads for the grant period, one module per domain word (`grants`, `plans`; the reports half adds its own)."""
