"""`bulk_import`: 10,000 events, each with two participants and a citation, written through the
import path, against the same rows written with `COPY`.

The import path is `exchange.imports.events_import`, given the rows as a CSV or JSON file gives
them (types, actors, roles and sources named by slug): it looks them up, checks every row and
writes the new events in bulk with their history rows. Both sides roll back when done, so the
database holds the same record before and after and every repetition writes the same rows.
"""

import datetime

from django.db import connection, transaction

from actors.models import Actor
from actors.names import fold
from core.models import new_record_key
from events.models import Citation, EventType, ParticipantRole, Source
from exchange.imports import events_import

IMPORT_SLUG = "bench-import"
CREDIBILITY = Citation._meta.get_field("credibility").default


class Rollback(Exception):
    """Raised to undo a measured import."""


def import_rows(count):
    """`count` events as an import file gives them: everything they name, named by slug."""
    actors = list(Actor.objects.order_by("pk").values_list("slug", flat=True)[:200])
    types = list(EventType.objects.order_by("pk").values_list("slug", flat=True))
    roles = list(ParticipantRole.objects.order_by("pk").values_list("slug", flat=True)[:2])
    sources = list(Source.objects.order_by("pk").values_list("slug", flat=True)[:50])
    first = datetime.date(1995, 1, 1)
    rows = []
    for index in range(count):
        day = first + datetime.timedelta(days=index % 10_000)
        participants = [
            {"actor": actors[index % len(actors)], "role": roles[0], "note": ""},
            {"actor": actors[(index * 7 + 1) % len(actors)], "role": roles[-1], "note": ""},
        ]
        rows.append(
            {
                "slug": f"{IMPORT_SLUG}-{index}",
                "title": f"Imported event {index}",
                "type": types[index % len(types)],
                "date": day.isoformat(),
                "summary": "Read from an import file.",
                # Two participants must differ, or the import would refuse the row.
                "participants": participants if participants[0] != participants[1] else participants[:1],
                "citations": [{"source": sources[index % len(sources)], "quote": f"Quote {index}."}],
            }
        )
    return rows


def through_import(rows, user):
    def run():
        try:
            with transaction.atomic():
                report = events_import(rows=rows, user=user)
                assert report.written, [row.errors for row in report.refused[:3]]
                raise Rollback
        except Rollback:
            pass
        return f"{len(rows)} events".encode()

    return run


def through_copy(rows):
    """The same rows with `COPY` (PostgreSQL) or `executemany` (SQLite), the slugs they name
    turned into ids before the clock starts, the new events' ids taken up front."""
    known = {
        "type": dict(EventType.objects.values_list("slug", "pk")),
        "actor": dict(Actor.objects.values_list("slug", "pk")),
        "role": dict(ParticipantRole.objects.values_list("slug", "pk")),
        "source": dict(Source.objects.values_list("slug", "pk")),
    }

    def run():
        try:
            with transaction.atomic():
                _copy(rows, known)
                raise Rollback
        except Rollback:
            pass
        return f"{len(rows)} events".encode()

    return run


def _copy(rows, known):
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
        kind = known["type"][row["type"]]
        folded = fold(f"{row['title']} {row['summary']}")  # what a save derives; the import folds too
        events.append((pk, *texts, day, day, day, "", "", row["summary"], folded, "draft", now, now, kind, day, ""))
        participations.extend(
            (new_record_key(), "", known["actor"][item["actor"]], pk, known["role"][item["role"]])
            for item in row["participants"]
        )
        citations.extend(
            (new_record_key(), item["quote"], "", CREDIBILITY, "", now, now, pk, known["source"][item["source"]])
            for item in row["citations"]
        )
    tables = {
        "events_event": (
            "id, slug, title, date, date_start, date_end, date_note, location, summary, search_text, status, "
            "created_at, updated_at, type_id, sort_date, retraction_reason",
            events,
        ),
        "events_participation": ("key, note, actor_id, event_id, role_id", participations),
        "events_citation": (
            "key, quote, locator, credibility, note, created_at, updated_at, event_id, source_id",
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
