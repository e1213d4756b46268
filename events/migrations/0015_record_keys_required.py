"""Every participation and citation has its key (0014 gave them): from now on it is required and unique."""

from django.db import migrations

import core.models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0014_record_keys"),
        ("actors", "0006_record_keys_required"),
    ]

    operations = [
        migrations.AlterField(
            model_name="participation",
            name="key",
            field=core.models.RecordKeyField(
                blank=True,
                editable=False,
                help_text="Stable identity: set once, unchanged when the dates, quote or note are corrected; fixtures and other databases name the row by it.",
                max_length=200,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="citation",
            name="key",
            field=core.models.RecordKeyField(
                blank=True,
                editable=False,
                help_text="Stable identity: set once, unchanged when the dates, quote or note are corrected; fixtures and other databases name the row by it.",
                max_length=200,
                unique=True,
            ),
        ),
    ]
