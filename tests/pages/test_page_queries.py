"""Every page makes as many queries for 500 linked rows as for 5, and none counts rows."""

import pytest
from django.test import Client

from actors.models import Actor, Faction, Membership, Office, Tenure
from events.models import Citation, Event, Participation, Source
from pages import network_layout
from tests.api.test_queries import add_rows, derived, queries_for
from tests.factories import ActorFactory, EventFactory, FactionFactory, OfficeFactory, ParticipantRoleFactory

# The views' own queries, not the readers' cache (tests/test_page_cache.py covers that).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


@pytest.fixture
def hubs():
    """One actor, faction, office and event that every added row links to."""
    return {
        "actor": ActorFactory(slug="hub", name="Hub Person"),
        "faction": FactionFactory(slug="hub-faction"),
        "office": OfficeFactory(slug="hub-office"),
        "event": EventFactory(slug="hub-event", date="2017-08", status="published"),  # cited below
    }


def add_linked_rows(hubs, start, stop):
    """Rows `start`..`stop` of every kind (as the API test makes them), each linked to the hubs too."""
    add_rows(start, stop)
    numbers = range(start, stop)
    actors = list(Actor.objects.filter(slug__in=[f"actor-{n}" for n in numbers]).order_by("pk"))
    events = list(Event.objects.filter(slug__in=[f"event-{n}" for n in numbers]).order_by("pk"))
    factions = list(Faction.objects.filter(slug__in=[f"faction-{n}" for n in numbers]).order_by("pk"))
    offices = list(Office.objects.filter(slug__in=[f"office-{n}" for n in numbers]).order_by("pk"))
    sources = list(Source.objects.filter(slug__in=[f"source-{n}" for n in numbers]).order_by("pk"))
    role = ParticipantRoleFactory(slug="witness")
    hub_actor, hub_event = hubs["actor"], hubs["event"]
    Participation.objects.bulk_create(Participation(event=event, actor=hub_actor, role=role) for event in events)
    Membership.objects.bulk_create(
        derived(
            Membership(actor=actor, faction=hubs["faction"], start_date="2015", end_date="2018", ended_by=event)
            for actor, event in zip(actors, events, strict=True)
        )
    )
    Membership.objects.bulk_create(
        derived(Membership(actor=hub_actor, faction=faction, start_date="2014") for faction in factions)
    )
    Tenure.objects.bulk_create(
        derived(
            Tenure(actor=actor, office=hubs["office"], start_date="2016-08/2016-12", started_by=event)
            for actor, event in zip(actors, events, strict=True)
        )
    )
    Tenure.objects.bulk_create(
        derived(Tenure(actor=hub_actor, office=office, start_date="2015", end_date="2016-09~") for office in offices)
    )
    Citation.objects.bulk_create(
        Citation(event=hub_event, source=source, quote="q", credibility=3) for source in sources
    )
    Event.objects.filter(pk__in=[event.pk for event in events]).update(parent=hub_event)
    Link = Event.related.through
    Link.objects.bulk_create(
        link
        for event in events
        for link in (Link(from_event=hub_event, to_event=event), Link(from_event=event, to_event=hub_event))
    )


PAGES = [
    "/",
    "/?ordering=date&q=event&date_after=2016&date_before=2018&faction=hub-faction&type=arrest",
    "/?actor=hub",
    "/?lanes=faction",
    "/?lanes=person&faction=hub-faction",
    "/actors/",
    "/actors/?q=actor",
    "/factions/",
    "/offices/",
    "/actors/hub/",
    "/factions/hub-faction/",
    "/offices/hub-office/",
    "/events/hub-event/",
    "/as-of/2017-09-15/",
    "/as-of/2017-09-15/?compare=2015-06-01",
    "/as-of/2017-09-15/factions/hub-faction/",
    "/as-of/2017-09-15/offices/hub-office/?not_on=2015-06-01",
    "/network/2017-09-15/",
    "/network/2017-09-15/?together=1&compare=2015-06-01",
    "/network/2017-09-15/?actor=hub&depth=2&together=1",
    "/network/2017-09-15/?faction=hub-faction",
    "/network/",
]


def settled():
    """Keep the network's layout for the record as it now is, as `manage.py layout_network`
    does: a request makes or extends it once per change of the record, not on every request."""
    network_layout.positions()


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_page_makes_the_same_queries_for_5_rows_as_for_500(hubs, path):
    client = Client()
    add_linked_rows(hubs, 0, 5)
    settled()
    few = queries_for(client, path)
    add_linked_rows(hubs, 5, 500)
    settled()
    many = queries_for(client, path)

    assert len(few) == len(many), "\n".join(many)
    assert not any("COUNT(*)" in sql.upper() for sql in many)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/actors/hub/",
        "/events/hub-event/",
        "/as-of/2017-09-15/?compare=2015-06-01",
        "/network/2017-09-15/?together=1",
    ],
)
def test_staff_page_makes_the_same_queries_for_5_rows_as_for_500(hubs, curator, path):
    client = Client()
    client.force_login(curator)
    add_linked_rows(hubs, 0, 5)
    settled()
    few = queries_for(client, path)
    add_linked_rows(hubs, 5, 500)
    settled()
    many = queries_for(client, path)

    assert len(few) == len(many), "\n".join(many)
