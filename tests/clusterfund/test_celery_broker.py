"""Tasks travel through the real Redis broker to a real Celery worker.

The worker is the command docker-compose runs (`celery -A clusterfund worker`), started as a
subprocess on a queue of its own, so no other worker on the same Redis can take the tasks. It
runs with console e-mail, so a sent e-mail shows up in its output. The test process only sends:
it uses a separate Celery app configured from the project's settings, so the project's app (eager
in the rest of the suite) is never changed.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeoutError

from clusterfund.tasks import ping, send_email_task

pytestmark = pytest.mark.redis

BASE_DIR = Path(__file__).resolve().parents[2]
RESULT_TIMEOUT = 60  # seconds; a cold worker start on a busy 2-core CI machine takes a few


@pytest.fixture(scope="module")
def queue() -> str:
    return f"test-broker-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def worker(redis_url, queue, tmp_path_factory):
    """Yield a running `celery -A clusterfund worker` process and the path of its output."""
    output = tmp_path_factory.mktemp("celery-worker") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clusterfund.settings.dev",
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "clusterfund",
        "worker",
        "--queues",
        queue,
        "--hostname",
        f"{queue}@%h",
        "--pool",
        "solo",
        "--concurrency",
        "1",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]
    with output.open("wb") as sink:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        yield process, output
    finally:
        if process.poll() is None:
            process.terminate()  # warm shutdown: finish the current task, then exit
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def producer(redis_url, queue):
    """Yield a Celery app that sends to Redis and is never eager; the project's app is untouched."""
    app = Celery("clusterfund-broker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
        task_default_queue=queue,
        result_expires=300,
    )
    app.finalize()  # registers the project's shared tasks on this app
    with app:
        yield app


def worker_log_containing(worker, text: str, timeout: float = 15) -> str:
    """Return the worker's log once it contains `text`; fail with the log if it does not in time."""
    deadline = time.monotonic() + timeout
    while True:
        log = worker[1].read_text()
        if text in log:
            return log
        if time.monotonic() > deadline:
            pytest.fail(f"{text!r} not in the worker's log within {timeout}s:\n{log}")
        time.sleep(0.1)


def wait_for(result, worker):
    """Return the task's result, failing early with the worker's output if the worker died."""
    process, output = worker
    deadline = time.monotonic() + RESULT_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited ({process.returncode}):\n{output.read_text()}")
        try:
            # The test thread is no task, but Celery's process-wide "inside a task" flag can be left set
            # by eager tasks that ran concurrently in the live server's threads during browser tests.
            return result.get(timeout=1, disable_sync_subtasks=False)
        except CeleryTimeoutError:
            if time.monotonic() > deadline:
                pytest.fail(f"no result within {RESULT_TIMEOUT}s; worker output:\n{output.read_text()}")


def test_worker_answers_ping_through_redis(producer, worker):
    result = producer.tasks[ping.name].delay()

    assert wait_for(result, worker) == "pong"
    assert result.status == "SUCCESS"


def test_send_email_task_runs_on_the_worker(producer, worker, mailoutbox):
    subject = f"Kvittering {uuid.uuid4().hex[:8]}"

    result = producer.tasks[send_email_task.name].delay(
        subject=subject, body="Ansøgningen er modtaget.", to=["ansoeger@klyngeportalen.example"]
    )

    assert wait_for(result, worker) == 1
    # the result can arrive before the worker has flushed its log lines
    log = worker_log_containing(worker, f"Task {send_email_task.name}[{result.id}] succeeded")
    assert f"Subject: {subject}" in log  # the console backend wrote it in the worker
    assert mailoutbox == []  # not run in this process: it went through the broker
