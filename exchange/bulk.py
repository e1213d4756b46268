"""New events in bulk, for the import: each checked in Python as `event_create` checks it, then
all written in chunks, with a history row for every row written.

`event_create` costs 20 to 40 queries an event: `full_clean()` asks the database whether each
foreign key exists and whether each check constraint holds (in a savepoint each), and every
row and its history row is an INSERT of its own. Here the related rows (type, actors, roles,
sources) were just looked up by the importer in the same transaction, and a new slug is one
that lookup did not find, so those questions are already answered. The check constraints
repeat what `clean()` and the field validators check in Python (an EDTF date that ends
before it starts, a citation of exactly one claim, credibility 1-6), and the database still
enforces them on the INSERT. What is left is a fixed number of queries per chunk.

django-simple-history writes nothing on `bulk_create`, so the history rows are copied from
the rows just written, one INSERT ... SELECT a table and chunk: type "+", the importing user,
the time, no change reason, as a save would write them. (Its `bulk_create_with_history`
builds a history object per row in Python: half the import's time.) The other receivers a
bulk insert skips are the readers' cache's (core/page_cache.py): a chunk that holds a
published event renews the readers' pages itself.
"""

import functools
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from core import page_cache
from core.services import row_error
from events.models import Citation, Event, Participation
from events.services import event_check_status_change

# Events a chunk (a 10,000-row file is five): the slugs looked up and the ids a history copy
# names stay within every database's parameter limit; Django splits an INSERT further where
# the database needs it (SQLite).
CHUNK = 2000


@dataclass
class NewEvent:
    """One event a file creates, with its participations and citations: checked, not written."""

    event: Event
    participations: list
    citations: list


@functools.cache
def _relations(model):
    return [field.name for field in model._meta.concrete_fields if field.is_relation]


def _checked(rows, name=None):
    """`full_clean()` each of `rows`, minus what the caller answered for the whole file: that the
    related rows exist, that the slug is free, and the check constraints `clean()` repeats (see
    above). A problem in a list is reported under `name` with the row's number, as the service does."""
    for index, row in enumerate(rows):
        try:
            row.full_clean(exclude=_relations(type(row)), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise (error if name is None else row_error(name, index, error)) from error
    return rows


def event_build(*, user, slug, title, type, date, participants=(), citations=(), **fields):
    """The event `event_create` would write for these arguments, with its participations and
    citations, checked by the same rules and derived fields filled, but not saved.

    Raises ValidationError or PermissionDenied as `event_create` would. Related rows are given
    by id (setting an object costs a descriptor call, and bulk_create checks every related
    object again); participations get their event's id once it has one, citations keep the
    unsaved event, which `Citation.clean()` needs to see its claim.
    """
    event = Event(slug=slug, title=title, type_id=type.pk, date=date, **fields)
    event_check_status_change(user=user, current=None, new=event.status)
    _checked([event])
    event.fill_derived_fields()
    participations = [
        Participation(actor_id=item["actor"].pk, role_id=item["role"].pk, note=item.get("note", ""))
        for item in participants
    ]
    cited = []
    for item in citations:
        given = {key: value for key, value in item.items() if key != "source"}
        cited.append(Citation(event=event, source_id=item["source"].pk, **given))
    _checked(participations, "participants")
    _checked(cited, "citations")
    event.check_cited(citation_count=len(cited))
    return NewEvent(event=event, participations=participations, citations=cited)


def events_bulk_create(*, new_events, user):
    """Write `new_events` (from `event_build`) and their history rows naming `user`, a chunk at a
    time: six INSERTs a chunk on PostgreSQL, however many participants and citations each event has."""
    for start in range(0, len(new_events), CHUNK):
        chunk = new_events[start : start + CHUNK]
        Event.objects.bulk_create([new.event for new in chunk])
        for new in chunk:
            for row in new.participations:
                row.event_id = new.event.pk
        Participation.objects.bulk_create([row for new in chunk for row in new.participations])
        # Django copies the events' new ids into the citations that hold them.
        Citation.objects.bulk_create([row for new in chunk for row in new.citations])
        ids = [new.event.pk for new in chunk]
        for model, field in ((Event, "id"), (Participation, "event"), (Citation, "event")):
            _history_copy(model=model, field=field, ids=ids, user=user)
        page_cache.changed(public=any(new.event.status != Event.Status.DRAFT for new in chunk))


def _history_copy(*, model, field, ids, user):
    """Copy `model`'s rows whose `field` is one of `ids` into its history table, as created by `user` now."""
    history = model.history.model
    quote = connection.ops.quote_name
    copied = ", ".join(quote(tracked.column) for tracked in history.tracked_fields)
    stamps = ", ".join(
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_user", "history_type", "history_change_reason")
    )
    now = history._meta.get_field("history_date").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({copied}, {stamps}) "
            f"SELECT {copied}, %s, %s, '+', NULL FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.get_field(field).column)} IN ({', '.join(['%s'] * len(ids))})",
            [now, user.pk, *ids],
        )
