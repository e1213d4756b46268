"""Memberships and tenures get a key: a column that may be empty until events' 0014 fills it."""

from django.db import migrations, models

import core.models


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0004_office_seats"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmembership",
            name="key",
            field=core.models.RecordKeyField(
                blank=True,
                db_index=True,
                editable=False,
                help_text="Stable identity: set once, unchanged when the dates, quote or note are corrected; fixtures and other databases name the row by it.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="historicaltenure",
            name="key",
            field=core.models.RecordKeyField(
                blank=True,
                db_index=True,
                editable=False,
                help_text="Stable identity: set once, unchanged when the dates, quote or note are corrected; fixtures and other databases name the row by it.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="key",
            field=models.CharField(editable=False, max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="tenure",
            name="key",
            field=models.CharField(editable=False, max_length=200, null=True),
        ),
    ]
