"""The Celery app a test_faults worker runs: the project's app, plus the document kind "slow-dossier".

`celery -A tests.clusterfund.fault_worker worker` loads it (with FAULT_RENDER_GATE set). The slow dossier
is the application dossier whose render, once it has begun, touches the file named by FAULT_RENDER_STARTED
and then waits for as long as the file named by FAULT_RENDER_GATE exists (two minutes at most): the test
knows the worker is in the middle of a render and can kill it there.
"""

import dataclasses
import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterfund.settings.dev")
django.setup()

from clusterfund.celery import app  # noqa: E402
from clusterfund.documents import document_kind, register_document  # noqa: E402

SLOW_KIND = "slow-dossier"
GATE_TIMEOUT = 120  # seconds: a gate left behind by a broken test does not hold a worker for ever


def register_slow_dossier():
    """Register "slow-dossier" (idempotent) and return it."""
    dossier = document_kind("dossier")

    def slow_context(data: dict) -> dict:
        started, gate = os.environ.get("FAULT_RENDER_STARTED"), os.environ.get("FAULT_RENDER_GATE")
        if started:
            Path(started).touch()
        deadline = time.monotonic() + GATE_TIMEOUT
        while gate and Path(gate).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return dossier.context(data) if dossier.context else {}

    fields = {field.name: getattr(dossier, field.name) for field in dataclasses.fields(dossier)}
    fields.pop("slug")
    return register_document(SLOW_KIND, **{**fields, "context": slow_context})


if os.environ.get("FAULT_RENDER_GATE"):  # in the worker; the test process registers it for one test only
    register_slow_dossier()

__all__ = ["SLOW_KIND", "app", "register_slow_dossier"]
