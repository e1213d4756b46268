"""`bulk_import`: 10,000 events, each with two participants and a citation, written through the
project's write path, against the same rows written with `COPY`.

The write path is `events.services.event_create`, one call per event inside one transaction
(each call validates, saves, and writes history rows). Both sides roll back when done, so the
database holds the same record before and after and every repetition writes the same rows.
"""

import datetime

from django.db import connection, transaction

from actors.models import Actor
from events.models import Citation, EventType, ParticipantRole, Source
from events.services import event_create

IMPORT_SLUG = "bench-import"
CREDIBILITY = Citation._meta.get_field("credibility").default


class Rollback(Exception):
    """Raised to undo a measured import."""


def import_rows(count):
    """`count` events as an import file would give them, with objects already looked up."""
    actors = list(Actor.objects.order_by("pk")[:200])
    types = list(EventType.objects.order_by("pk"))
    roles = list(ParticipantRole.objects.order_by("pk")[:2])
    sources = list(Source.objects.order_by("pk")[:50])
    first = datetime.date(1995, 1, 1)
    rows = []
    for index in range(count):
        day = first + datetime.timedelta(days=index % 10_000)
        rows.append(
            {
                "slug": f"{IMPORT_SLUG}-{index}",
                "title": f"Imported event {index}",
                "type": types[index % len(types)],
                "date": day.isoformat(),
                "summary": "Read from an import file.",
                "participants": [
                    {"actor": actors[index % len(actors)], "role": roles[0], "note": ""},
                    {"actor": actors[(index * 7 + 1) % len(actors)], "role": roles[-1], "note": ""},
                ],
                "citations": [{"source": sources[index % len(sources)], "quote": f"Quote {index}."}],
            }
        )
    # Two participants must differ, or the service would merge them.
    for row in rows:
        first_actor, second = row["participants"]
        if first_actor["actor"] == second["actor"] and first_actor["role"] == second["role"]:
            row["participants"] = [first_actor]
    return rows


def through_service(rows, user):
    def run():
        try:
            with transaction.atomic():
                for row in rows:
                    event_create(user=user, **row)
                raise Rollback
        except Rollback:
            pass
        return f"{len(rows)} events".encode()

    return run


def through_copy(rows):
    """The same rows with `COPY` (PostgreSQL) or `executemany` (SQLite), ids taken up front."""

    def run():
        try:
            with transaction.atomic():
                _copy(rows)
                raise Rollback
        except Rollback:
            pass
        return f"{len(rows)} events".encode()

    return run


def _copy(rows):
    now = datetime.datetime.now(datetime.UTC)
    cursor = connection.connection.cursor()
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('events_event', 'id')) FROM generate_series(1, %s)", [len(rows)]
        )
        ids = [row[0] for row in cursor.fetchall()]
    else:
        cursor.execute("SELECT coalesce(max(id), 0) FROM events_event")
        start = cursor.fetchone()[0] + 1
        ids = list(range(start, start + len(rows)))
    events, participations, citations = [], [], []
    for pk, row in zip(ids, rows, strict=True):
        day, texts = row["date"], (row["slug"], row["title"])
        events.append((pk, *texts, day, day, day, "", "", row["summary"], "draft", now, now, row["type"].pk, day, ""))
        participations.extend(("", item["actor"].pk, pk, item["role"].pk) for item in row["participants"])
        citations.extend(
            (item["quote"], "", CREDIBILITY, "", now, now, pk, item["source"].pk) for item in row["citations"]
        )
    tables = {
        "events_event": (
            "id, slug, title, date, date_start, date_end, date_note, location, summary, status, created_at, "
            "updated_at, type_id, sort_date, retraction_reason",
            events,
        ),
        "events_participation": ("note, actor_id, event_id, role_id", participations),
        "events_citation": (
            "quote, locator, credibility, note, created_at, updated_at, event_id, source_id",
            citations,
        ),
    }
    for table, (columns, values) in tables.items():
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join("?" * len(values[0]))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
    cursor.close()
