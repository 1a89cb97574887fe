"""Time and measure the memory of rendering generated documents: the allocation memo of 14 organisations
(goal: under 1 s) and a dossier of about 60 pages (goal: under 5 s and under 400 MB).

Run from the repository root:

    .venv/bin/python benchmarks/memo_render.py

The parent process builds a throwaway SQLite database (tests' factories: a call with 14 selected
organisations and an approved allocation; one submitted application long enough for a ~60-page dossier),
then renders each document in a fresh child process, so the memory figure is that of a worker that
renders one document: Django, WeasyPrint, Pango and the fonts included. Per document it prints

* snapshot: reading the data into the version's snapshot (SQL + Python), once;
* first render: the first snapshot-to-PDF rendering in the process (fonts and Pango loaded on the way),
  what a freshly started worker pays;
* render median / best: --repeat further renderings, what a warm worker pays;
* peak RSS: the child's maximum resident set size (resource.getrusage), the figure for the 400 MB goal;
* Python peak: tracemalloc's peak of Python allocations during one warm rendering (Pango's and
  HarfBuzz's C allocations are not in it; RSS covers them).
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "klyngen",
    "samarbejde",
    "virksomheder",
    "videninstitutioner",
    "innovation",
    "aktiviteter",
    "netværk",
    "forløb",
    "projekter",
    "internationalisering",
    "viden",
    "spredning",
    "finansiering",
    "iværksættere",
    "partnere",
    "udvikling",
    "medlemmer",
    "kompetencer",
    "digitalisering",
    "grøn",
    "omstilling",
    "produktion",
    "teknologi",
    "forskning",
    "test",
    "demonstration",
    "markedsmodning",
    "regionale",
    "filialer",
    "samlokalisering",
    "erhvervsfremme",
    "økosystem",
    "styringsdialog",
    "handlingsplan",
    "effektmåling",
]


def setup(database: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterfund.settings.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()


def _text(rng: random.Random, words: int) -> str:
    paragraphs, line = [], []
    for index in range(words):
        line.append(rng.choice(WORDS))
        if index % 90 == 89:
            paragraphs.append(" ".join(line).capitalize() + ".")
            line = []
    paragraphs.append(" ".join(line).capitalize() + ".")
    return "\n\n".join(paragraphs)


def build(*, activities: int, partners: int) -> dict:
    """Create the data; return the ids the children render."""
    import datetime as dt

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from applications.models import Activity, ActivityActor, BudgetFrame, CriterionAnswer, Funder, Partner
    from applications.services import application_submit
    from tests.factories.allocation import approved_proposal, selected_call
    from tests.factories.applications import complete_application
    from tests.factories.clusterfund import UserFactory

    rng = random.Random(2020)
    # 14 selected organisations; UFM grants between 3 and 9 million a year
    call = selected_call(organisations=14, grants=[3_000_000 + 450_000 * i for i in range(14)])
    for frame in BudgetFrame.objects.filter(call=call, funder=Funder.BOARD):
        conditional = frame.year > 2022
        frame.source = "undecided" if conditional else "finance_act"
        frame.source_year = None if conditional else frame.year - 1
        frame.is_conditional = conditional
        frame.save()
    proposal = approved_proposal(call)

    applicant = UserFactory(roles=["applicant"])
    application = complete_application(member=applicant)
    for answer in CriterionAnswer.objects.filter(application=application):
        answer.text = _text(rng, 1200)  # about the criteria's 8.000-character limit
        answer.save()
    kind = application.call.activity_types.first()
    for number in range(activities):
        activity = Activity.objects.create(
            application=application,
            activity_type=kind,
            title=f"Aktivitet {number + 1}: {rng.choice(WORDS)} og {rng.choice(WORDS)}",
            description=_text(rng, 420),
            first_year=2021,
            last_year=2024,
            budget=rng.randrange(200_000, 4_000_000, 1_000),
        )
        for actor in range(3):
            ActivityActor.objects.create(activity=activity, name=f"Aktør {number}-{actor} A/S", actor_type="company")
    for number in range(partners):
        Partner.objects.create(
            application=application,
            name=f"Partner {number + 1} ApS",
            partner_type="company",
            role=_text(rng, 20)[:300],
        )
    application = application_submit(application=application, by=applicant, now=dt.datetime.now(dt.UTC))
    return {"proposal": proposal.pk, "application": application.pk}


def child(kind: str, pk: int, repeat: int) -> dict:
    """Render one document in this (fresh) process and return the figures."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import translation

    from clusterfund.documents import document_kind, document_render_bytes, json_safe
    from clusterfund.models import GeneratedDocument

    spec = document_kind(kind)
    subject = spec.subject_model._default_manager.get(pk=pk)
    options = {"board": "Danmarks Erhvervsfremmebestyrelse", "agenda_item": "Punkt 5"}
    started = time.perf_counter()
    with translation.override("da"):
        snapshot = json_safe(spec.snapshot(subject, options))
    snapshot_seconds = time.perf_counter() - started
    document = GeneratedDocument(
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=pk,
        version=1,
        title=str(spec.title),
        snapshot=snapshot,
    )
    started = time.perf_counter()
    pdf, pages = document_render_bytes(document)
    first = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        document_render_bytes(document)
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    document_render_bytes(document)
    _current, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "kind": kind,
        "pages": pages,
        "bytes": len(pdf),
        "snapshot": snapshot_seconds,
        "first": first,
        "median": statistics.median(times) if times else first,
        "best": min(times) if times else first,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
        "python_peak_mb": python_peak / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="warm renderings per document")
    parser.add_argument("--activities", type=int, default=36, help="activities in the long application")
    parser.add_argument("--partners", type=int, default=40, help="partners in the long application")
    parser.add_argument("--child", nargs=3, metavar=("DATABASE", "KIND", "PK"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        database, kind, pk = args.child
        setup(database)
        print(json.dumps(child(kind, int(pk), args.repeat)))
        return

    database = str(Path(tempfile.mkdtemp(prefix="clusterfund-memo-bench-")) / "bench.sqlite3")
    setup(database)
    started = time.perf_counter()
    ids = build(activities=args.activities, partners=args.partners)
    print(
        f"data built in {time.perf_counter() - started:.1f} s; WeasyPrint in fresh processes, {args.repeat} warm runs"
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    header = (
        f"{'document':<34} {'pages':>5} {'KiB':>6} {'snapshot s':>10} {'first s':>8} {'median s':>9} "
        f"{'best s':>7} {'peak RSS MB':>11} {'Python peak MB':>14}"
    )
    print(header)
    cases = [
        ("allocation memo, 14 organisations", "allocation-memo", ids["proposal"]),
        ("dossier", "dossier", ids["application"]),
    ]
    for label, kind, pk in cases:
        output = (
            subprocess.run(
                [sys.executable, __file__, "--repeat", str(args.repeat), "--child", database, kind, str(pk)],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        result = json.loads(output)
        print(
            f"{label:<34} {result['pages']:>5} {result['bytes'] / 1024:>6.0f} {result['snapshot']:>10.3f} "
            f"{result['first']:>8.3f} {result['median']:>9.3f} {result['best']:>7.3f} {result['rss_mb']:>11.0f} "
            f"{result['python_peak_mb']:>14.1f}"
        )


if __name__ == "__main__":
    main()
