"""Lists make as many queries for 500 rows as for 5, and none of them counts rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Actor, Alias, Faction, Identifier, Membership, Office, Tenure
from core.models import Tombstone
from events.models import Citation, Event, Participation, Source
from tests.api.clients import anonymous_client, token_client
from tests.factories import EventTypeFactory, ParticipantRoleFactory

# The views' own queries, not the readers' cache (tests/test_page_cache.py covers that).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def derived(rows):
    """Rows with their derived columns filled, as save() would (bulk_create skips it)."""
    rows = list(rows)
    for row in rows:
        row.fill_derived_fields()
    return rows


def add_rows(start, stop):
    """Rows `start`..`stop` of every kind, linked to each other, made in bulk."""
    numbers = range(start, stop)
    event_type, role = EventTypeFactory(slug="arrest"), ParticipantRoleFactory(slug="accused")
    actors = Actor.objects.bulk_create(
        derived(Actor(slug=f"actor-{n}", name=f"Actor {n}", kind="person", birth_date="1960") for n in numbers)
    )
    Alias.objects.bulk_create(derived(Alias(actor=actor, name=f"Alias {actor.pk}", lang="ru") for actor in actors))
    Identifier.objects.bulk_create(
        Identifier(actor=actor, scheme="wikidata", identifier=f"Q{actor.pk}") for actor in actors
    )
    factions = Faction.objects.bulk_create(Faction(slug=f"faction-{n}", name=f"Faction {n}") for n in numbers)
    offices = Office.objects.bulk_create(
        Office(slug=f"office-{n}", name=f"Office {n}", organization=actors[0]) for n in numbers
    )
    Membership.objects.bulk_create(
        derived(
            Membership(actor=actor, faction=faction, start_date="2016")
            for actor, faction in zip(actors, factions, strict=True)
        )
    )
    Tenure.objects.bulk_create(
        derived(
            Tenure(actor=actor, office=office, start_date="2016-09", predecessor=actors[0], appointed_by=actors[0])
            for actor, office in zip(actors[1:], offices[1:], strict=True)
        )
    )
    sources = Source.objects.bulk_create(
        derived(Source(slug=f"source-{n}", title=f"Source {n}", url=f"https://example.org/{n}") for n in numbers)
    )
    events = Event.objects.bulk_create(
        derived(
            Event(slug=f"event-{n}", title=f"Event {n}", type=event_type, date="2017-08", status="published")
            for n in numbers
        )
    )
    Participation.objects.bulk_create(
        Participation(event=event, actor=actor, role=role) for event, actor in zip(events, actors, strict=True)
    )
    Citation.objects.bulk_create(
        Citation(event=event, source=source, quote="q", credibility=2)
        for event, source in zip(events, sources, strict=True)
    )
    # Symmetric links, both directions, as related.add() would store them.
    Link = Event.related.through
    Link.objects.bulk_create(
        link
        for event, other in zip(events[1:], events, strict=False)
        for link in (Link(from_event=event, to_event=other), Link(from_event=other, to_event=event))
    )
    Tombstone.objects.bulk_create(Tombstone(kind="actor", key=f"gone-{n}", reason="deleted") for n in numbers)


def queries_for(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in context.captured_queries]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/?page_size=200",
        "/api/v1/events/?page_size=200&q=actor&date_after=2017&updated_since=2000-01-01T00:00:00Z",
        "/api/v1/actors/?page_size=200",
        "/api/v1/factions/?page_size=200",
        "/api/v1/factions/?page_size=200&at=2017-01-01",
        "/api/v1/offices/?page_size=200",
        "/api/v1/memberships/?page_size=200",
        "/api/v1/memberships/?page_size=200&at=2017-01-01",
        "/api/v1/tenures/?page_size=200",
        "/api/v1/tenures/?page_size=200&at=2017-01-01",
        "/api/v1/sources/?page_size=200",
        "/api/v1/tombstones/?page_size=200",
        "/api/v1/events/?format=csv",
        "/api/v1/export/popolo.json",
        "/feeds/events/",
    ],
)
def test_anonymous_list_makes_the_same_queries_for_5_rows_as_for_500(path):
    client = anonymous_client()
    add_rows(0, 5)
    few = queries_for(client, path)
    add_rows(5, 500)
    many = queries_for(client, path)

    assert len(few) == len(many), "\n".join(many)
    assert not any("COUNT(" in sql.upper() for sql in many)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/?page_size=200",
        "/api/v1/actors/?page_size=200",
        "/api/v1/memberships/?page_size=200",
        "/api/v1/tenures/?page_size=200",
        "/api/v1/factions/?page_size=200",
        "/api/v1/offices/?page_size=200",
    ],
)
def test_curator_list_makes_the_same_queries_for_5_rows_as_for_500(curator, path):
    client = token_client(curator)
    add_rows(0, 5)
    few = queries_for(client, path)
    add_rows(5, 500)
    many = queries_for(client, path)

    assert len(few) == len(many), "\n".join(many)


def test_event_list_takes_four_queries():
    add_rows(0, 5)

    # events, participations (with actors and roles), citations (with sources), related events.
    assert len(queries_for(anonymous_client(), "/api/v1/events/")) == 4
