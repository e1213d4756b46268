"""The shared cache in a database table, with a `set` that costs one statement.

Django's database cache counts the whole table, reads the row and writes it in a
transaction on every `set`: six round trips, paid by each anonymous API request (the
throttle keeps its count here) and by each page kept for readers. Here `set` is one
INSERT ... ON CONFLICT DO UPDATE, which PostgreSQL and SQLite both understand, and the
table is counted (and culled past MAX_ENTRIES) on one `set` in CULL_EVERY instead of on each.
Reads, `add`, `touch`, deletes and the table itself are Django's.
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

CULL_EVERY = 50


class DatabaseCache(DjangoDatabaseCache):
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.datetime.max
        else:
            expires = datetime.datetime.fromtimestamp(timeout, tz=datetime.UTC if settings.USE_TZ else None)
        database = router.db_for_write(self.cache_model_class)
        connection = connections[database]
        quote = connection.ops.quote_name
        table, key_column, value_column, expires_column = map(quote, (self._table, "cache_key", "value", "expires"))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) VALUES (%s, %s, %s) "
                f"ON CONFLICT ({key_column}) DO UPDATE "
                f"SET {value_column} = excluded.{value_column}, {expires_column} = excluded.{expires_column}",
                [key, encoded, connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))],
            )
            if random.randrange(CULL_EVERY) == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(database, cursor, now().replace(microsecond=0), count)
