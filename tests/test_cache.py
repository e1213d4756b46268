"""The database cache (core/cache.py): a one-statement `set` that does what Django's does, and counters."""

import datetime

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import now

from core import cache as cache_module
from core.cache import DatabaseCache, count_hit

pytestmark = pytest.mark.django_db


@pytest.fixture
def table_cache():
    return DatabaseCache("kzwatch_cache", {"OPTIONS": {"MAX_ENTRIES": 5, "CULL_FREQUENCY": 2}})


def test_set_writes_and_replaces_in_one_query_each(table_cache, monkeypatch):
    # Now and then a set also measures the table, chosen at random: not one of these two.
    monkeypatch.setattr(cache_module, "CULL_EVERY", 10**9)
    monkeypatch.setattr(cache_module, "CULL_EVERY_BYTES", 10**18)
    with CaptureQueriesContext(connection) as queries:
        table_cache.set("answer", {"count": 1})
        table_cache.set("answer", {"count": 2})

    assert len(queries.captured_queries) == 2
    assert table_cache.get("answer") == {"count": 2}


def test_timeouts_hold(table_cache):
    table_cache.set("for-ever", "kept", timeout=None)
    table_cache.set("gone", "soon", timeout=-1)

    assert table_cache.get("for-ever") == "kept"
    assert table_cache.get("gone") is None
    assert table_cache.add("gone", "again") is True


def test_the_table_is_culled_past_its_limit(table_cache, monkeypatch):
    monkeypatch.setattr(cache_module, "CULL_EVERY", 1)

    for number in range(8):
        table_cache.set(f"key-{number}", number)

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM kzwatch_cache")
        assert cursor.fetchone()[0] <= 6
    assert table_cache.get("key-7") == 7


def test_the_cull_drops_the_soonest_to_expire_and_never_what_is_kept_for_good(table_cache, monkeypatch):
    """Django's cull took a share in key order: the network's layout ("pages:network:layout")
    went before any page kept for minutes."""
    monkeypatch.setattr(cache_module, "CULL_EVERY", 10**9)
    monkeypatch.setattr(cache_module, "CULL_EVERY_BYTES", 10**18)
    table_cache.set("pages:network:layout", "minutes to make", timeout=None)
    table_cache.set("a-generation", 1, timeout=None)
    for number in range(6):
        table_cache.set(f"page-{number}", number, timeout=60 * (number + 1))

    with connection.cursor() as cursor:
        table_cache.cull(cursor)

    assert table_cache.get("pages:network:layout") == "minutes to make"
    assert table_cache.get("a-generation") == 1
    # Half of the eight go (CULL_FREQUENCY 2), the soonest to expire first.
    assert [table_cache.get(f"page-{number}") for number in range(6)] == [None] * 4 + [4, 5]


def test_the_table_holds_at_most_max_bytes_of_values_and_a_large_value_is_measured_for_sooner(monkeypatch):
    """Many small parts fit where a limit on entries alone, set for pages, culled them."""
    limits = {"MAX_ENTRIES": 1_000, "MAX_BYTES": 40_000, "CULL_FREQUENCY": 2}
    sized = DatabaseCache("kzwatch_cache", {"OPTIONS": limits})
    monkeypatch.setattr(cache_module, "CULL_EVERY", 10**9)
    monkeypatch.setattr(cache_module, "CULL_EVERY_BYTES", 10_000)  # a 10 KB value measures the table
    for number in range(100):
        sized.set(f"part-{number}", "x" * 100, timeout=3600 + number)
    assert stored_bytes() < 40_000 and sized.get("part-0") == "x" * 100  # small: 100 entries kept
    for number in range(20):
        sized.set(f"page-{number}", "y" * 7_500, timeout=7200 + number)
    assert stored_bytes() <= 40_000 + 10_000
    assert sized.get("page-19") == "y" * 7_500
    assert sized.get("part-0") is None  # the soonest to expire went first


def test_django_s_add_culls_the_project_s_way(table_cache):
    """Django's own cull, which `add` runs past MAX_ENTRIES, went in key order, layout and all."""
    table_cache.set("a-generation", 1, timeout=None)
    for number in range(6):
        table_cache.set(f"page-{number}", number, timeout=60 * (number + 1))
    table_cache.add("z-new", "added")
    assert table_cache.get("a-generation") == 1
    assert table_cache.get("page-5") == 5 and table_cache.get("page-0") is None


def stored_bytes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT SUM(LENGTH(value)) FROM kzwatch_cache")
        return cursor.fetchone()[0]


def test_on_postgresql_the_table_writes_no_write_ahead_log():
    """Unlogged: a count or a kept page commits without waiting for a disk flush."""
    if connection.vendor != "postgresql":
        pytest.skip("UNLOGGED tables are PostgreSQL's; SQLite has no write-ahead flush per cache write to spare")
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = 'kzwatch_cache'")
        assert cursor.fetchone() == ("u",)


def test_a_counter_adds_one_in_one_query_per_hit(table_cache):
    with CaptureQueriesContext(connection) as queries:
        counts = [table_cache.count_hit("hits", 60) for _ in range(3)]

    assert counts == [1, 2, 3]
    assert len(queries.captured_queries) == 3


def test_an_expired_counter_starts_again_at_one(table_cache):
    table_cache.count_hit("hits", 60)
    table_cache.count_hit("hits", 60)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE kzwatch_cache SET expires = %s WHERE cache_key = %s",
            [connection.ops.adapt_datetimefield_value(now() - datetime.timedelta(seconds=1)), ":1:hits"],
        )

    assert table_cache.count_hit("hits", 60) == 1
    assert table_cache.count_hit("hits", 60) == 2


def test_counters_count_the_same_on_any_cache():
    memory = LocMemCache("counters", {})

    assert [count_hit(memory, "hits", 60) for _ in range(3)] == [1, 2, 3]


def test_the_default_cache_counts_in_one_query(settings):
    settings.CACHES = {"default": {"BACKEND": "core.cache.DatabaseCache", "LOCATION": "kzwatch_cache"}}
    with CaptureQueriesContext(connection) as queries:
        count_hit(cache, "hits", 60)

    assert len(queries.captured_queries) == 1
