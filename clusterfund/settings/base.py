"""Settings shared by every environment. Every value that differs between machines comes from
the environment (django-environ); see the table in README.md."""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-never-used-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "crispy_forms",
    "django_htmx",
    "clusterfund",
    "applications",
    "review",
    "allocation",
    "governance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "clusterfund.middleware.DanishByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "clusterfund.middleware.RefuseNulInQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # axes must come last: it inspects the result of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clusterfund.urls"
WSGI_APPLICATION = "clusterfund.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clusterfund.context_processors.roles",
            ],
        },
    },
]


def database(url: str, *, conn_max_age: int) -> dict:
    """Return the default database's settings for `url`.

    A persistent connection (CONN_MAX_AGE) is checked before a request reuses it (CONN_HEALTH_CHECKS), so a
    PostgreSQL restart costs the requests made while it is down (a 503 page) and nothing after it; on
    PostgreSQL the check looks at the connection's socket first (clusterfund/postgresql: no round trip while
    the server has said nothing). The connect timeout keeps a request from hanging on a database host that
    does not answer.
    """
    config = env.db_url_config(url)
    config["ATOMIC_REQUESTS"] = False
    config["CONN_MAX_AGE"] = conn_max_age
    config["CONN_HEALTH_CHECKS"] = True
    if config.get("ENGINE") == "django.db.backends.postgresql":
        config["ENGINE"] = "clusterfund.postgresql"
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    return config


DATABASES = {
    "default": database(
        env("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env.int("CONN_MAX_AGE", default=0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "clusterfund.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "clusterfund.backends.PortalBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "full_name"]},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"

# django-axes: five failed logins for the same e-mail from the same address lock it for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Failures count against the address as stored (lower-case), so another case cannot dodge the lockout.
AXES_USERNAME_CALLABLE = "clusterfund.models.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live outside static/ and are served only through permission-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "uploads")))
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": env("FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Django's cache: this process's memory unless CACHE_URL says otherwise. Production sets it to Redis
# (docker-compose.yml), so that every web process shares one cache and one edit invalidates everywhere.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Anonymous visitors' front and call pages are cached at most this long (0 turns the cache off).
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Klyngeportalen <noreply@klyngeportalen.example>")

# Celery: with no broker configured, tasks run eagerly in-process (make run needs no server).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A broker that is down must not hold the applicant's request: one quick retry, a short connect timeout,
# then the outbox keeps the task (clusterfund/outbox.py). An unacknowledged message (a worker killed
# mid-task) goes back to the queue after the visibility timeout; it must be longer than any task runs.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# kombu sweeps the unacknowledged messages every `unacked_restore_interval` seconds but scans Redis only
# on every `unacked_restore_throttle`-th sweep (10 × 10 s by default); one scan a sweep, so a message
# comes back within the visibility timeout plus one interval.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2.0),
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,
}
# A document still waiting or rendering after this long has lost its worker (a render takes seconds);
# the secretariat may then queue it again from its page instead of waiting out the visibility timeout.
DOCUMENT_STALLED_AFTER = dt.timedelta(minutes=env.int("DOCUMENT_STALLED_AFTER_MINUTES", default=15))
# Periodic tasks (the compose file's beat service). Times are CELERY_TIMEZONE (Europe/Copenhagen).
CELERY_BEAT_SCHEDULE = {
    "drain-outbox": {
        "task": "clusterfund.tasks.drain_outbox",
        "schedule": env.float("OUTBOX_DRAIN_INTERVAL", default=60.0),
    },
    "governance-send-reminders": {
        "task": "governance.tasks.send_reminders_task",
        "schedule": crontab(hour=6, minute=30),
    },
}
# The outbox (clusterfund/outbox.py): a row handed to the broker but not done after this many seconds is
# sent again, at most this many times in all.
OUTBOX_REDELIVER_AFTER = env.int("OUTBOX_REDELIVER_AFTER", default=15 * 60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)

CRISPY_ALLOWED_TEMPLATE_PACKS = ("dkfds",)
CRISPY_TEMPLATE_PACK = "dkfds"
# Django's form renderer with <input>, <textarea> and <select> written in Python (clusterfund/form_renderer.py).
FORM_RENDERER = "clusterfund.form_renderer.PortalFormRenderer"

# Content-Security-Policy: everything from our own origin, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Database sessions, read with one plain SELECT (clusterfund/sessions.py).
SESSION_ENGINE = "clusterfund.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page's meta tag, not the cookie.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Upload rules (applications).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
