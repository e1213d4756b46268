"""`make load`: analysts reading pages and the API, and 5% token writes, against 127.0.0.1 only.

Never collected by pytest (not named test_*); runs in .venv-load, which has locust and no Django.
KZWATCH_LOAD_TOKEN is the writer's token (tests/load/prepare.py makes it).
"""

import os
import random
import uuid
from urllib.parse import urlparse

import requests
from locust import HttpUser, between, events, task

TOKEN = os.environ.get("KZWATCH_LOAD_TOKEN", "")
SLUGS = {"actors": [], "events": [], "factions": []}
BOARD_DATES = ["2017-09-01", "2019-06-01", "2022-01-15", "2023-06-01"]


@events.test_start.add_listener
def before_the_run(environment, **kwargs):
    """Against this machine only; the slugs to read are fetched once, before any user starts."""
    host = urlparse(environment.host).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"make load runs against this machine only, not {host}")
    for kind in SLUGS:
        response = requests.get(f"{environment.host}/api/v1/{kind}/?page_size=200", timeout=60)
        response.raise_for_status()
        SLUGS[kind] = [row["slug"] for row in response.json()["results"]] or ["none"]


class Analyst(HttpUser):
    """One analyst: 95% reads of pages and the API, 5% token writes (drafts)."""

    wait_time = between(0.5, 2)

    @task(20)
    def timeline(self):
        self.client.get("/", name="/ (timeline)")

    @task(10)
    def timeline_filtered(self):
        actor = random.choice(SLUGS["actors"])
        self.client.get(f"/?actor={actor}&date_after=2017", name="/?actor=&date_after= (timeline)")

    @task(15)
    def actor_page(self):
        self.client.get(f"/actors/{random.choice(SLUGS['actors'])}/", name="/actors/<slug>/")

    @task(5)
    def actor_index(self):
        self.client.get("/actors/", name="/actors/")

    @task(10)
    def event_page(self):
        self.client.get(f"/events/{random.choice(SLUGS['events'])}/", name="/events/<slug>/")

    @task(8)
    def board(self):
        self.client.get(f"/as-of/{random.choice(BOARD_DATES)}/", name="/as-of/<date>/")

    @task(2)
    def board_compared(self):
        first, second = random.sample(BOARD_DATES, 2)
        self.client.get(f"/as-of/{second}/?compare={first}", name="/as-of/<date>/?compare=")

    @task(15)
    def api_events(self):
        self.client.get("/api/v1/events/?ordering=-date", name="/api/v1/events/")

    @task(5)
    def api_events_filtered(self):
        actor = random.choice(SLUGS["actors"])
        self.client.get(f"/api/v1/events/?actor={actor}", name="/api/v1/events/?actor=")

    @task(5)
    def api_actor(self):
        self.client.get(f"/api/v1/actors/{random.choice(SLUGS['actors'])}/", name="/api/v1/actors/<slug>/")

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
        self.client.post(
            "/api/v1/events/", json=body, headers={"Authorization": f"Token {TOKEN}"}, name="/api/v1/events/ (POST)"
        )
