"""`manage.py restore FILE`: load a `manage.py backup` file into an empty migrated database.

Rows are stored raw, with their ids, exactly as backed up (no derived fields recomputed, no
history row added: the backup holds the history). Migrations seed rows of their own (content
types, permissions, groups, the curators' vocabulary) whose ids may differ from the backup's:
every kind of row the backup holds is emptied first and replaced by the backup's. A database
that already holds records (users, or any history: migrations write none) is refused unless
--force.
"""

import gzip
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from core.framework import raw_delete


def populated_models(database):
    """Models whose rows only use, never `migrate`, creates (users, history) that hold a row."""
    models = [get_user_model()] + [model for model in apps.get_models() if model.__name__.startswith("Historical")]
    return [model._meta.label for model in models if model._base_manager.using(database).exists()]


class Command(BaseCommand):
    help = "Load a backup file (from `manage.py backup`) into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--force", action="store_true", help="Restore even over existing rows (they may clash).")

    def handle(self, *args, file, database=DEFAULT_DB_ALIAS, force=False, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No backup file at {path}.")
        populated = populated_models(database)
        if populated and not force:
            raise CommandError(
                f"The database already holds records ({', '.join(populated[:5])}...): restore only into an empty, "
                "migrated database, or pass --force."
            )
        opener = gzip.open if path.suffix == ".gz" else open
        connection = connections[database]
        loaded = set()
        count = 0
        with opener(path, "rt", encoding="utf-8") as stream:
            rows = list(serializers.deserialize("json-exact", stream, using=database))
        with transaction.atomic(using=database):
            with connection.constraint_checks_disabled():
                # A raw DELETE: no signals, so no deletion history rows are written for seeded rows.
                for model in {type(row.object) for row in rows}:
                    raw_delete(model._base_manager.using(database).all(), database)
                for row in rows:
                    try:
                        with transaction.atomic(using=database):
                            row.save(using=database)
                    except DatabaseError as error:
                        # SQLite keeps what PostgreSQL refuses (a text past its max_length): name the row.
                        label = row.object._meta.label
                        raise CommandError(f"{label} id={row.object.pk} cannot be stored here: {error}") from None
                    loaded.add(type(row.object))
                    count += 1
            connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
            # PostgreSQL's id sequences must continue after the restored ids.
            statements = connection.ops.sequence_reset_sql(self.style, list(loaded))
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        self.stdout.write(f"Restored {count} rows of {len(loaded)} kinds from {path}.")
