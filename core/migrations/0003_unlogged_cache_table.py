"""On PostgreSQL the cache table is UNLOGGED: its writes (a throttle's count on every request, a
kept page or part) go to no write-ahead log, so committing one waits for no disk flush (about
3 ms each on this project's machines, with the worker idle meanwhile). A cache loses nothing
that matters when a crash empties it, and streaming replicas, which do not get unlogged tables,
never read it: core/replica.py sends the cache to the primary."""

from django.db import migrations

TABLE = "kzwatch_cache"


def persistence(setting):
    def change(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(TABLE)} SET {setting}")

    return change


class Migration(migrations.Migration):
    dependencies = [("core", "0002_cache_table")]

    operations = [migrations.RunPython(persistence("UNLOGGED"), persistence("LOGGED"))]
