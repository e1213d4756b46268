"""Backups of the whole database, written and read back a row at a time (memory does not grow with them).

A backup is JSON Lines (`jsonl-exact`: one row a line, ids kept, times to the microsecond),
gzipped when its name ends in .gz. Each model's rows are read in chunks of CHUNK_ROWS, with
the many-to-many links of each chunk in one more query (Django's serializer asks once per row
otherwise: a million queries for the events' `related` at size L). A restore inserts rows in
batches of CHUNK_ROWS, raw (no `save()`, no signals, no derived field or timestamp
recomputed), and can also read an earlier release's backup, one JSON array, an object at a time.
"""

import contextlib
import gzip
import json
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.db import DatabaseError, connections, router, transaction
from django.db.models import Prefetch

from core import page_cache
from core.framework import raw_delete

FORMAT = "jsonl-exact"
# Rows per query when writing and per insert batch when restoring: a few MB of Python objects.
CHUNK_ROWS = 2000


class RowNotStored(Exception):
    """A backed-up row the database refuses (e.g. PostgreSQL and a text past its max_length,
    which SQLite kept)."""


def open_backup(path, mode):
    return gzip.open(path, mode, encoding="utf-8") if Path(path).suffix == ".gz" else open(path, mode, encoding="utf-8")


# Writing


def backed_up_models(database):
    """Every model `dumpdata --all` writes, in its order (a model after those it refers to)."""
    app_list = [(config, None) for config in apps.get_app_configs() if config.models_module is not None]
    models = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [model for model in models if not model._meta.proxy and router.allow_migrate_model(database, model)]


def auto_links(model):
    """The many-to-many fields of `model` whose links the serializer writes: those of a table
    Django made (a `through` model of ours is a model of its own in the backup)."""
    return [field for field in model._meta.many_to_many if field.remote_field.through._meta.auto_created]


def model_rows(model, database):
    # Base managers: no row a default manager hides is left out, of the model or of its links.
    rows = model._base_manager.using(database).order_by(model._meta.pk.name)
    links = [
        Prefetch(field.name, queryset=field.related_model._base_manager.using(database).only("pk"))
        for field in auto_links(model)
    ]
    return rows.prefetch_related(*links).iterator(chunk_size=CHUNK_ROWS)


@contextlib.contextmanager
def snapshot(database):
    """On PostgreSQL, one read-only transaction that sees the database as it stood at its start,
    so that a backup taken while curators write refers to no row it lacks. SQLite reads each
    model's rows in one statement and would lock writers out for a whole transaction."""
    connection = connections[database]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield  # (in a transaction already, a test's: its reads are the backup's)
        return
    with transaction.atomic(using=database), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def backup_write(*, path, database):
    """Write every row of `database` to `path`; a half-written backup never takes its name."""
    path = Path(path)
    partial = path.with_name(f"{path.stem}.partial{path.suffix}")
    rows = (row for model in backed_up_models(database) for row in model_rows(model, database))
    with snapshot(database), open_backup(partial, "wt") as stream:
        serializers.serialize(FORMAT, rows, stream=stream)
    partial.replace(path)
    return path


# Reading


def json_array_items(stream, read_chars=64 * 1024):
    """The objects of one JSON array (an earlier release's backup), parsed one at a time from
    `stream`, holding about one object and `read_chars` in memory."""
    decoder = json.JSONDecoder()
    buffer, position, ended = stream.read(read_chars).lstrip(), 1, False
    if not buffer.startswith("["):
        raise ValueError("Not a backup: neither JSON Lines nor a JSON array.")
    while True:
        while position < len(buffer) and buffer[position] in " \t\r\n,":
            position += 1
        if position < len(buffer) and buffer[position] == "]":
            return
        try:
            item, position = decoder.raw_decode(buffer, position)
        except json.JSONDecodeError:
            if ended:
                raise
            # The object runs past what was read: read as much again as is held, so that a
            # large object is parsed a few times over, not once per `read_chars`.
            more = stream.read(max(read_chars, len(buffer) - position))
            buffer, position, ended = buffer[position:] + more, 0, not more
            continue
        yield item


def backup_objects(path, database):
    """The rows of the backup at `path` as Django's deserialized objects, one at a time."""
    with open_backup(path, "rt") as stream:
        is_array = stream.read(256).lstrip().startswith("[")
    with open_backup(path, "rt") as stream:
        if is_array:
            yield from serializers.deserialize("python", json_array_items(stream), using=database)
        else:
            yield from serializers.deserialize(FORMAT, stream, using=database)


def populated_models(database):
    """Models whose rows only use, never `migrate`, creates (users, history) that hold a row."""
    models = [get_user_model()] + [model for model in apps.get_models() if model.__name__.startswith("Historical")]
    return [model._meta.label for model in models if model._base_manager.using(database).exists()]


def insert(model, fields, rows, database):
    """Insert `rows` (tuples of Python values for `fields`) as they are: no `save()`, so no
    signal, history row or recomputed timestamp (`bulk_create` would renew `auto_now` times)."""
    connection = connections[database]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    params = [
        [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)] for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def insert_batch(rows, database):
    """Insert deserialized `rows` of one model, then their many-to-many links."""
    model = type(rows[0].object)
    fields = [field for field in model._meta.local_concrete_fields if not field.generated]
    insert(model, fields, [[getattr(row.object, field.attname) for field in fields] for row in rows], database)
    for field in auto_links(model):
        through = field.remote_field.through._meta
        ends = [through.get_field(field.m2m_field_name()), through.get_field(field.m2m_reverse_field_name())]
        links = [(row.object.pk, other) for row in rows for other in row.m2m_data.get(field.name, ())]
        if links:
            insert(through.model, ends, links, database)


def store(rows, database):
    """Insert a batch; if the database refuses it, insert its rows one by one to name the one it refuses."""
    try:
        with transaction.atomic(using=database):
            insert_batch(rows, database)
        return
    except DatabaseError:
        pass
    for row in rows:
        try:
            with transaction.atomic(using=database):
                insert_batch([row], database)
        except DatabaseError as error:
            raise RowNotStored(f"{row.object._meta.label} id={row.object.pk} cannot be stored here: {error}") from None


def empty(model, database):
    """Remove the rows `migrate` seeded (content types, permissions, groups, the vocabulary),
    whose ids may differ from the backup's, and their many-to-many links. A raw DELETE: no
    signals, so no deletion history rows; no cascade (constraints are checked at the end)."""
    raw_delete(model._base_manager.using(database).all(), database)
    for field in auto_links(model):
        raw_delete(field.remote_field.through._base_manager.using(database).all(), database)


def load_rows(objects, database):
    """Store the deserialized `objects` in batches of consecutive rows of one model; each
    model is emptied when its first row comes. Returns the models stored and the row count."""
    loaded, batch, count = [], [], 0
    for row in objects:
        model = type(row.object)
        if batch and (type(batch[0].object) is not model or len(batch) >= CHUNK_ROWS):
            store(batch, database)
            batch = []
        if model not in loaded:
            empty(model, database)
            loaded.append(model)
        batch.append(row)
        count += 1
    if batch:
        store(batch, database)
    return loaded, count


def backup_restore(*, path, database):
    """Load the backup at `path` into `database` in one transaction; returns (rows, kinds)."""
    connection = connections[database]
    with transaction.atomic(using=database):
        with connection.constraint_checks_disabled():
            loaded, count = load_rows(backup_objects(path, database), database)
        tables = [model._meta.db_table for model in loaded]
        tables += [field.remote_field.through._meta.db_table for model in loaded for field in auto_links(model)]
        connection.check_constraints(table_names=tables)
        # PostgreSQL's id sequences must continue after the restored ids.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
                cursor.execute(statement)
        # Rows written without signals: what readers and curators were kept before is not this record.
        page_cache.changed()
    return count, len(loaded)
