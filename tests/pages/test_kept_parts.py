"""The costly parts of pages, kept for everyone per generation of what they may see
(`core.page_cache.part`): the timeline's axis, the events' list items, an actor's neighbourhood
and the board. Kept, they are not made again; any change their reader could see makes them
afresh at once; a draft renews the curators' parts and leaves the readers' alone."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import page_cache, replica
from events.models import Event
from tests.factories import ActorFactory, EventFactory, MembershipFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def readers_cache_off(settings):
    """As `make load LOAD_CACHE=off`, and as signed-in curators always are: no whole page kept."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.PART_CACHE_SECONDS = 600


@pytest.fixture
def curators(client, curator):
    client.force_login(curator)
    return client


def fetch(client, path):
    """The page's text and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def grouped(sql):
    """Whether the axis's GROUP BY over the matching events ran."""
    return any("GROUP BY" in statement and "events_event" in statement for statement in sql)


def read_participants(sql):
    """Whether the events' participants were read (their list items made)."""
    return any(statement.startswith('SELECT "events_participation"."id"') for statement in sql)


def test_a_kept_timeline_neither_counts_its_axis_nor_reads_its_items_again(client):
    EventFactory.create_batch(3, published=True)
    ParticipationFactory()

    first, first_sql = fetch(client, "/")
    second, second_sql = fetch(client, "/")

    assert grouped(first_sql) and read_participants(first_sql)
    assert not grouped(second_sql) and not read_participants(second_sql)
    assert len(second_sql) < len(first_sql)
    assert second == first


def test_a_draft_renews_the_curators_parts_and_keeps_the_readers(curators):
    EventFactory(title="Published before", published=True)
    anonymous = Client()
    fetch(anonymous, "/")
    fetch(curators, "/")

    EventFactory(title="A curator's new draft")

    readers, readers_sql = fetch(anonymous, "/")
    curators_page, curators_sql = fetch(curators, "/")
    assert "A curator&#x27;s new draft" not in readers and not grouped(readers_sql)
    assert "A curator&#x27;s new draft" in curators_page and grouped(curators_sql)
    assert "2 dated events match" in curators_page.replace("<strong>", "").replace("</strong>", "")


def test_a_published_change_renews_everyones_items_and_axis(client, curators):
    event = EventFactory(title="Old title", published=True)
    anonymous = Client()
    for reader in (anonymous, curators):
        assert "Old title" in fetch(reader, "/")[0]

    event.title = "New title"
    event.save()
    ParticipationFactory(event=event, actor=ActorFactory(name="Newly Named"))

    for reader in (anonymous, curators):
        page, sql = fetch(reader, "/")
        assert "New title" in page and "Old title" not in page
        assert "Newly Named" in page
        assert grouped(sql)


def test_an_actors_page_keeps_its_neighbourhood_and_items_until_a_change(client):
    person = ActorFactory(slug="the-person", name="The Person")
    event = EventFactory(title="Met at the congress", date="2017-08", published=True)
    ParticipationFactory(event=event, actor=person)
    ParticipationFactory(event=event, actor=ActorFactory(name="The Other"))

    _, first_sql = fetch(client, "/actors/the-person/")
    second, second_sql = fetch(client, "/actors/the-person/")
    assert "Met at the congress" in second and "The Other" in second
    assert len(second_sql) < len(first_sql) and not read_participants(second_sql)

    ParticipationFactory(event=event, actor=ActorFactory(name="A Third"))
    third, _ = fetch(client, "/actors/the-person/")
    assert "A Third" in third


def test_the_board_is_kept_per_day_and_comparison_until_a_change(client):
    MembershipFactory(actor=ActorFactory(name="Early Member"), faction__name="Old Guard", start_date="2015")
    _, first_sql = fetch(client, "/as-of/2017-09-01/?compare=2014-01-01")
    second, second_sql = fetch(client, "/as-of/2017-09-01/?compare=2014-01-01")
    assert "Early Member" in second and len(second_sql) < len(first_sql)
    # Another day, another comparison: made for its own.
    assert "Early Member" not in fetch(client, "/as-of/2014-01-01/")[0]

    MembershipFactory(actor=ActorFactory(name="Late Member"), faction__name="New Wave", start_date="2016")
    assert "Late Member" in fetch(client, "/as-of/2017-09-01/?compare=2014-01-01")[0]


def test_parts_are_not_kept_when_made_from_a_replica_behind_their_generation(monkeypatch):
    made = []
    anonymous = AnonymousUser()

    def make():
        made.append(1)
        return "part"

    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "reads_replica", lambda: True)
    monkeypatch.setattr(replica, "written_position", lambda: "0/A0")
    replica_shows = [False]
    monkeypatch.setattr(replica, "shows", lambda position: position == "0/A0" and replica_shows[0])
    page_cache.changed()
    page_cache.part("lagging", (), anonymous, make)
    page_cache.part("lagging", (), anonymous, make)
    assert len(made) == 2

    replica_shows[0] = True
    page_cache.part("lagging", (), anonymous, make)
    page_cache.part("lagging", (), anonymous, make)
    assert len(made) == 3


def test_with_no_keeping_every_part_is_made_afresh(settings):
    settings.PART_CACHE_SECONDS = 0
    made = []
    anonymous = AnonymousUser()
    for _ in range(2):
        page_cache.each_part("items", [1, 2], anonymous, lambda keys: made.extend(keys) or dict.fromkeys(keys, ""))
    assert made == [1, 2, 1, 2]


def test_an_event_gone_since_its_page_was_read_leaves_the_list():
    from pages.views.event_items import with_items

    kept, gone = EventFactory(published=True), EventFactory(published=True)
    events = list(Event.objects.filter(pk__in=[kept.pk, gone.pk]).order_by("pk"))
    gone.delete()
    with_items(events, None)
    assert events[0].item and events[1].item == ""
