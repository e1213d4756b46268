"""`manage.py backup`: the whole database, history and tombstones included, as gzipped JSON Lines.

Rows keep their ids (no natural keys), so every link, history row and admin log entry
survives; `manage.py restore FILE` puts them back into an empty migrated database, of either
engine. Written a row at a time (core/backups.py): memory does not grow with the database.
"""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from core.backups import backup_write


class Command(BaseCommand):
    help = "Write every row of the database to backups/kzwatch-<UTC timestamp>.jsonl.gz (or --output)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="File to write; a name ending in .gz compresses. Default: backups/kzwatch-<time>.jsonl.gz"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output=None, database=DEFAULT_DB_ALIAS, **options):
        path = Path(output or f"backups/kzwatch-{timezone.now():%Y%m%dT%H%M%SZ}.jsonl.gz")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.stdout.write(str(backup_write(path=path, database=database)))
