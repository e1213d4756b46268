"""`manage.py backup`: the whole database, history and tombstones included, as one gzipped JSON file.

Rows keep their ids (no natural keys), so every link, history row and admin log entry
survives; `manage.py restore FILE` puts them back into an empty migrated database, of either
engine.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone


class Command(BaseCommand):
    help = "Write every row of the database to backups/kzwatch-<UTC timestamp>.json.gz (or --output)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="File to write; .json.gz compresses. Default: backups/kzwatch-<time>.json.gz"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output=None, database=DEFAULT_DB_ALIAS, **options):
        path = Path(output or f"backups/kzwatch-{timezone.now():%Y%m%dT%H%M%SZ}.json.gz")
        path.parent.mkdir(parents=True, exist_ok=True)
        # --all: base managers, so no row a default manager hides is left out.
        call_command("dumpdata", all=True, format="json-exact", database=database, output=str(path), verbosity=0)
        self.stdout.write(str(path))
