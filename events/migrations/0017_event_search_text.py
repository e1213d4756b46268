"""An event's title and summary, folded as names are, for the text search (`q`) in any script.

Existing events get the folded text `Event.fill_derived_fields` gives a saved one; on
PostgreSQL a trigram index holds it, as it holds the actors' folded names (actors 0002), so a
word found in few events is found without reading every event. SQLite scans the table.
"""

from django.db import migrations, models

from actors.names import fold

INDEX = "events_event_search_text_trgm"
BATCH = 1000


def fill_search_text(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    batch = []
    for event in Event.objects.only("pk", "title", "summary").order_by("pk").iterator(chunk_size=BATCH):
        event.search_text = fold(f"{event.title} {event.summary}")
        batch.append(event)
        if len(batch) == BATCH:
            Event.objects.bulk_update(batch, ["search_text"])
            batch = []
    Event.objects.bulk_update(batch, ["search_text"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON events_event USING gin (search_text gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0016_more_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="search_text",
            field=models.TextField(
                default="",
                editable=False,
                help_text="Title and summary folded as names are (actors/names.py), for the text search; derived.",
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
