"""Time the logged-in pages of issue 11: the applicant's section pages and the reviewer's queue.

Run from the repository root:

    .venv/bin/python benchmarks/signed_in_pages.py            # --repeat 30 by default
    .venv/bin/python benchmarks/signed_in_pages.py --profile section_criteria   # cProfile's top entries

It builds a throwaway SQLite database in a temporary directory with `seed_demo`, gives the demo
applicant (ansoeger@) a draft in the open practice call, and requests each page in-process through
Django's test client, as that applicant for the section pages and as sekretariat@ for the queue. The
figures are server time (middleware, SQL, Python, templates) without a network or a browser: the
median and best wall-clock time of --repeat runs, and the median CPU time of this process (SQLite runs
in-process, so it includes the SQL), which is the steadier figure on a busy machine. --dump DIR writes
each page's HTML with the CSRF tokens masked, to compare the output before and after a change.
"""

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMED = ["section_criteria", "section_requirements", "section_budget", "queue"]
CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": ?)"[^"]+"')


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterfund.settings.test")
    directory = tempfile.mkdtemp(prefix="clusterfund-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Not setup_test_environment(): it instruments every template render for the test client.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def pages() -> dict:
    """Return {name: (client, url)} for every page measured or dumped."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from applications.demo import PRACTICE_SLUG
    from applications.models import Call, Organisation
    from applications.services import application_create
    from tests.fixtures import SECTION_PAGES

    users = get_user_model().objects
    applicant = users.get(email="ansoeger@klyngeportalen.example")
    organisation = Organisation.objects.filter(members=applicant).first()
    call = Call.objects.get(slug=PRACTICE_SLUG)
    application = application_create(call=call, organisation=organisation, by=applicant)
    as_applicant, as_secretariat = Client(), Client()
    as_applicant.force_login(applicant)
    as_secretariat.force_login(users.get(email="sekretariat@klyngeportalen.example"))
    result = {name: (as_applicant, reverse(f"applications:{name}", args=[application.pk])) for name in SECTION_PAGES}
    result["queue"] = (as_secretariat, reverse("review:queue"))
    return result


def measure(client, url: str, repeat: int) -> dict:
    """Return timings (seconds) and the query count of GET `url`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm up: templates compiled, caches filled
    assert response.status_code == 200, (url, response.status_code)
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
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", metavar="PAGE", help="profile PAGE (e.g. section_criteria) instead")
    parser.add_argument("--dump", metavar="DIR", help="write every page's HTML (CSRF masked) to DIR")
    args = parser.parse_args()
    setup()
    urls = pages()
    if args.dump:
        os.makedirs(args.dump, exist_ok=True)
        for name, (client, url) in urls.items():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            Path(args.dump, f"{name}.html").write_bytes(CSRF.sub(rb'\1"masked"', response.content))
        print(f"wrote {len(urls)} pages to {args.dump}")
        return
    if args.profile:
        client, url = urls[args.profile]
        client.get(url)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.repeat):
            client.get(url)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_LINES", "45")))
        return
    print(f"SQLite in-process; {args.repeat} runs each after one warm-up")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"{'page':<22} {'median ms':>9} {'best ms':>8} {'CPU ms':>7} {'queries':>7} {'KiB':>5}")
    for name in TIMED:
        client, url = urls[name]
        result = measure(client, url, args.repeat)
        print(
            f"{name:<22} {result['median'] * 1000:>9.1f} {result['best'] * 1000:>8.1f} {result['cpu'] * 1000:>7.1f} "
            f"{result['queries']:>7} {result['bytes'] / 1024:>5.0f}"
        )


if __name__ == "__main__":
    main()
