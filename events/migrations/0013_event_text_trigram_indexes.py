"""Trigram indexes for the events' free-text search (`q`) on PostgreSQL.

`title__icontains` is `UPPER(title::text) LIKE UPPER(...)` there: these indexes hold the same
expressions, so a word found in few events is found without reading every event. SQLite
scans the table.
"""

from django.db import migrations

INDEXES = {
    "events_event_title_upper_trgm": "title",
    "events_event_summary_upper_trgm": "summary",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for index, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON events_event USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("events", "0012_editor_views_what_it_publishes"), ("actors", "0002_name_search_trigram_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
