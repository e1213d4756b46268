"""`manage.py generate_synthetic --actors N --events M --seed S`: a synthetic record for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError

from bench.synthetic import generate


class Command(BaseCommand):
    help = (
        "Write a reproducible synthetic record (actors, aliases, factions, offices, sources, events, "
        "participations, citations) into an empty database; the same seed gives the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--actors", type=int, default=1000, help="How many actors (at least 10).")
        parser.add_argument("--events", type=int, default=20000, help="How many events (at least 10).")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random source.")
        parser.add_argument("--quiet", action="store_true", help="No progress lines.")

    def handle(self, *args, actors, events, seed, quiet, **options):
        started = time.monotonic()
        try:
            counts = generate(actors=actors, events=events, seed=seed, quiet=quiet)
        except ValueError as error:
            raise CommandError(str(error)) from None
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(f"Wrote {summary} in {time.monotonic() - started:.0f} s.")
