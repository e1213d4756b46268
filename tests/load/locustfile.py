"""`make load`: analysts reading pages and the API, and 5% token writes, against 127.0.0.1 only.

Never collected by pytest (not named test_*); runs in .venv-load, which has locust and no Django.
KZWATCH_LOAD_TOKEN is the writer's token (tests/load/prepare.py makes it). KZWATCH_LOAD_HOSTS
names the app servers ("http://127.0.0.1:8765 http://127.0.0.1:8766"; locust's --host alone by
default): requests go to each in turn, as a round-robin front would send them, and each server's
own numbers are written to KZWATCH_LOAD_SERVERS_CSV at the end.
"""

import csv
import itertools
import os
import random
import uuid
from urllib.parse import urlparse

import requests
from locust import HttpUser, between, events, task
from locust.stats import RequestStats

TOKEN = os.environ.get("KZWATCH_LOAD_TOKEN", "")
HOSTS = os.environ.get("KZWATCH_LOAD_HOSTS", "").split()
SERVERS_CSV = os.environ.get("KZWATCH_LOAD_SERVERS_CSV", ".load_servers.csv")
SLUGS = {"actors": [], "events": [], "factions": []}
BOARD_DATES = ["2017-09-01", "2019-06-01", "2022-01-15", "2023-06-01"]
# Filled in before the run: the servers in turn, the one Host they all answer as, and each one's numbers.
ROUND_ROBIN = {"servers": None, "host": None}
PER_SERVER = {}


@events.test_start.add_listener
def before_the_run(environment, **kwargs):
    """Against this machine only; the slugs to read are fetched once, before any user starts."""
    hosts = HOSTS or [environment.host]
    for host in hosts:
        name = urlparse(host).hostname
        if name not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"make load runs against this machine only, not {name}")
        PER_SERVER[host] = RequestStats()
    ROUND_ROBIN["servers"] = itertools.cycle(hosts)
    # A front passes its own Host to every server: the readers' kept pages (whose key holds the
    # host) are then shared by the servers, as they would be behind it.
    ROUND_ROBIN["host"] = urlparse(hosts[0]).netloc
    for kind in SLUGS:
        response = requests.get(f"{hosts[0]}/api/v1/{kind}/?page_size=200", timeout=60)
        response.raise_for_status()
        SLUGS[kind] = [row["slug"] for row in response.json()["results"]] or ["none"]


@events.request.add_listener
def count_per_server(request_type, name, response_time, response_length, exception=None, url=None, **kwargs):
    parts = urlparse(url or "")
    stats = PER_SERVER.get(f"{parts.scheme}://{parts.netloc}")
    if stats is None:
        return
    stats.log_request(request_type, name, response_time, response_length)
    if exception is not None:
        stats.log_error(request_type, name, exception)


@events.test_stop.add_listener
def write_per_server(environment, **kwargs):
    """One row per server: requests, errors, p50/p95/p99 (ms) and requests a second, as locust counts them."""
    with open(SERVERS_CSV, "w", newline="") as output:
        writer = csv.writer(output)
        writer.writerow(["Server", "Request Count", "Failure Count", "50%", "95%", "99%", "Requests/s"])
        for host, stats in PER_SERVER.items():
            total = stats.total
            percentiles = [total.get_response_time_percentile(share) for share in (0.5, 0.95, 0.99)]
            writer.writerow([host, total.num_requests, total.num_failures, *percentiles, f"{total.total_rps:.1f}"])


class Analyst(HttpUser):
    """One analyst: 95% reads of pages and the API, 5% token writes (drafts)."""

    wait_time = between(0.5, 2)

    def read(self, path, name):
        return self.client.get(next(ROUND_ROBIN["servers"]) + path, name=name, headers={"Host": ROUND_ROBIN["host"]})

    @task(20)
    def timeline(self):
        self.read("/", name="/ (timeline)")

    @task(10)
    def timeline_filtered(self):
        actor = random.choice(SLUGS["actors"])
        self.read(f"/?actor={actor}&date_after=2017", name="/?actor=&date_after= (timeline)")

    @task(15)
    def actor_page(self):
        self.read(f"/actors/{random.choice(SLUGS['actors'])}/", name="/actors/<slug>/")

    @task(5)
    def actor_index(self):
        self.read("/actors/", name="/actors/")

    @task(10)
    def event_page(self):
        self.read(f"/events/{random.choice(SLUGS['events'])}/", name="/events/<slug>/")

    @task(8)
    def board(self):
        self.read(f"/as-of/{random.choice(BOARD_DATES)}/", name="/as-of/<date>/")

    @task(2)
    def board_compared(self):
        first, second = random.sample(BOARD_DATES, 2)
        self.read(f"/as-of/{second}/?compare={first}", name="/as-of/<date>/?compare=")

    @task(15)
    def api_events(self):
        self.read("/api/v1/events/?ordering=-date", name="/api/v1/events/")

    @task(5)
    def api_events_filtered(self):
        actor = random.choice(SLUGS["actors"])
        self.read(f"/api/v1/events/?actor={actor}", name="/api/v1/events/?actor=")

    @task(5)
    def api_actor(self):
        self.read(f"/api/v1/actors/{random.choice(SLUGS['actors'])}/", name="/api/v1/actors/<slug>/")

    @task(5)
    def api_write(self):
        """About 5% of requests: a curator's token creates a draft event."""
        if not TOKEN:
            return
        body = {
            "title": f"Load test draft {uuid.uuid4().hex[:12]}",
            "type": "arrest",
            "date": "2024-05",
            "status": "draft",
        }
        headers = {"Authorization": f"Token {TOKEN}", "Host": ROUND_ROBIN["host"]}
        server = next(ROUND_ROBIN["servers"])
        self.client.post(f"{server}/api/v1/events/", json=body, headers=headers, name="/api/v1/events/ (POST)")
