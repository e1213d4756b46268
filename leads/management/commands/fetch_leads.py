"""`manage.py fetch_leads [FEED ...]`: read the news feeds into leads (run it from cron)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from core.text import whole_number
from leads.models import Feed
from leads.services import leads_fetch


class Command(BaseCommand):
    help = (
        "Read the active news feeds (or just the FEEDs named, by id, name or address) and store each new "
        "entry that names a tracked actor as a lead. A feed that fails is reported and the others are read."
    )

    def add_arguments(self, parser):
        parser.add_argument("feeds", nargs="*", metavar="FEED", help="A feed's id, name or address.")

    def handle(self, *args, feeds, **options):
        if feeds:
            chosen = []
            for key in feeds:
                condition = Q(name=key) | Q(url=key)
                number = whole_number(key)
                if number is not None:
                    condition |= Q(pk=number)
                found = list(Feed.objects.filter(condition))
                if not found:
                    raise CommandError(f"No feed has the id, name or address “{key}”.")
                chosen.extend(feed for feed in found if feed not in chosen)
        else:
            chosen = list(Feed.objects.filter(active=True).order_by("name"))
        report = leads_fetch(feeds=chosen)
        for item in report.feeds:
            if item.error:
                self.stderr.write(f"FAILED {item.feed.name}: {item.error}")
            else:
                self.stdout.write(
                    f"{item.feed.name}: {item.entries} entries, {item.new_leads} new leads, "
                    f"{item.known} already read, {item.unmatched} naming no tracked actor"
                )
        self.stdout.write(
            f"Feeds read: {len(report.feeds) - len(report.failed)} of {len(report.feeds)}; "
            f"entries seen: {report.total('entries')}; new leads: {report.total('new_leads')}; "
            f"skipped: {report.total('known') + report.total('unmatched')} "
            f"({report.total('known')} already read, {report.total('unmatched')} naming no tracked actor)"
        )
        if report.failed:
            self.stderr.write(f"{len(report.failed)} feed(s) failed; see each feed's last error in the admin.")
