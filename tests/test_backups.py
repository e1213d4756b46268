"""Backups (core/backups.py): JSON Lines that keep every row and microsecond, read and written a
row at a time, and an earlier release's one-array backups still restore.

`manage.py backup` then `manage.py restore` across engines, in fresh processes, is
tests/security/test_backup_restore.py.
"""

import datetime
import gc
import gzip
import io
import json
import tracemalloc

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from simple_history.utils import bulk_create_with_history

from actors.models import Actor
from core import backups, page_cache
from events.models import Citation, Event, Participation, Source
from tests.factories import (
    CitationFactory,
    EventFactory,
    EventTypeFactory,
    ParticipantRoleFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db


def everything():
    """Every row of every backed-up model, and every many-to-many link, as plain values."""
    state = {}
    for model in backups.backed_up_models("default"):
        fields = [field.attname for field in model._meta.concrete_fields]
        state[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
        for field in backups.auto_links(model):
            through = field.remote_field.through
            ends = [f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"]
            state[f"links {through._meta.label}"] = sorted(through._base_manager.values_list(*ends))
    return state


def record_with_links():
    """Users in a group, events linked to each other and edited (so with history), people, citations."""
    curator = User.objects.create_user("curator", password="x")
    curator.groups.add(Group.objects.create(name="restorers"))
    first, second = EventFactory(slug="first"), EventFactory(slug="second")
    first.related.add(second)
    CitationFactory(event=first)
    ParticipationFactory(event=second)
    first.summary = "Edited."
    first.save()
    # A time whose milliseconds and microseconds differ: Django's own JSON would cut it.
    Event.objects.filter(pk=second.pk).update(
        updated_at=datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.UTC)
    )


def test_a_backup_is_json_lines_and_restores_every_row_and_microsecond(tmp_path):
    record_with_links()
    before = everything()
    path = backups.backup_write(path=tmp_path / "backup.jsonl.gz", database="default")

    with gzip.open(path, "rt", encoding="utf-8") as stream:
        lines = stream.read().splitlines()
    rows = [json.loads(line) for line in lines]
    assert all(set(row) == {"model", "pk", "fields"} for row in rows)
    second = next(row for row in rows if row["model"] == "events.event" and row["fields"]["slug"] == "second")
    assert second["fields"]["updated_at"] == "2024-05-06T07:08:09.123456Z"
    # One line per row, links within their row's line.
    assert len(rows) == sum(len(values) for label, values in before.items() if not label.startswith("links "))

    kept_for = page_cache.generation(), page_cache.generation(drafts=True)
    count, _ = backups.backup_restore(path=path, database="default")

    assert count == len(rows)
    assert everything() == before
    # Written without signals: nothing kept of the record before it may be served.
    assert page_cache.generation() != kept_for[0] and page_cache.generation(drafts=True) != kept_for[1]
    assert (
        before["links events.Event_related"] and before["links auth.User_groups"] and before["events.HistoricalEvent"]
    )
    assert Event.objects.get(slug="second").updated_at.microsecond == 123456


def test_a_backup_from_an_earlier_release_one_json_array_still_restores(tmp_path):
    record_with_links()
    before = everything()
    # What `manage.py backup` wrote before JSON Lines.
    old = tmp_path / "kzwatch-old.json.gz"
    call_command("dumpdata", all=True, format="json-exact", output=str(old), verbosity=0)
    with gzip.open(old, "rt", encoding="utf-8") as stream:
        assert stream.read(1) == "["

    call_command("restore", str(old), force=True, stdout=io.StringIO())

    assert everything() == before


@pytest.mark.parametrize("indent", [None, 2])
def test_an_array_is_read_an_object_at_a_time_across_any_cut_of_the_stream(indent):
    items = [{"model": "x.y", "pk": n, "fields": {"text": "a, ]} [{" * n, "n": [n, {"m": None}]}} for n in range(40)]
    text = json.dumps(items, indent=indent)
    for read_chars in (1, 7, 64, len(text)):
        assert list(backups.json_array_items(io.StringIO(text), read_chars=read_chars)) == items
    assert list(backups.json_array_items(io.StringIO(" [ ] "))) == []
    with pytest.raises(json.JSONDecodeError):
        list(backups.json_array_items(io.StringIO(text[:-30]), read_chars=64))


def test_a_restore_refuses_a_database_that_holds_users_and_changes_nothing(tmp_path):
    record_with_links()
    path = backups.backup_write(path=tmp_path / "backup.jsonl.gz", database="default")
    Event.objects.filter(slug="first").update(title="Changed after the backup")

    with pytest.raises(CommandError, match="already holds records"):
        call_command("restore", str(path))

    assert Event.objects.get(slug="first").title == "Changed after the backup"


def test_a_row_the_database_refuses_is_named(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores a text past its max_length; only PostgreSQL refuses it")
    record_with_links()
    path = tmp_path / "from-sqlite.jsonl"
    backups.backup_write(path=path, database="default")
    event = Event.objects.get(slug="first")
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        row = json.loads(line)
        if row["model"] == "events.event" and row["pk"] == event.pk:
            row["fields"]["title"] = "x" * 1000
            lines[number] = json.dumps(row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(CommandError, match=rf"events\.Event id={event.pk} cannot be stored here"):
        call_command("restore", str(path), force=True)


def add_rows(start, stop):
    """Rows `start`..`stop` in bulk, each kind a backup holds most of: events (with history and a
    link to the one before), sources, citations, people and their participations."""
    numbers = range(start, stop)
    event_type, role = EventTypeFactory(slug="arrest"), ParticipantRoleFactory(slug="accused")
    actors = Actor.objects.bulk_create(
        Actor(slug=f"actor-{n}", name=f"Actor {n}", sort_name=f"Actor {n}", kind="person") for n in numbers
    )
    events = [
        Event(slug=f"event-{n}", title=f"Event {n}", summary="Text. " * 40, type=event_type, date="2017-08")
        for n in numbers
    ]
    for event in events:
        event.fill_derived_fields()
    events = bulk_create_with_history(events, Event)
    events = list(Event.objects.filter(slug__in=[event.slug for event in events]).order_by("pk"))
    Event.related.through.objects.bulk_create(
        Event.related.through(from_event=event, to_event=other)
        for event, other in zip(events[1:], events, strict=False)
    )
    sources = Source.objects.bulk_create(
        Source(slug=f"source-{n}", url=f"https://news.example/{n}", title=f"Source {n}") for n in numbers
    )
    Citation.objects.bulk_create(
        Citation(key=f"c-{n}", event=event, source=source, quote=f"Quote {n}")
        for n, event, source in zip(numbers, events, sources, strict=True)
    )
    Participation.objects.bulk_create(
        Participation(key=f"p-{n}", event=event, actor=actor, role=role)
        for n, event, actor in zip(numbers, events, actors, strict=True)
    )


def peak(work):
    """The most memory Python held at once, above where it started, while `work()` ran."""
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        work()
        return tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()


def test_backup_and_restore_hold_as_much_memory_for_ten_times_the_rows(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(backups, "CHUNK_ROWS", 100)
    path = tmp_path / "backup.jsonl.gz"

    def both():
        backed_up = peak(lambda: backups.backup_write(path=path, database="default"))
        count = []
        restored = peak(lambda: count.append(backups.backup_restore(path=path, database="default")[0]))
        return backed_up, restored, count[0]

    add_rows(0, 200)
    both()  # once unmeasured: what is made once per process (compiled queries, imports)
    few = both()
    add_rows(200, 2000)
    many = both()
    with capsys.disabled():
        print(f"\npeak of backup, restore, for rows: {few} then {many}")

    assert many[2] > 8 * few[2]  # (the rows `migrate` seeds are in both)
    # Garbage freed only by the cycle collector comes and goes with its timing (a batch or two's
    # worth); ten times the rows held at once, as a whole-file restore holds them, is over 10 MB.
    for small, large in zip(few[:2], many[:2], strict=True):
        assert large < 2 * small + 1024 * 1024, (few, many)
        assert large < 4 * 1024 * 1024, (few, many)


def test_a_backup_makes_the_same_queries_for_50_rows_as_for_500(tmp_path):
    def queries():
        with CaptureQueriesContext(connection) as context:
            backups.backup_write(path=tmp_path / "backup.jsonl", database="default")
        return len(context.captured_queries)

    add_rows(0, 50)
    few = queries()
    add_rows(50, 500)

    assert queries() == few
