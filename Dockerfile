# The marketplace image: gunicorn serving the app, also used for the Celery worker and beat
# (see docker-compose.yml). Static files are collected at build time, hashed and compressed.
#   docker build -t sponsorship-marketplace .
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    STATIC_ROOT=/app/static \
    PORT=8000

# WeasyPrint (agreements, invoices, receipts as PDF) needs Pango and HarfBuzz, and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-cjk \
        libjpeg62-turbo libopenjp2-7 zlib1g \
    && rm -rf /var/lib/apt/lists/*

# `manage.py backup` and `restore` run pg_dump / pg_restore, which must be at least the server's
# major version (docker-compose.yml runs postgres:16). Debian bookworm ships only client 15, so
# the client comes from the PostgreSQL project's own Debian repository (apt.postgresql.org).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-16 \
    && apt-get purge -y curl && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. The project declares no Python
# packages of its own (`packages = []`): its code runs from /app.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# The six languages' compiled catalogues (Babel, pure Python).
RUN pybabel compile --domain=django --directory=locale --statistics

# collectstatic needs settings that load with DEBUG off: a throwaway key and host, and a DATA_DIR
# that is removed afterwards. STATICFILES_MANIFEST defaults to on when DEBUG is off.
RUN DEBUG=false \
    SECRET_KEY=collectstatic-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ \
    ALLOWED_HOSTS=build DATA_DIR=/tmp/build-data DATABASE_URL= REDIS_URL= \
    python manage.py collectstatic --noinput --verbosity 0 \
    && rm -rf /tmp/build-data \
    && mkdir -p /data /beat /backups \
    && chown app:app /data /beat /backups \
    && chmod 0755 docker/entrypoint.sh

USER app
VOLUME ["/data"]
EXPOSE ${PORT}

HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "docker/healthcheck.py"]

ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["web"]
