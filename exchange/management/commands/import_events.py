"""`manage.py import_events FILE [--dry-run] [--user NAME]`: the admin's "Import events", from the shell."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.services import system_user
from exchange.imports import ACTION_WORDS, events_import, import_rows_read

IMPORT_USERNAME = "import"
BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import events with their participants and citations from a CSV or JSON file, all or nothing: "
        "a row that would be refused is reported with its number and reason, and then nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv or .json file; see exchange/imports.py for the columns.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument(
            "--user",
            help="Username history names and whose permissions apply (publishing); by default the inactive "
            f"system user “{IMPORT_USERNAME}”, whose events stay drafts.",
        )

    def handle(self, *args, file, dry_run, user, **options):
        importer = self.importer(user)
        try:
            with open(file, "rb") as handle:
                rows = import_rows_read(name=file, content=handle.read())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        report = events_import(rows=rows, user=importer, dry_run=dry_run, progress=self.progress)
        self.stderr.write("")
        for row in report.rows:
            if row.action == "refuse" or row.notes or (row.action != "unchanged" and options["verbosity"] >= 2):
                self.stdout.write(self.describe(row))
        for source in report.new_sources:
            self.stdout.write(f"new source: {source.title} ({source.url})")
        self.stdout.write(report.summary())
        if report.refused:
            raise CommandError(f"{len(report.refused)} rows refused; nothing was written.")

    def importer(self, username):
        if not username:
            return system_user(username=IMPORT_USERNAME)
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user named “{username}”.") from error

    def progress(self, done, total):
        # A hundred steps at most, however long the file.
        if done == total or done % max(1, total // 100) == 0:
            filled = BAR_WIDTH * done // total
            self.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending="")

    def describe(self, row):
        what = ACTION_WORDS[row.action]
        details = "; ".join([*row.errors, *row.notes, *([f"changes {', '.join(row.changes)}"] if row.changes else [])])
        return f"row {row.number} ({row.slug or 'no slug'}): {what}" + (f": {details}" if details else "")
