"""Every event newest first (drafts and retractions too), as the admin's event list orders it.

At a million events the list sorted the whole table for each page (a second a request); the
partial indexes of migration 0011 hold published events only. PostgreSQL only, as they are.
"""

from django.db import migrations

INDEX = "event_newest_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON events_event (sort_date DESC NULLS LAST, id DESC NULLS LAST)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("events", "0018_help_text")]

    operations = [migrations.RunPython(create_index, drop_index)]
