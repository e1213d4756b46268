#!/usr/bin/env bash
# `make load`: serve with gunicorn on 127.0.0.1, run locust headless against it, print the report.
# Uses DATABASE_URL as it is (PostgreSQL for numbers that mean anything); loads the synthetic
# data set (size S) into an empty database.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
PORT="${LOAD_PORT:-8765}"
USERS="${LOAD_USERS:-50}"
SECONDS_="${LOAD_SECONDS:-60}"
export DEBUG=0 HTTPS=0 ALLOWED_HOSTS=127.0.0.1
export SECRET_KEY="${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}"
# One client address makes all the load: the anonymous throttle would refuse most of it.
export API_ANON_RATE="${API_ANON_RATE:-1000000/minute}" PAGE_ANON_RATE="${PAGE_ANON_RATE:-1000000/minute}"
export LOG_LEVEL=WARNING

$PY manage.py migrate --noinput -v0
# An empty database gets the synthetic record of size S; one that holds a record is used as it is.
if $PY manage.py shell -c "from events.models import Event; raise SystemExit(int(Event.objects.exists()))"; then
    $PY manage.py generate_synthetic --actors "${LOAD_ACTORS:-1000}" --events "${LOAD_EVENTS:-20000}"
fi
$PY manage.py shell -c "from events.models import Event; from actors.models import Actor; \
print(f'Serving {Actor.objects.count():,} actors and {Event.objects.count():,} events.')"
export KZWATCH_LOAD_TOKEN="$($PY tests/load/prepare.py)"

# setsid: gunicorn and its workers in a process group of their own, stopped together at the end.
WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}" HOST_PORT="127.0.0.1:$PORT" setsid make --no-print-directory serve > .load-serve.log 2>&1 &

SERVER=$!
trap 'kill -- -$SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/v1/" && break; sleep 1; done

.venv-load/bin/locust -f tests/load/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
    --users "$USERS" --spawn-rate 10 --run-time "${SECONDS_}s" --only-summary --csv .load --exit-code-on-error 1 \
    2>&1 | tail -n 60 || status=$?
echo
echo "== Aggregated (ms) =="
python3 - <<'PY'
import csv
for row in csv.DictReader(open(".load_stats.csv")):
    if row["Name"] == "Aggregated":
        print(f"requests {row['Request Count']}  errors {row['Failure Count']}  "
              f"p50 {row['50%']}  p95 {row['95%']}  p99 {row['99%']}  rps {float(row['Requests/s']):.1f}")
PY
exit "${status:-0}"
