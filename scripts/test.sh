#!/usr/bin/env bash
# The whole test suite, on whatever DATABASE_URL / CELERY_BROKER_URL the environment names
# (embedded defaults when unset). Browser tests need /usr/bin/chromium: without it they are
# skipped and listed (CI installs it and never skips them).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var
$PY manage.py collectstatic --noinput -v0
if [ ! -x /usr/bin/chromium ]; then
  echo "NOTE: /usr/bin/chromium not found: browser tests will be SKIPPED."
  echo "      Install it with 'apt-get install -y chromium' to run them."
fi
exec $PY -m pytest "$@"
