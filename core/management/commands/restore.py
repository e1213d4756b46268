"""`manage.py restore FILE`: load a `manage.py backup` file into an empty migrated database.

Rows are stored raw, with their ids, exactly as backed up (no derived fields recomputed, no
history row added: the backup holds the history), in batches, a row at a time from the file
(core/backups.py). Migrations seed rows of their own (content types, permissions, groups, the
curators' vocabulary) whose ids may differ from the backup's: every kind of row the backup
holds is emptied and replaced by the backup's. A database that already holds records (users,
or any history: migrations write none) is refused unless --force. An earlier release's
backup (one JSON array, .json.gz) is read the same way.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS

from core.backups import RowNotStored, backup_restore, populated_models


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
        try:
            count, kinds = backup_restore(path=path, database=database)
        except (RowNotStored, DeserializationError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {count} rows of {kinds} kinds from {path}.")
