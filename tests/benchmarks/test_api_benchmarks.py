"""How much the events API costs over the database: the list of ~500 events vs. raw SQL.

Not part of the suite (pyproject's norecursedirs leaves tests/benchmarks out). Run with

    make bench

The second test prints how many times slower the API is than the bare query; nothing here
asserts a time.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from actors.models import Actor
from events.models import Citation, Event, Participation, Source
from tests.factories import EventTypeFactory, ParticipantRoleFactory

pytestmark = pytest.mark.django_db

EVENTS = 500
ROUNDS = 15
MEANS = {}

# The same rows the API reads: every published event with its type, participants and sources.
RAW_SQL = """
    SELECT e.id, e.slug, e.title, t.slug, e.date, e.date_start, e.date_end, e.summary, e.location,
           e.status, e.created_at, e.updated_at, a.slug, a.name, r.slug, s.id, s.title, s.url,
           s.reliability, c.quote, c.credibility
    FROM events_event e
    JOIN events_eventtype t ON t.id = e.type_id
    LEFT JOIN events_participation p ON p.event_id = e.id
    LEFT JOIN actors_actor a ON a.id = p.actor_id
    LEFT JOIN events_participantrole r ON r.id = p.role_id
    LEFT JOIN events_citation c ON c.event_id = e.id
    LEFT JOIN events_source s ON s.id = c.source_id
    WHERE e.status = 'published'
    ORDER BY e.date_start, e.date_end, e.id
"""


@pytest.fixture
def published_events():
    event_type, role = EventTypeFactory(slug="arrest"), ParticipantRoleFactory(slug="accused")
    actors = [Actor(slug=f"actor-{n}", name=f"Actor {n}") for n in range(EVENTS)]
    events = [
        Event(slug=f"event-{n}", title=f"Event {n}", type=event_type, date=f"20{n % 20:02d}-08", status="published")
        for n in range(EVENTS)
    ]
    sources = [Source(slug=f"source-{n}", title=f"Source {n}", url=f"https://example.org/{n}") for n in range(EVENTS)]
    for row in (*actors, *events, *sources):
        row.fill_derived_fields()
    actors, events = Actor.objects.bulk_create(actors), Event.objects.bulk_create(events)
    sources = Source.objects.bulk_create(sources)
    Participation.objects.bulk_create(
        Participation(event=event, actor=actor, role=role) for event, actor in zip(events, actors, strict=True)
    )
    Citation.objects.bulk_create(
        Citation(event=event, source=source, quote="q", credibility=2)
        for event, source in zip(events, sources, strict=True)
    )


def raw_query():
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL)
        return cursor.fetchall()


def api_walk(client):
    """Every page of the events list, 200 events a page."""
    url, events = "/api/v1/events/?page_size=200", 0
    while url:
        body = client.get(url).json()
        events += len(body["results"])
        url = body["next"]
    return events


def test_raw_sql_reading_the_events(benchmark, published_events):
    rows = benchmark.pedantic(raw_query, rounds=ROUNDS, iterations=1, warmup_rounds=1)

    assert len({row[0] for row in rows}) == EVENTS
    MEANS["raw"] = benchmark.stats.stats.mean


def test_events_api_list_against_raw_sql(benchmark, published_events, capsys):
    client = APIClient()
    # Clear the anonymous throttle before each round; the benchmark is not a flood test.
    events = benchmark.pedantic(api_walk, args=(client,), setup=cache.clear, rounds=ROUNDS, warmup_rounds=1)

    assert events == EVENTS
    MEANS["api"] = benchmark.stats.stats.mean
    if "raw" in MEANS:
        ratio = MEANS["api"] / MEANS["raw"]
        benchmark.extra_info["times_raw_sql"] = round(ratio, 1)
        with capsys.disabled():
            print(
                f"\nevents list, {EVENTS} events in pages of 200: API {MEANS['api'] * 1000:.1f} ms, "
                f"raw SQL {MEANS['raw'] * 1000:.1f} ms, ratio {ratio:.1f}x ({connection.vendor})"
            )
