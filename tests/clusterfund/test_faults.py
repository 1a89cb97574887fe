"""Faults with the real services: Redis stopped while an applicant submits, a Celery worker killed in the
middle of a memo render, PostgreSQL restarted while gunicorn serves. None of them may lose a submission,
an e-mail or a document.

Real processes throughout: a redis-server of the test's own (so the test can stop it without stopping the
suite's Redis), `celery worker` processes started and killed by the test, gunicorn serving the test
database. The worker and gunicorn read the test database, so these tests need PostgreSQL (the SQLite test
database lives in the test process's memory); like every service test they skip locally when a service
is missing and fail under CI=true (tests/services.py).

The test process sends through a Celery app of its own, configured from the project's settings with the
private Redis as broker; the project's app (eager in the rest of the suite) is not changed.
"""

import hashlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.urls import reverse

from applications.models import Application
from applications.services import application_submit
from clusterfund import documents, outbox
from clusterfund.documents import document_request
from clusterfund.models import GeneratedDocument, OutboxMessage
from tests.clusterfund.fault_worker import SLOW_KIND, register_slow_dossier
from tests.factories.applications import complete_application
from tests.services import require_or_skip

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
WORKER_TIMEOUT = 90  # seconds for a cold worker to start and do its work on a busy 2-core CI machine
VISIBILITY_TIMEOUT = 3  # seconds: the test worker's broker hands an unacknowledged message out again after this
FAIL_FAST = 5  # seconds an applicant may wait for a broker that is down (the publish policy gives < 1 s)


# --- services ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, timeout: float, what: str, log: Path | None = None, interval: float = 0.1):
    """Return condition()'s first true value; fail (with the log) if there is none within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            output = log.read_text(errors="replace") if log and log.exists() else ""
            pytest.fail(f"{what}: not within {timeout}s\n{output}")
        time.sleep(interval)


def stop_group(process: subprocess.Popen) -> None:
    """Stop a process the test started in a process group of its own: politely, then by force."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class RedisServer:
    """A redis-server of the test's own on a free loopback port, which the test can stop and start again."""

    def __init__(self, directory: Path):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        from tests.services import redis_ping_error

        return not redis_ping_error(self.url)

    def start(self) -> None:
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(self.answers, timeout=15, what="redis-server answers PING", log=self.directory / "redis.log")

    def stop(self) -> None:
        """Stop the server the way an outage does: the process is gone, the port refuses connections."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path):
    binary = shutil.which("redis-server")
    require_or_skip(bool(binary), "needs redis-server on PATH (the test stops and starts a Redis of its own)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def database_url_for_subprocesses() -> str:
    """Return a DATABASE_URL for the test database the test process uses (workers and gunicorn read it)."""
    require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL to a postgres:// URL")
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def producer(redis_server, monkeypatch):
    """The outbox of the test process sends through this app: the project's settings, the private Redis."""
    # Celery reads these variables before its configuration (CI sets them to the suite's Redis)
    for name in ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL", "CELERY_RESULT_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    app = Celery("clusterfund-faults-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=redis_server.url, result_backend=redis_server.url, task_always_eager=False)
    app.finalize()  # registers the project's shared tasks on this app
    assert app.connection_for_write().as_uri().endswith(f":{redis_server.port}/0")
    monkeypatch.setattr(outbox, "celery_app", lambda: app)
    yield app
    app.close()


@pytest.fixture
def start_worker(redis_server, tmp_path):
    """Return a function that starts a `celery worker` process (its own process group) on the private Redis."""
    workers: list[subprocess.Popen] = []
    database_url = database_url_for_subprocesses()

    def start(
        *, app: str = "clusterfund", pool: str = "solo", env: dict | None = None
    ) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / f"worker-{len(workers) + 1}.log"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clusterfund.settings.dev",
            "DATABASE_URL": database_url,
            "CONN_MAX_AGE": "0",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the test process reads the files the worker writes
            "CELERY_BROKER_URL": redis_server.url,
            "CELERY_RESULT_BACKEND": redis_server.url,
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",  # mails land in the log
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        command = [sys.executable, "-m", "celery", "-A", app, "worker", "--pool", pool, "--concurrency", "1"]
        command += ["--hostname", f"faults-{len(workers) + 1}@%h", "--without-mingle", "--without-gossip"]
        command += ["--without-heartbeat", "--loglevel", "INFO"]
        with log.open("wb") as sink:
            process = subprocess.Popen(
                command, cwd=BASE_DIR, env=environment, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
            )
        workers.append(process)
        return process, log

    yield start
    for process in workers:
        stop_group(process)


def log_with(log: Path, text: str, count: int = 1):
    """Return a condition for wait_until: the log's text once `text` occurs in it `count` times."""

    def condition():
        content = log.read_text(errors="replace")
        return content if content.count(text) >= count else ""

    return condition


def alive(process: subprocess.Popen, log: Path):
    """Fail with the worker's log if it exited; used inside wait_until conditions."""
    if process.poll() is not None:
        pytest.fail(f"the worker exited ({process.returncode}):\n{log.read_text(errors='replace')}")


# --- Redis stopped while an applicant submits ------------------------------------------------------------


def test_redis_stopped_while_an_applicant_submits_delays_the_receipt_but_loses_nothing(
    client, make_user, redis_server, producer, start_worker
):
    applicant = make_user("applicant")
    draft = complete_application(member=applicant)
    client.force_login(applicant)
    redis_server.stop()

    started = time.monotonic()
    response = client.post(reverse("applications:submit", args=[draft.pk]))
    waited = time.monotonic() - started

    assert response.status_code == 302  # to the receipt page, as with the broker up
    assert waited < FAIL_FAST, f"the applicant waited {waited:.1f}s for a broker that is down"
    print(f"submit with Redis stopped: answered in {waited * 1000:.0f} ms")
    application = Application.objects.get(pk=draft.pk)
    assert application.status == Application.Status.SUBMITTED and application.content_sha256
    rows = list(OutboxMessage.objects.order_by("pk"))
    assert [row.task for row in rows] == ["applications.tasks.render_receipt", "applications.tasks.send_receipt_email"]
    assert all(row.sent_at is None and row.done_at is None for row in rows)
    assert "Connection refused" in rows[0].last_error or "Error 111" in rows[0].last_error
    assert not application.receipt_pdf

    redis_server.start()
    worker, log = start_worker()
    # what Celery beat sends every OUTBOX_DRAIN_INTERVAL seconds; the worker drains the outbox
    producer.tasks["clusterfund.tasks.drain_outbox"].apply_async(ignore_result=True)

    def all_done():
        alive(worker, log)
        return not OutboxMessage.objects.filter(done_at__isnull=True).exists()

    wait_until(all_done, timeout=WORKER_TIMEOUT, what="the outbox rows run on the worker", log=log)
    application.refresh_from_db()
    with application.receipt_pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    mail_row = rows[1]
    finished = f"Task {mail_row.task}[{mail_row.task_id}] succeeded"
    text = wait_until(log_with(log, finished), timeout=15, what="the mail task's log line", log=log)
    assert text.count("Message-ID:") == 1  # one receipt e-mail ...
    assert f"To: {applicant.email}" in text  # ... to the applicant

    # The same message arrives again (a second drain, a redelivery): it is skipped, no second e-mail.
    assert outbox.outbox_drain() == 0  # nothing is due any more
    producer.tasks[mail_row.task].apply_async(kwargs=mail_row.kwargs, task_id=mail_row.task_id, ignore_result=True)
    text = wait_until(log_with(log, finished, count=2), timeout=30, what="the duplicate delivery", log=log)
    assert text.count("Message-ID:") == 1


# --- the worker killed in the middle of a memo render -----------------------------------------------------


def test_a_worker_killed_mid_render_leaves_no_done_document_and_a_new_worker_finishes_it(
    make_user, monkeypatch, tmp_path, redis_server, producer, start_worker
):
    applicant = make_user("applicant")
    secretariat = make_user("secretariat")
    application = application_submit(application=complete_application(member=applicant), by=applicant)
    monkeypatch.setattr(documents, "_REGISTRY", dict(documents._REGISTRY))  # the slow kind for this test only
    register_slow_dossier()
    started, gate = tmp_path / "render-started", tmp_path / "render-gate"
    gate.touch()
    fault_env = {
        "FAULT_RENDER_STARTED": str(started),
        "FAULT_RENDER_GATE": str(gate),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    }
    # the submission's receipt tasks are not this test's: out of the queue and the outbox
    with redis.Redis.from_url(redis_server.url) as client:
        client.flushall()
    OutboxMessage.objects.all().delete()

    document = document_request(kind=SLOW_KIND, subject=application, by=secretariat)
    row = OutboxMessage.objects.get()
    assert row.sent_at is not None and row.kwargs == {"document_id": document.pk}  # handed to Redis after the commit

    # prefork, as in production: the render runs in a child process; the kill takes the whole group
    first, first_log = start_worker(app="tests.clusterfund.fault_worker", pool="prefork", env=fault_env)

    def rendering():
        alive(first, first_log)
        return started.exists()

    wait_until(rendering, timeout=WORKER_TIMEOUT, what="the worker starts the render", log=first_log)
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.RENDERING

    os.killpg(first.pid, signal.SIGKILL)  # the worker and anything it started, with no chance to clean up
    first.wait(timeout=10)
    document.refresh_from_db()
    assert document.status != GeneratedDocument.Status.DONE
    assert (document.file.name, document.sha256, document.size) == ("", "", None)
    folder = Path(settings.MEDIA_ROOT) / "documents" / SLOW_KIND
    assert not folder.exists() or not any(folder.rglob("*.pdf"))  # no half-written file either
    assert OutboxMessage.objects.get().done_at is None

    gate.unlink()  # the next render runs straight through
    second, second_log = start_worker(app="tests.clusterfund.fault_worker", pool="prefork", env=fault_env)

    def done():
        alive(second, second_log)
        document.refresh_from_db()
        assert document.status != GeneratedDocument.Status.FAILED, f"the render failed: {document.error}"
        return document.status == GeneratedDocument.Status.DONE

    # acks late: the killed worker never acknowledged the message, so Redis hands it out again after the
    # visibility timeout, to the new worker
    wait_until(done, timeout=WORKER_TIMEOUT, what="the redelivered render finishes", log=second_log)
    with document.file.open("rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF-")
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert len(content) == document.size
    assert OutboxMessage.objects.get().done_at is not None
    assert f"[{row.task_id}] succeeded" in second_log.read_text()


# --- PostgreSQL restarted while gunicorn serves -------------------------------------------------------------


class PostgreSQL:
    """pg_ctl for the suite's PostgreSQL server, from CLUSTERFUND_PGDATA and CLUSTERFUND_PG_CTL (.ci/run)."""

    def __init__(self, data: Path, pg_ctl: str):
        self.data = data
        self.log = data / "restart-test.log"
        owner = data.owner()
        self.prefix = ["runuser", "-u", owner, "--"] if os.geteuid() == 0 and owner != "root" else []
        self.pg_ctl = pg_ctl
        # the options the server was started with (pg_ctl start does not remember them; restart does)
        options = shlex.split((data / "postmaster.opts").read_text())[1:]
        if "-D" in options:
            at = options.index("-D")
            del options[at : at + 2]
        self.options = shlex.join(options)

    def run(self, *arguments: str) -> None:
        command = [*self.prefix, self.pg_ctl, "-D", str(self.data), "-w", "-t", "60", *arguments]
        subprocess.run(command, check=True, cwd="/", timeout=90, stdout=subprocess.DEVNULL)

    def restart(self) -> None:
        self.run("-m", "fast", "-l", str(self.log), "restart")

    def stop(self) -> None:
        self.run("-m", "fast", "stop")

    def start(self) -> None:
        self.run("-l", str(self.log), "-o", self.options, "start")

    def running(self) -> bool:
        status = subprocess.run([*self.prefix, self.pg_ctl, "-D", str(self.data), "status"], capture_output=True)
        return status.returncode == 0


@pytest.fixture
def postgresql():
    data, pg_ctl = os.environ.get("CLUSTERFUND_PGDATA", ""), os.environ.get("CLUSTERFUND_PG_CTL", "")
    require_or_skip(
        bool(data and pg_ctl and Path(data, "postmaster.opts").exists()),
        "needs CLUSTERFUND_PGDATA and CLUSTERFUND_PG_CTL naming the test PostgreSQL's data directory and pg_ctl",
    )
    require_or_skip(
        int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) <= 1,
        "restarts the PostgreSQL server every test process shares: run it without pytest-xdist's -n",
    )
    server = PostgreSQL(Path(data), pg_ctl)
    yield server
    if not server.running():  # whatever happened, the rest of the suite gets its database back
        server.start()
    connection.close()  # the test process's connection died with the restart; the next query reconnects


def get(url: str) -> tuple[int, dict, str, float]:
    """GET url; return (status, headers, body, seconds taken). A hang fails the test after 15 s."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 (a loopback http URL)
            status, headers, body = response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read().decode()
    return status, headers, body, time.monotonic() - started


def process_children(pid: int) -> set[int]:
    """Return the ids of the processes whose parent is `pid` (gunicorn's workers)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.add(int(stat.parent.name))
    return children


@pytest.fixture
def gunicorn(tmp_path):
    """Yield (process, base URL, log) of gunicorn serving the portal from the test database."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clusterfund.settings.test",  # DEBUG off: the real error pages
        "DATABASE_URL": database_url_for_subprocesses(),
        "CONN_MAX_AGE": "60",  # persistent connections, as in production: the restart kills them
        # Every front page must come from the database here. (The public page cache would also answer while
        # the database is down, and this process's edits cannot invalidate gunicorn's in-memory cache.)
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "gunicorn", "clusterfund.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--timeout", "30", "--access-logfile", "-", "--no-control-socket"]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=environment, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"

    def serving():
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited ({process.returncode}):\n{log.read_text(errors='replace')}")
        try:
            return get(base + "/")[0] == 200
        except OSError:
            return False

    try:
        wait_until(serving, timeout=60, what="gunicorn serves the front page", log=log, interval=0.2)
        yield process, base, log
    finally:
        stop_group(process)


def test_postgresql_restarted_while_gunicorn_serves_fails_cleanly_and_recovers_without_a_restart(postgresql, gunicorn):
    from tests.factories.applications import open_call_with_parts

    call = open_call_with_parts()
    process, base, log = gunicorn
    workers = process_children(process.pid)
    status, _headers, body, _seconds = get(base + "/")
    assert status == 200 and call.title in body  # read from the database, on a connection kept open

    # 1. A restart between two requests: the kept connection is dead; the health check replaces it.
    postgresql.restart()
    status, _headers, body, _seconds = get(base + "/")
    assert status == 200 and call.title in body, log.read_text(errors="replace")

    # 2. Requests while the server is down get the 503 page at once, not a hang and not a 500.
    postgresql.stop()
    answers = [get(base + "/") for _ in range(5)]
    postgresql.start()
    for status, headers, body, seconds in answers:
        assert status == 503, log.read_text(errors="replace")
        assert headers.get("Retry-After") == "30"
        assert "Portalen er midlertidigt utilgængelig" in body
        assert seconds < 3, f"a request took {seconds:.2f}s while the database was down"
    slowest = max(seconds for *_rest, seconds in answers)
    print(f"while PostgreSQL was down: {len(answers)} requests, all 503, slowest {slowest * 1000:.0f} ms")

    # 3. Afterwards every request succeeds again, from the same gunicorn master and worker.
    for _ in range(3):
        status, _headers, body, _seconds = get(base + "/")
        assert status == 200 and call.title in body, log.read_text(errors="replace")
    assert process.poll() is None
    assert process_children(process.pid) == workers  # the worker was not restarted either
