"""The settings: production passes Django's deploy checks and refuses to start half-configured,
the Content-Security-Policy forbids inline code, and Celery is eager exactly when no broker is set."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PROD_REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
# Variables the settings read that would change what these subprocesses see.
SETTINGS_ENV = (
    *PROD_REQUIRED,
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
)


def prod_env(**overrides: str) -> dict[str, str]:
    """Return a complete production environment, with overrides; a None value removes the variable."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_ENV}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="klyngeportalen.example",
        DATABASE_URL="postgres://klyngeportalen@127.0.0.1:5432/clusterfund",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Return the finished process of `python <args>` run in the project root."""
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_prod_settings_pass_the_deploy_checks():
    process = run(["manage.py", "check", "--deploy", "--settings=clusterfund.settings.prod"], prod_env())

    assert process.returncode == 0, process.stderr
    assert "System check identified no issues" in process.stdout + process.stderr


@pytest.mark.parametrize("variable", PROD_REQUIRED)
def test_prod_settings_refuse_to_start_without(variable):
    process = run(["manage.py", "check", "--settings=clusterfund.settings.prod"], prod_env(**{variable: None}))

    assert process.returncode != 0
    assert "ImproperlyConfigured" in process.stderr
    assert f"Set the environment variable {variable}" in process.stderr


@pytest.mark.django_db
def test_front_page_has_a_strict_content_security_policy(client):
    response = client.get("/")

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    html = response.content.decode()
    # The policy would block these, so the page must not need them.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"\s(?:style|on[a-z]+)=", html) == []


@pytest.mark.parametrize(
    ("broker_url", "eager"),
    [("", True), ("redis://127.0.0.1:6379/0", False)],
    ids=["no-broker", "redis-broker"],
)
def test_celery_runs_tasks_eagerly_only_without_a_broker(broker_url, eager):
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from clusterfund.celery import app\n"
        "print(settings.CELERY_TASK_ALWAYS_EAGER, app.conf.task_always_eager)\n"
    )
    env = prod_env(DJANGO_SETTINGS_MODULE="clusterfund.settings.dev", CELERY_BROKER_URL=broker_url)

    process = run(["-c", code], env)

    assert process.returncode == 0, process.stderr
    assert process.stdout.split() == [str(eager), str(eager)]
