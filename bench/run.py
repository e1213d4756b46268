"""`make bench SIZE=S|M|L`: build (or reuse) a synthetic database, measure, print, write bench-results.json.

    python -m bench.run --size S [--repetitions 30] [--only actor_search ...]

Each size has a PostgreSQL database of its own, so that measuring one does not throw away
another that took minutes to generate: `kzwatch_bench` for XS and S, `kzwatch_bench_m` for M,
`kzwatch_bench_l` for L (on postgres://postgres@127.0.0.1:5432/). DATABASE_URL, when set,
names the one database to use instead, whatever the size. The database is created when
missing and rebuilt when it holds a record of another size or seed. A generated database
keeps a marker row (`kzwatch_bench_marker`) so the next run of the same size reuses it.
"""

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

SIZES = {"XS": (50, 300), "S": (1_000, 20_000), "M": (10_000, 200_000), "L": (50_000, 1_000_000)}
SERVER = "postgres://postgres@127.0.0.1:5432/"
# XS and S share the database S always had: either takes a minute to remake.
DATABASES = {"XS": "kzwatch_bench", "S": "kzwatch_bench", "M": "kzwatch_bench_m", "L": "kzwatch_bench_l"}
RESULTS = Path(__file__).resolve().parents[1] / "bench-results.json"
MARKER = "kzwatch_bench_marker"


def configure_environment(size):
    os.environ.setdefault("DATABASE_URL", SERVER + DATABASES[size])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzwatch.settings")
    os.environ.setdefault("SECRET_KEY", "kzwatch-benchmark-only")
    os.environ.setdefault("KZWATCH_PLAIN_STATIC", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The anonymous throttles would refuse the benchmark's own requests; a request still consults it.
    os.environ.setdefault("API_ANON_RATE", "1000000/minute")
    os.environ.setdefault("PAGE_ANON_RATE", "1000000/minute")
    # Keep the connection between requests, as a production server does.
    os.environ.setdefault("CONN_MAX_AGE", "600")
    # What the views do, not the readers' cache nor the kept parts of pages: every repetition
    # would be a kept answer.
    os.environ["PAGE_CACHE_SECONDS"] = os.environ["PART_CACHE_SECONDS"] = "0"
    warnings.filterwarnings("ignore", "No directory at", UserWarning)


def ensure_database(url):
    """Create the database named by `url` if it does not exist (PostgreSQL)."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    admin = psycopg.connect(
        dbname="postgres", user=config["USER"], host=config["HOST"], port=config["PORT"] or 5432, autocommit=True
    )
    with admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def current_marker(connection):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (actors integer, events integer, seed integer)")
        cursor.execute(f"SELECT actors, events, seed FROM {MARKER}")
        return cursor.fetchone()


def prepare(actors, events, seed):
    """Migrate, and generate the record unless this database already holds exactly it."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    wanted = (actors, events, seed)
    if current_marker(connection) == wanted:
        print(f"Reusing the synthetic record ({actors:,} actors, {events:,} events, seed {seed}).", file=sys.stderr)
        return
    if current_marker(connection) is not None or _holds_data():
        call_command("flush", interactive=False, verbosity=0)
    started = time.monotonic()
    call_command("generate_synthetic", actors=actors, events=events, seed=seed)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER}")
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, %s)", list(wanted))
    print(f"Generated in {time.monotonic() - started:.0f} s.", file=sys.stderr)


def _holds_data():
    from events.models import Event

    return Event.objects.exists()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size", choices=SIZES, default="S", help="S: 1,000 actors / 20,000 events; M: 10x that; L: 50x that."
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repetitions", type=int, default=30)
    parser.add_argument("--only", nargs="*", help="Measure only these operations.")
    parser.add_argument("--import-events", type=int, default=10_000, help="How many events bulk_import writes.")
    parser.add_argument(
        "--export-repetitions",
        type=int,
        default=5,
        help="How many times each whole-record export runs (at L the FtM export takes minutes).",
    )
    arguments = parser.parse_args(argv)
    configure_environment(arguments.size)
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.db import connection

    from .harness import measure, table

    actors, events = SIZES[arguments.size]
    prepare(actors, events, arguments.seed)
    results = measure(
        repetitions=arguments.repetitions,
        only=arguments.only,
        import_events=arguments.import_events,
        export_repetitions=arguments.export_repetitions,
    )
    print(
        f"\nSize {arguments.size} ({actors:,} actors, {events:,} events) on {connection.vendor}, "
        f"{arguments.repetitions} repetitions each:\n"
    )
    print(table(results))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWrote {RESULTS.name}.")


if __name__ == "__main__":
    main()
