"""The tombstone log moves from `events` to `core`: the table, its rows and its permissions stay.

Only Django's idea of which app owns the model changes (SeparateDatabaseAndState); the table
keeps its name, `events_tombstone`, and the content type is relabelled so that permissions
granted on tombstones still hold.
"""

import django.utils.timezone
from django.db import migrations, models


def relabel_content_type(apps, schema_editor, old="events", new="core"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model="tombstone").update(app_label=new)


def restore_content_type(apps, schema_editor):
    relabel_content_type(apps, schema_editor, old="core", new="events")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0002_tombstone"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Tombstone",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("actor", "Actor"),
                                    ("faction", "Faction"),
                                    ("office", "Office"),
                                    ("event", "Event"),
                                    ("source", "Source"),
                                ],
                                help_text="What sort of record left.",
                                max_length=20,
                            ),
                        ),
                        (
                            "key",
                            models.CharField(
                                help_text="Its slug (for sources, its id) as the API named it.", max_length=160
                            ),
                        ),
                        (
                            "reason",
                            models.CharField(
                                choices=[
                                    ("deleted", "Deleted"),
                                    ("merged", "Merged into another record"),
                                    ("renamed", "Slug changed"),
                                    ("retracted", "Retracted"),
                                    ("unpublished", "Returned to draft"),
                                ],
                                help_text="Why it left.",
                                max_length=20,
                            ),
                        ),
                        (
                            "replaced_by",
                            models.CharField(
                                blank=True,
                                help_text="For a rename or merge: the key that now holds the record.",
                                max_length=160,
                            ),
                        ),
                        (
                            "public",
                            models.BooleanField(
                                default=True, help_text="Whether anonymous readers could see the record until then."
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, help_text="When it left."
                            ),
                        ),
                    ],
                    options={
                        "db_table": "events_tombstone",
                        "ordering": ["at", "pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_type, restore_content_type),
    ]
