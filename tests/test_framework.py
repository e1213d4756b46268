"""What core/framework.py reaches in Django and DRF still does what kzwatch relies on: each test
fails when an upgrade changes the private part behind one of its doors."""

import datetime

import pytest
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connection, connections
from django.db.models.query import ModelIterable
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from actors.models import Actor
from core import framework
from core.cache import DatabaseCache
from events.models import Event, Participation
from tests.factories import ActorFactory, EventFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


class Marking(ModelIterable):
    def __iter__(self):
        for row in super().__iter__():
            row.marked = chunk_size_seen.append(framework.chunk_size(self)) or True
            yield row


chunk_size_seen = []


def test_a_queryset_makes_its_rows_with_the_iterable_given_and_knows_its_chunks():
    ActorFactory.create_batch(3)
    chunk_size_seen.clear()
    rows = list(framework.use_iterable(Actor.objects.all(), Marking))
    assert [row.marked for row in rows] == [True] * 3 and chunk_size_seen == [None] * 3
    chunk_size_seen.clear()
    assert len(list(framework.use_iterable(Actor.objects.all(), Marking).iterator(chunk_size=2))) == 3
    assert set(chunk_size_seen) == {2}


def test_compiled_sql_runs_again_and_its_rows_convert_as_the_queryset_gives_them():
    EventFactory(date="2017-08-15", published=True)
    queryset = Event.objects.values_list("date_start", "slug")
    compiler, sql, params = framework.compiled(queryset)
    with connections[compiler.using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = framework.converted(compiler, cursor.fetchall())
    assert rows == list(queryset) and isinstance(rows[0][0], datetime.date)


def test_a_serializers_readable_fields_leave_out_the_write_only():
    class Shape(serializers.Serializer):
        shown = serializers.CharField()
        secret = serializers.CharField(write_only=True)

    assert [field.field_name for field in framework.readable_fields(Shape())] == ["shown"]


def test_the_database_cache_names_its_table_limit_and_cull_frequency():
    cache = DatabaseCache("kzwatch_cache", {"OPTIONS": {"MAX_ENTRIES": 3, "CULL_FREQUENCY": 2}})
    assert isinstance(cache, DjangoDatabaseCache)
    assert framework.cache_table(cache) == "kzwatch_cache" and framework.cache_limit(cache) == 3
    assert framework.cull_frequency(cache) == 2


def test_a_raw_delete_sends_no_signals_so_writes_no_history():
    actor = ActorFactory()
    history = Actor.history.count()
    framework.raw_delete(Actor.objects.filter(pk=actor.pk), "default")
    assert not Actor.objects.filter(pk=actor.pk).exists()
    assert Actor.history.count() == history


def test_rows_set_as_prefetched_answer_all_without_a_query():
    event = EventFactory(published=True)
    participation = ParticipationFactory(event=event)
    fresh = Event.objects.get(pk=event.pk)
    framework.set_prefetched(fresh, "participations", [participation])
    with CaptureQueriesContext(connection) as queries:
        assert list(fresh.participations.all()) == [participation]
    assert len(queries) == 0
    assert isinstance(participation, Participation)


PRIVATE_PARTS = (
    "._iterable_class",
    ".chunked_fetch",
    ".get_compiler(",
    ".results_iter(",
    "._readable_fields",
    "._table",
    "._max_entries",
    "._cull_frequency",
    "._raw_delete(",
    "_prefetched_objects_cache",
    "._result_cache",
    "._prefetch_done",
)


def test_nothing_but_the_door_reaches_the_private_parts():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    apps = ["core", "actors", "events", "leads", "exchange", "pages", "bench", "kzwatch"]
    offences = [
        f"{path.relative_to(root)}: {part}"
        for app in apps
        for path in (root / app).rglob("*.py")
        if path.name != "framework.py"
        for part in PRIVATE_PARTS
        if part in path.read_text(encoding="utf-8")
    ]
    assert offences == []
