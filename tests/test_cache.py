"""The database cache's one-statement `set` (core/cache.py): what Django's does, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import cache as cache_module
from core.cache import DatabaseCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def table_cache():
    return DatabaseCache("kzwatch_cache", {"OPTIONS": {"MAX_ENTRIES": 5, "CULL_FREQUENCY": 2}})


def test_set_writes_and_replaces_in_one_query_each(table_cache):
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
