"""The timeline's default order, newest first, as partial indexes on published events.

PostgreSQL only: SQLite cannot index `NULLS LAST`, and the record there is small. A backward
scan of `event_published_sort_idx` would put undated events first, so the order needs its own.
"""

from django.db import migrations

INDEXES = {
    "event_published_newest_idx": "(sort_date DESC NULLS LAST, id DESC NULLS LAST)",
    "event_type_newest_idx": "(type_id, sort_date DESC NULLS LAST, id DESC NULLS LAST)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, columns in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON events_event {columns} WHERE status = 'published'"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0004_office_seats"),
        ("events", "0010_performance_indexes"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
