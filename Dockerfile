# Klyngeportalen: one image for web (gunicorn), worker and beat (Celery); see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=clusterfund.settings.prod \
    MEDIA_ROOT=/app/var/uploads

# WeasyPrint's system libraries (Pango, HarfBuzz) and fonts for the PDF memos; gettext for
# compilemessages. IBM Plex, the design system's typeface, comes vendored in static/vendor/dkfds.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation \
        gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The runtime set only: the test and development tools (requirements-dev.txt) stay out of the image,
# as do tests/ and benchmarks/ (.dockerignore).
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# The prod settings refuse to load without these; at build time nothing connects anywhere, so
# placeholders (used for this one command only, never baked into the image) are enough.
RUN SECRET_KEY=build-time-placeholder-not-used-at-runtime \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build-time-placeholder.sqlite3 \
    sh -c 'python manage.py compilemessages --ignore=.venv -v0 \
        && python manage.py collectstatic --noinput -v0'

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home klynge \
    && mkdir -p /app/var/uploads \
    && chown -R klynge:klynge /app/var
USER klynge

EXPOSE 8000
# Workers: gunicorn reads WEB_CONCURRENCY (default 1); other flags via GUNICORN_CMD_ARGS.
CMD ["gunicorn", "clusterfund.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60"]
