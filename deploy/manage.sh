#!/usr/bin/env bash
# Run a manage.py command with the production environment, as the services see it:
#   sudo -u bimtek deploy/manage.sh migrate
# The env file is /etc/bimtek/bimtek.env unless BIMTEK_ENV_FILE names another.
set -euo pipefail
cd "$(dirname "$0")/.."
set -a
# shellcheck source=/dev/null
. "${BIMTEK_ENV_FILE:-/etc/bimtek/bimtek.env}"
set +a
exec .venv/bin/python manage.py "$@"
