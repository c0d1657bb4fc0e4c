#!/bin/sh
# Container entry point.
#   migrate        migrate the database and complete the staff roles, then exit (compose runs it
#                  once, before any web, worker or beat container starts)
#   web            serve the app with gunicorn on 0.0.0.0:$PORT
#   anything else  run it as given (celery -A worker worker ..., manage.py commands, a shell)
set -eu

if [ "${1:-web}" = "migrate" ]; then
    python manage.py migrate --noinput
    exec python manage.py ensure_roles
fi

if [ "${1:-web}" = "web" ]; then
    # gthread: a worker waiting on PostgreSQL or Redis serves other requests meanwhile, and
    # clients keep their connections (docker-compose puts nginx in front, which buffers bodies).
    exec gunicorn marketplace.wsgi:application \
        --bind "0.0.0.0:${PORT:-8000}" \
        --workers "${WEB_CONCURRENCY:-2}" \
        --worker-class gthread \
        --threads "${GUNICORN_THREADS:-4}" \
        --timeout 60 \
        --graceful-timeout 30 \
        --keep-alive 5 \
        --access-logfile -
fi

exec "$@"
