"""The shared cache in a database table, with a `set` that costs one statement, and counters.

Django's database cache counts the whole table, reads the row and writes it in a
transaction on every `set`: six round trips, paid by each page kept for readers. Here `set`
is one INSERT ... ON CONFLICT DO UPDATE, which PostgreSQL and SQLite both understand, and the
table is measured (and culled) now and then instead of on each: on one `set` in CULL_EVERY, and
on average once in CULL_EVERY_BYTES written, so a large value is measured for more often.
Reads, `add`, `touch`, deletes and the table itself are Django's.

The table holds at most MAX_ENTRIES entries and, with the option MAX_BYTES, that many bytes of
values. A kept page is a hundred times the size of a kept part (an event's list item): a limit
on entries alone had to be set for pages, and culled the parts a page needs long before the
table was large.

The cull is this project's too. Django's drops expired entries, then a share of the rest in key
order, whatever they are: with many pages kept, that took the network's layout ("pages:network:
layout", which costs minutes to make at size M) and the generations. Here, past the expired
entries, those that would expire soonest go first, and an entry kept with no expiry (a
generation, the layout) never goes. Django's `add` calls it too.

`count_hit` adds one to a counter (the API throttle's, per client and window) in one
statement on this cache, and with `add` and `incr` on any other.
"""

import base64
import datetime
import pickle
import random

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils.timezone import now

from .framework import cache_limit, cache_table, cull_frequency

CULL_EVERY = 500
CULL_EVERY_BYTES = 4 * 2**20
# The expiry stored for an entry kept with no timeout (as Django's database cache stores it).
NEVER = datetime.datetime.max.replace(microsecond=0)


def count_hit(cache, key, timeout):
    """Add one to the counter at `key` in `cache`, created at 1 to expire after `timeout`
    seconds; return its new value."""
    # `cache` may be Django's proxy of the default cache: ask what it can do, not what it is.
    if hasattr(cache, "count_hit"):
        return cache.count_hit(key, timeout)
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout)
        return 1


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self.max_bytes = params.get("OPTIONS", {}).get("MAX_BYTES")

    def _quoted_table(self):
        """The connection that writes the table, then the quoted names of the table and of its
        key, value and expiry columns."""
        connection = connections[router.db_for_write(self.cache_model_class)]
        return connection, *map(connection.ops.quote_name, (cache_table(self), "cache_key", "value", "expires"))

    def count_hit(self, key, timeout):
        """`count_hit` in one atomic statement. The counter is kept as a plain number, not a
        pickle, so that the database can add to it: only `count_hit` reads such a key."""
        key = self.make_and_validate_key(key)
        connection, table, key_column, value_column, expires_column = self._quoted_table()
        current = now().replace(microsecond=0)
        expires = current + datetime.timedelta(seconds=timeout)
        expired = f"{table}.{expires_column} < %s"
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) VALUES (%s, '1', %s) "
                f"ON CONFLICT ({key_column}) DO UPDATE SET "
                f"{value_column} = CASE WHEN {expired} THEN '1' "
                f"ELSE CAST(CAST({table}.{value_column} AS integer) + 1 AS text) END, "
                f"{expires_column} = CASE WHEN {expired} THEN excluded.{expires_column} "
                f"ELSE {table}.{expires_column} END "
                f"RETURNING {value_column}",
                [key, *map(connection.ops.adapt_datetimefield_value, (expires, current, current))],
            )
            return int(cursor.fetchone()[0])

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = NEVER
        else:
            expires = datetime.datetime.fromtimestamp(timeout, tz=datetime.UTC if settings.USE_TZ else None)
        connection, table, key_column, value_column, expires_column = self._quoted_table()
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) VALUES (%s, %s, %s) "
                f"ON CONFLICT ({key_column}) DO UPDATE "
                f"SET {value_column} = excluded.{value_column}, {expires_column} = excluded.{expires_column}",
                [key, encoded, connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))],
            )
            if random.random() < 1 / CULL_EVERY + len(encoded) / CULL_EVERY_BYTES:
                self.cull(cursor)

    def _cull(self, db, cursor, now, num):
        """Django's `add` and `touch` cull here when the table holds more than MAX_ENTRIES."""
        self.cull(cursor)

    def cull(self, cursor):
        """Delete the expired entries; then, if more than MAX_ENTRIES entries or MAX_BYTES of
        values are left, the 1/CULL_FREQUENCY of them that expire soonest; never an entry with
        no expiry."""
        connection, table, key_column, value_column, expires_column = self._quoted_table()
        adapt = connection.ops.adapt_datetimefield_value
        cursor.execute(f"DELETE FROM {table} WHERE {expires_column} < %s", [adapt(now().replace(microsecond=0))])
        # Base64 text: as many bytes as characters. PostgreSQL's octet_length reads a long
        # value's size from its header, without reading the value.
        size = "octet_length" if connection.vendor == "postgresql" else "length"
        cursor.execute(f"SELECT COUNT(*), COALESCE(SUM({size}({value_column})), 0) FROM {table}")
        count, stored = cursor.fetchone()
        over = count > cache_limit(self) or (self.max_bytes is not None and stored > self.max_bytes)
        if not over or not cull_frequency(self):
            return
        cursor.execute(
            f"DELETE FROM {table} WHERE {key_column} IN (SELECT {key_column} FROM {table} "
            f"WHERE {expires_column} < %s ORDER BY {expires_column}, {key_column} LIMIT %s)",
            [adapt(NEVER), max(count // cull_frequency(self), 1)],
        )
