"""The Tombstone model now belongs to `core` (see core/migrations/0001_initial.py); its table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_vocabulary_terms"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Tombstone")],
            database_operations=[],
        ),
    ]
