"""Load benchmark: gunicorn (2 workers) + PostgreSQL 15 on loopback, driven by locust, bounded in time.

Run from the repository root (as root or as a user who may run PostgreSQL's initdb):

    .venv/bin/python benchmarks/load.py                 # every scenario, the issue's durations
    .venv/bin/python benchmarks/load.py --seconds 20    # shorter runs for the throughput scenarios

It starts a throwaway PostgreSQL 15 (initdb into a temporary directory, first free port from 56000),
migrates, seeds the demo plus 50 applicants with a draft each and 10 secretariat reviewers
(benchmarks/load_fixture.py), collects static files, starts gunicorn with 2 sync workers on a free
loopback port with production settings over plain HTTP (benchmarks/load_settings.py, which adds a
minimal view at /bench/minimal/ for the framework's ceiling), then runs one locust scenario at a time
(benchmarks/load_locustfile.py), headless, on this machine:

    ceiling      the minimal view: every middleware, no template, no query
    anonymous    the front page and the memo call's page, no login
    applicants   50 applicants autosaving the criteria section for 60 s; afterwards every
                 applicant's stored text must equal the last save the server acknowledged
    reviewers    10 secretariat reviewers reloading the review matrix
    signed-in    an applicant's section page and a reviewer's queue, 10 users each (the server
                 shares its workers fairly, so the two pages' rates come out alike)
    section-page applicants only, on their criteria section page: that page's own rate
    queue        secretariat reviewers only, on the review queue: that page's own rate

Prints a Markdown table (requests/s, p50/p95/p99 in ms, errors, ratio to the ceiling, server CPU per
request) and stops everything it started, whatever happens. Locust runs on the same two cores as the
server, so the absolute figures are the pair's; the ratio to the ceiling is the comparable figure. The
server's CPU per request is the CPU time gunicorn's processes and PostgreSQL's spent during the scenario
(read from /proc before and after it, psutil) over the scenario's requests, logins included: what a
request costs the server, whatever locust takes of the same cores.
"""

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
VENV_BIN = Path(sys.executable).parent
SCENARIOS = {
    # name: (locust user class, users, seconds or None for --seconds)
    "ceiling": ("Ceiling", 20, None),
    "anonymous": ("Anonymous", 20, None),
    "applicants": ("Applicant", 50, 60),
    "reviewers": ("Reviewer", 10, None),
    "signed-in": ("SignedIn", 20, None),
    "section-page": ("SectionPage", 20, None),
    "queue": ("Queue", 20, None),
}


def free_port(start: int) -> int:
    """Return the first port from `start` that nothing listens on at 127.0.0.1."""
    port = start
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
        port += 1


def wait_for(port: int, seconds: float = 60) -> None:
    """Wait until something accepts connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port} after {seconds} s")


@contextmanager
def postgres(workdir: Path):
    """Start a throwaway PostgreSQL 15; yield its DATABASE_URL; stop it and remove its files."""
    data = workdir / "pgdata"
    data.mkdir()
    port = free_port(56000)
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        shutil.chown(data, "postgres")
    run = dict(check=True, cwd=workdir, stdout=subprocess.DEVNULL)
    subprocess.run([*as_postgres, PG_BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"], **run)
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off -c max_connections=100"
    log = workdir / "postgres.log"
    subprocess.run([*as_postgres, PG_BIN / "pg_ctl", "-D", data, "-l", log, "-w", "start", "-o", options], **run)
    try:
        subprocess.run(
            [*as_postgres, PG_BIN / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "load"], **run
        )
        yield f"postgres://postgres@127.0.0.1:{port}/load", int((data / "postmaster.pid").read_text().split()[0])
    finally:
        subprocess.run([*as_postgres, PG_BIN / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"], **run)


@contextmanager
def gunicorn(env: dict, workdir: Path):
    """Serve the portal with 2 sync workers on a free loopback port; yield its base URL and master's pid."""
    port = free_port(58000)
    command = [
        VENV_BIN / "gunicorn",
        "clusterfund.wsgi",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(port)
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def locust(env: dict, host: str, user_class: str, users: int, seconds: int, prefix: Path) -> dict:
    """Run one scenario headless; return the aggregated row of locust's CSV statistics."""
    command = [
        VENV_BIN / "locust",
        "-f",
        ROOT / "benchmarks" / "load_locustfile.py",
        "--headless",
        "--host",
        host,
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--csv",
        prefix,
        "--only-summary",
        "--stop-timeout",
        "5",
        "--loglevel",
        "WARNING",
        user_class,
    ]
    subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=seconds + 120,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv") as stats:
        rows = list(csv.DictReader(stats))
    return {row["Name"]: row for row in rows}


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds of process `pid` and all its children so far."""
    parent = psutil.Process(pid)
    total = 0.0
    for process in [parent, *parent.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def figures(row: dict) -> dict:
    """Return requests/s, percentiles (ms) and failures of one locust statistics row."""
    return {
        "requests": int(row["Request Count"]),
        "rps": float(row["Requests/s"]),
        "p50": row["50%"],
        "p95": row["95%"],
        "p99": row["99%"],
        "errors": int(row["Failure Count"]),
    }


def check_drafts(env: dict, acks_file: Path) -> tuple[int, list[str]]:
    """Compare each applicant's stored criterion text with the last acknowledged save."""
    script = (
        "import json,sys,django;django.setup();"
        "from applications.models import CriterionAnswer as A;"
        "acks=json.load(open(sys.argv[1]));"
        "stored={str(a.application_id):a.text for a in A.objects.filter(application_id__in=[int(k) for k in acks])"
        ".order_by('criterion__order','criterion_id')};"
        "print(json.dumps({k:stored.get(k)==v for k,v in acks.items()}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, acks_file], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    verdicts = json.loads(result.stdout)
    return len(verdicts), [k for k, same in verdicts.items() if not same]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="duration of each throughput scenario")
    parser.add_argument("--only", nargs="*", choices=list(SCENARIOS), help="run only these scenarios")
    args = parser.parse_args()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="clusterfund-load-")))
        os.chmod(workdir, 0o755)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY", "REDIS"))},
            "DJANGO_SETTINGS_MODULE": "benchmarks.load_settings",
            "LOAD_STATIC_ROOT": str(workdir / "static"),
            "LOAD_FIXTURE": str(workdir / "fixture.json"),
            "PYTHONPATH": str(ROOT),
        }
        env["DATABASE_URL"], postmaster = stack.enter_context(postgres(workdir))
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "compilemessages", "--ignore=.venv", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [sys.executable, "benchmarks/load_fixture.py", env["LOAD_FIXTURE"]], cwd=ROOT, env=env, check=True
        )
        host, master = stack.enter_context(gunicorn(env, workdir))
        results, drafts = {}, None
        for name in args.only or SCENARIOS:
            user_class, users, seconds = SCENARIOS[name]
            scenario_env = {**env, "LOAD_ACKS": str(workdir / f"{name}-acks.json")}
            cpu_before = cpu_seconds(master), cpu_seconds(postmaster)
            stats = locust(scenario_env, host, user_class, users, seconds or args.seconds, workdir / name)
            cpu = cpu_seconds(master) - cpu_before[0], cpu_seconds(postmaster) - cpu_before[1]
            results[name] = {label: figures(row) for label, row in stats.items()}
            requests = max(results[name]["Aggregated"]["requests"], 1)
            results[name]["Aggregated"]["cpu_ms"] = tuple(1000 * seconds / requests for seconds in cpu)
            if name == "applicants":
                drafts = check_drafts(env, workdir / f"{name}-acks.json")
        report(results, drafts)


def report(results: dict, drafts) -> None:
    """Print the Markdown table, each row's throughput as a share of the minimal view's."""
    ceiling = results.get("ceiling", {}).get("Aggregated", {}).get("rps")
    print(
        "| scenario | request | requests | req/s | p50 ms | p95 ms | p99 ms | errors | of ceiling "
        "| server CPU ms/request (gunicorn + PostgreSQL) |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, rows in results.items():
        cpu = rows["Aggregated"]["cpu_ms"]
        for label, row in rows.items():
            if label == "Aggregated" and len(rows) == 2:
                continue  # one request type: its own row says it all
            share = f"{100 * row['rps'] / ceiling:.1f} %" if ceiling else "–"
            own = f"{sum(cpu):.1f} ({cpu[0]:.1f} + {cpu[1]:.1f})" if label == "Aggregated" or len(rows) == 2 else "–"
            print(
                f"| {name} | {label} | {row['requests']} | {row['rps']:.1f} | {row['p50']} | {row['p95']} | "
                f"{row['p99']} | {row['errors']} | {share} | {own} |"
            )
    if drafts is not None:
        checked, wrong = drafts
        print(
            f"\nDrafts checked after the applicants' run: {checked}; stored text differs from the last "
            f"acknowledged save for {len(wrong)}{': ' + ', '.join(wrong) if wrong else ''}."
        )


if __name__ == "__main__":
    main()
