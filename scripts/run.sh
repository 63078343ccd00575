#!/usr/bin/env bash
# Start Lianzheng on its embedded defaults: SQLite and a filesystem Celery broker under
# var/, a Celery worker and Celery beat in the background, the web app on :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
mkdir -p var
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput -v0
$PY manage.py seed_demo

.venv/bin/celery -A lianzheng worker --loglevel=INFO --concurrency=2 >var/worker.log 2>&1 &
.venv/bin/celery -A lianzheng beat --loglevel=INFO --pidfile= >var/beat.log 2>&1 &
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT INT TERM
echo
echo "Lianzheng: http://127.0.0.1:8000  (worker log: var/worker.log, beat log: var/beat.log; Ctrl+C stops all)"
$PY manage.py runserver "${LIANZHENG_ADDR:-127.0.0.1:8000}"
