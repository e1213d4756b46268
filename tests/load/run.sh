#!/usr/bin/env bash
# `make load`: serve with gunicorn on 127.0.0.1, run locust headless against it, print the report.
# Uses DATABASE_URL and CACHE_URL as they are (PostgreSQL for numbers that mean anything); loads
# the synthetic data set (size S) into an empty database.
# LOAD_PORTS="8765 8766": one app server per port (`make serve SERVE_PORTS=...`), requests in turn
# to each, and a line per server in the report. LOAD_CACHE=off: no page kept for readers.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
PORTS="${LOAD_PORTS:-${LOAD_PORT:-8765}}"
USERS="${LOAD_USERS:-50}"
SECONDS_="${LOAD_SECONDS:-60}"
export DEBUG=0 HTTPS=0 ALLOWED_HOSTS=127.0.0.1
export SECRET_KEY="${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}"
# One client address makes all the load: the anonymous throttle would refuse most of it.
export API_ANON_RATE="${API_ANON_RATE:-1000000/minute}" PAGE_ANON_RATE="${PAGE_ANON_RATE:-1000000/minute}"
export LOG_LEVEL=WARNING
if [ "${LOAD_CACHE:-on}" = off ]; then export PAGE_CACHE_SECONDS=0; fi

$PY manage.py migrate --noinput -v0
# An empty database gets the synthetic record of size S; one that holds a record is used as it is.
if $PY manage.py shell -c "from events.models import Event; raise SystemExit(int(Event.objects.exists()))"; then
    $PY manage.py generate_synthetic --actors "${LOAD_ACTORS:-1000}" --events "${LOAD_EVENTS:-20000}"
fi
$PY manage.py shell -c "from events.models import Event; from actors.models import Actor; \
print(f'Serving {Actor.objects.count():,} actors and {Event.objects.count():,} events.')"
export KZWATCH_LOAD_TOKEN="$($PY tests/load/prepare.py)"

# setsid: gunicorn and its workers in a process group of their own, stopped together at the end.
WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}" SERVE_PORTS="$PORTS" setsid make --no-print-directory serve > .load-serve.log 2>&1 &

SERVER=$!
trap 'kill -- -$SERVER 2>/dev/null || true' EXIT
HOSTS=""
# The first `make serve` of a large record lays out its network first (minutes at size M).
for port in $PORTS; do
    until curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/"; do
        kill -0 "$SERVER" 2>/dev/null || { echo "make serve stopped:"; tail -n 20 .load-serve.log; exit 1; }
        sleep 1
    done
    HOSTS="$HOSTS http://127.0.0.1:$port"
done
HOSTS="${HOSTS# }"
export KZWATCH_LOAD_HOSTS="$HOSTS" KZWATCH_LOAD_SERVERS_CSV=.load_servers.csv
echo "Readers' cache ${LOAD_CACHE:-on}; $HOSTS; ${WEB_CONCURRENCY:-2} workers each; $USERS users for ${SECONDS_} s."

.venv-load/bin/locust -f tests/load/locustfile.py --headless --host "${HOSTS%% *}" \
    --users "$USERS" --spawn-rate 10 --run-time "${SECONDS_}s" --only-summary --csv .load --exit-code-on-error 1 \
    2>&1 | tail -n 60 || status=$?
echo
echo "== Per server and aggregated (ms) =="
python3 - <<'PY'
import csv

def line(label, row):
    print(f"{label:<24} requests {row['Request Count']}  errors {row['Failure Count']}  "
          f"p50 {row['50%']}  p95 {row['95%']}  p99 {row['99%']}  rps {float(row['Requests/s']):.1f}")

for row in csv.DictReader(open(".load_servers.csv")):
    line(row["Server"], row)
for row in csv.DictReader(open(".load_stats.csv")):
    if row["Name"] == "Aggregated":
        line("Aggregated", row)
PY
exit "${status:-0}"
