"""`make load`: analysts reading pages and the API, and 5% token writes, against 127.0.0.1 only.

Never collected by pytest (not named test_*); runs in .venv-load, which has locust and no Django.
KZWATCH_LOAD_TOKEN is the writer's token (tests/load/prepare.py makes it).
"""

import os
import random
import uuid
from urllib.parse import urlparse

from locust import HttpUser, between, events, task

TOKEN = os.environ.get("KZWATCH_LOAD_TOKEN", "")
SLUGS = {"actors": [], "events": [], "factions": []}
BOARD_DATES = ["2017-09-01", "2019-06-01", "2022-01-15", "2023-06-01"]


@events.test_start.add_listener
def refuse_remote_targets(environment, **kwargs):
    host = urlparse(environment.host).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"make load runs against this machine only, not {host}")


class Analyst(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        if not SLUGS["actors"]:
            for kind in SLUGS:
                response = self.client.get(f"/api/v1/{kind}/?page_size=200", name=f"/api/v1/{kind}/ (setup)")
                SLUGS[kind] = [row["slug"] for row in response.json()["results"]] or ["none"]
        self.has_board = self.probe("/as-of/2020-01-01/")
        self.has_actor_index = self.probe("/actors/")

    def probe(self, path):
        """Whether a page exists yet (the board and the index come with the analysts' pages)."""
        with self.client.get(path, name=f"{path} (probe)", catch_response=True) as response:
            found = response.status_code == 200
            response.success()
        return found

    @task(20)
    def timeline(self):
        self.client.get("/", name="/ (timeline)")

    @task(10)
    def timeline_filtered(self):
        actor = random.choice(SLUGS["actors"])
        self.client.get(f"/?actor={actor}&date_after=2017", name="/?actor=&date_after= (timeline)")

    @task(20)
    def actor_page(self):
        self.client.get(f"/actors/{random.choice(SLUGS['actors'])}/", name="/actors/<slug>/")

    @task(5)
    def actor_index(self):
        if self.has_actor_index:
            self.client.get("/actors/", name="/actors/")

    @task(10)
    def event_page(self):
        self.client.get(f"/events/{random.choice(SLUGS['events'])}/", name="/events/<slug>/")

    @task(10)
    def board(self):
        if self.has_board:
            self.client.get(f"/as-of/{random.choice(BOARD_DATES)}/", name="/as-of/<date>/")

    @task(15)
    def api_events(self):
        self.client.get("/api/v1/events/?ordering=-date", name="/api/v1/events/")

    @task(5)
    def api_events_filtered(self):
        actor = random.choice(SLUGS["actors"])
        self.client.get(f"/api/v1/events/?actor={actor}", name="/api/v1/events/?actor=")

    @task(10)
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
