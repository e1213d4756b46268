"""`manage.py layout_network`: lay out the whole record's network again, on purpose.

The network page keeps one layout and only places newcomers near their neighbours, so that
nobody moves between visits (pages/network_layout.py). Run this after a large import, or when
newcomers have piled up in crowded corners: everyone gets a fresh place, once. `make run`
runs it after loading the fixtures, so the first page does not wait for it; `make serve` runs
it `--if-missing`, so that a restart keeps everyone's place and a new cache gets one.
"""

import time

from django.core.management.base import BaseCommand

from core import page_cache
from pages import network_layout


class Command(BaseCommand):
    help = "Lay out the whole record's network afresh and keep it for the network page."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Only when no layout is kept (a new cache); `make serve` starts so, keeping places across restarts.",
        )

    def handle(self, *args, **options):
        if options["if_missing"] and network_layout.is_kept():
            self.stdout.write("A layout is kept: nobody moves.")
            return
        started = time.monotonic()
        # A new generation first: the readers' kept pages drew the old places.
        page_cache.changed()
        placed = network_layout.relayout()
        self.stdout.write(f"Laid out {len(placed):,} nodes in {time.monotonic() - started:.1f} s.")
