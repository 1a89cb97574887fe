"""Settings for benchmarks/load.py: production settings on plain HTTP over loopback, plus one minimal view.

Production's security redirects and secure cookies assume TLS in front; on loopback there is none.
Everything else (DEBUG off, whitenoise with the manifest, the middleware stack) is what production runs.
"""

import os

os.environ.setdefault("SECRET_KEY", "load-benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from clusterfund.settings.prod import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ROOT_URLCONF = "benchmarks.load_urls"
STATIC_ROOT = os.environ["LOAD_STATIC_ROOT"]
# Fifty applicants log in once each; a load test is not a brute-force attack.
AXES_ENABLED = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
