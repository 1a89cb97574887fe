"""Time the review matrix page (and its exports) for calls of 60 and 600 applications, 6 reviewers each.

Run from the repository root:

    DJANGO_SETTINGS_MODULE=clusterfund.settings.test .venv/bin/python benchmarks/review_matrix.py

It builds a throwaway SQLite database in a temporary directory (whatever DATABASE_URL says; pass
--use-database-url to measure against that database instead, e.g. PostgreSQL), fills it with
tests.factories.review.call_with_reviews, and requests each page in-process through Django's test
client as a secretariat reviewer: the figures are server time (middleware, SQL, Python, templates),
without a network or a browser. Prints the median and the best wall-clock time of --repeat runs, and the
median CPU time of this process (SQLite runs in-process, so it includes the SQL): on a busy machine the
CPU time is the steadier figure.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(use_database_url: bool) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterfund.settings.test")
    if not use_database_url:
        directory = tempfile.mkdtemp(prefix="clusterfund-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Not setup_test_environment(): it instruments every template render for the test client, which is
    # not what a server does and would inflate the figures. The client only needs its host allowed.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)


def measure(client, url: str, repeat: int) -> dict:
    """Return timings (seconds) and the query count of GET `url`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm up: templates compiled, caches filled
    assert response.status_code == 200, response.status_code
    wall, cpu = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
    return {
        "median": statistics.median(wall),
        "best": min(wall),
        "cpu": statistics.median(cpu),
        "queries": len(queries),
        "bytes": len(response.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[60, 600], help="applications per call")
    parser.add_argument("--reviewers", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--use-database-url", action="store_true", help="use DATABASE_URL instead of a temp SQLite")
    args = parser.parse_args()
    setup(args.use_database_url)

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from tests.factories.clusterfund import UserFactory
    from tests.factories.review import call_with_reviews

    lead = UserFactory(roles=["secretariat"])
    client = Client()
    client.force_login(lead)
    print(f"database: {connection.vendor}; {args.reviewers} reviewers per application; {args.repeat} runs each")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"{'applications':>12}  {'page':<12} {'median s':>9} {'best s':>8} {'CPU s':>7} {'queries':>7} {'KiB':>7}")
    for size in args.sizes:
        started = time.perf_counter()
        call = call_with_reviews(applications=size, reviewers=args.reviewers)
        built = time.perf_counter() - started
        pages = {
            "matrix": reverse("review:matrix", args=[call.slug]),
            "matrix desc": reverse("review:matrix", args=[call.slug]) + "?sort=total&dir=desc",
            "export csv": reverse("review:export", args=[call.slug, "csv"]),
            "export xlsx": reverse("review:export", args=[call.slug, "xlsx"]),
        }
        for name, url in pages.items():
            result = measure(client, url, args.repeat)
            print(
                f"{size:>12}  {name:<12} {result['median']:>9.3f} {result['best']:>8.3f} {result['cpu']:>7.3f} "
                f"{result['queries']:>7} {result['bytes'] / 1024:>7.0f}"
            )
        print(f"{'':>12}  (data built in {built:.1f} s)")


if __name__ == "__main__":
    main()
