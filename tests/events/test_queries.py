"""Events sort and filter by the bounds of their EDTF dates."""

import datetime

import pytest
from django.db import connection

from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def events():
    return {
        text: EventFactory(date=text, slug=f"event-{index}", published=True)
        for index, text in enumerate(["2017", "2017-08", "2016-09~", "2017-06/2017-08", "2017-08-15", "../2016"])
    }


def slugs_of(events, queryset):
    by_pk = {event.pk: text for text, event in events.items()}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


def test_an_august_2017_window_finds_every_event_whose_range_overlaps_it(events):
    found = slugs_of(events, Event.objects.overlapping(D(2017, 8, 1), D(2017, 8, 31)))
    assert found == {"2017", "2017-08", "2017-06/2017-08", "2017-08-15"}


def test_a_window_open_at_one_end(events):
    assert slugs_of(events, Event.objects.overlapping(None, D(2016, 12, 31))) == {"2016-09~", "../2016"}
    assert slugs_of(events, Event.objects.overlapping(D(2017, 8, 16), None)) == {"2017", "2017-08", "2017-06/2017-08"}


def test_chronological_order_places_an_open_start_by_its_known_end(events):
    ordered = [event.date for event in Event.objects.chronological()]
    assert ordered == ["2016-09~", "../2016", "2017", "2017-06/2017-08", "2017-08", "2017-08-15"]


def test_reverse_chronological_order_is_the_same_order_backwards(events):
    ordered = [event.date for event in Event.objects.reverse_chronological()]
    assert ordered == ["2017-08-15", "2017-08", "2017-06/2017-08", "2017", "../2016", "2016-09~"]


def test_an_events_sort_date_follows_its_date_on_save(events):
    event = events["2017"]
    event.date = "../2015-03"
    event.save()
    event.refresh_from_db()
    assert event.sort_date == D(2015, 3, 31)


def test_name_search_keys_have_trigram_indexes_on_postgresql():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%search_key_trgm"])
            names = {row[0] for row in cursor.fetchall()}
            assert names == {"actors_actor_search_key_trgm", "actors_alias_search_key_trgm"}
        else:
            # SQLite has no trigram indexes; the migration leaves it untouched.
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%search_key_trgm'")
            assert cursor.fetchall() == []
