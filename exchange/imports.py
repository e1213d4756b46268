"""Importing events with their participants and citations from CSV or JSON, all or nothing.

One service, `events_import`, under both the admin's "Import events" page and
`manage.py import_events`. A row names its event by slug (made from the title when absent):
an unknown slug is created, a known one updated, and a row that would change nothing (asked of
`events.services.event_changes`, by the rule `event_update` writes by) is left untouched (no
history row, no new `updated_at`), so importing a file twice changes nothing the second time.
Every slug a file names (actors, roles, types, sources, events) is looked up in a few queries
(per 2,000) before the first row is written. A row that updates an event goes
through `event_update`; a row that creates one is checked by `exchange.bulk.event_build`, in
Python, by the rules `event_create` applies (the model's fields and `clean()`, the EDTF date,
the publishing permission, the citation rule), and all new events are then written in bulk,
2,000 at a time with their participations, citations and history rows, in a fixed number of
queries per chunk. A row that fails is reported with its number and the reason, and then
nothing of the file is written. A dry run does all of that and rolls it back.

Columns (CSV headers or JSON keys): slug, title, type (slug), date (EDTF), date_note, summary,
location, status; participants ("karim-massimov:detained; kassym-jomart-tokayev:appointer", or a
JSON list of "actor:role" strings or {actor, role, note} objects); one citation per CSV row in
source (slug or id), source_url, source_publisher, source_title (a new source when no source
has that URL), quote, locator, credibility (1-6), note; in JSON, a "citations" list of objects
with those keys, where "source" may also be an object {url, publisher, title}. A column a file
leaves out leaves that field (or list) of an existing event as it is; a column it gives
replaces it.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from anyascii import anyascii
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from actors.models import Actor
from core.services import error_messages, unique_slug
from core.text import whole_number
from events.models import Event, EventType, ParticipantRole, Source
from events.services import PUBLISH_PERMISSION, event_changes, event_update

from .bulk import CHUNK, event_build, events_bulk_create

TEXT_FIELDS = ("title", "date", "date_note", "summary", "location")
CITATION_FIELDS = ("locator", "credibility", "note")
SOURCE_COLUMNS = ("source", "source_url", "source_publisher", "source_title", "quote", "locator", "credibility")


@dataclass
class ImportRow:
    """What happened, or would happen, to one row: create, update, unchanged or refuse, and why."""

    number: int
    slug: str
    title: str
    action: str = ""
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list
    dry_run: bool
    written: bool = False
    new_sources: list = field(default_factory=list)

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def refused(self):
        return [row for row in self.rows if row.action == "refuse"]

    def summary(self):
        counts = ", ".join(f"{self.count(action)} {word}" for action, word in ACTION_WORDS.items())
        if self.refused:
            outcome = "nothing was written: fix the refused rows and import the file again"
        elif self.dry_run:
            outcome = "dry run: nothing was written"
        else:
            outcome = "written"
        return f"{len(self.rows)} rows: {counts}; {len(self.new_sources)} new sources; {outcome}."


ACTION_WORDS = {"create": "to create", "update": "to update", "unchanged": "unchanged", "refuse": "refused"}


def import_rows_read(*, name, content):
    """The rows of an uploaded file, as dicts: CSV or JSON by the file name's extension."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError("The file is not UTF-8 text.") from error
    extension = name.rsplit(".", 1)[-1].lower()
    if extension == "csv":
        reader = csv.DictReader(io.StringIO(content))
        return [{(key or "").strip().lower(): (value or "").strip() for key, value in row.items()} for row in reader]
    if extension == "json":
        try:
            data = json.loads(content)
        except json.JSONDecodeError as error:
            raise ValidationError(f"The JSON does not parse: {error}.") from error
        rows = data.get("events") if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValidationError('The JSON must be a list of events (objects), or {"events": [...]}.')
        return [{str(key).strip().lower(): value for key, value in row.items()} for row in rows]
    raise ValidationError(f"Import a .csv or .json file, not “{name}”.")


def _text(value):
    return "" if value is None else str(value).strip()


def _row_slug(raw):
    return _text(raw.get("slug")) or slugify(anyascii(_text(raw.get("title"))))[:160]


def _participant_items(raw):
    """(actor slug, role slug, note or None) for each participant the row names, or a problem."""
    value = raw.get("participants")
    pieces = value if isinstance(value, list) else [part for part in _text(value).split(";") if part.strip()]
    items = []
    for piece in pieces:
        if isinstance(piece, dict):
            note = piece.get("note")
            items.append((_text(piece.get("actor")), _text(piece.get("role")), None if note is None else _text(note)))
            continue
        actor, _, rest = _text(piece).partition(":")
        role, colon, note = rest.partition(":")
        items.append((actor.strip(), role.strip(), note.strip() if colon else None))
    return items


def _citation_items(raw):
    """The row's citations as dicts with a `source` reference (slug, id or {url, ...})."""
    if "citations" in raw:
        value = raw["citations"]
        if isinstance(value, str):
            value = json.loads(value) if value.strip() else []
        return [dict(item) if isinstance(item, dict) else {"invalid": item} for item in value]
    if not any(_text(raw.get(name)) for name in SOURCE_COLUMNS):
        return []
    item = {name: raw[name] for name in ("quote", *CITATION_FIELDS) if name in raw and _text(raw[name])}
    item["source"] = raw.get("source") or {
        "url": raw.get("source_url"),
        "publisher": raw.get("source_publisher"),
        "title": raw.get("source_title"),
    }
    return [item]


def _source_key(reference):
    """How a source is named: ("id", 12), ("slug", "tengri-2017"), ("url", "https://...")."""
    if isinstance(reference, dict):
        return ("url", _text(reference.get("url")))
    number = reference if isinstance(reference, int) else whole_number(_text(reference))
    if number is not None:
        return ("id", number)
    return ("slug", _text(reference))


def _in_slices(queryset, field_name, values):
    """Lookups by slug go in slices, so a 10,000-row file stays within every database's parameter limit."""
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        yield from queryset.filter(**{f"{field_name}__in": values[start : start + CHUNK]})


class _Lookups:
    """Everything the file names, fetched in a few queries before any row is written."""

    def __init__(self, rows):
        actors, roles, sources, slugs = set(), set(), set(), set()
        for raw in rows:
            slugs.add(_row_slug(raw))
            try:
                actors.update(item[0] for item in _participant_items(raw))
                roles.update(item[1] for item in _participant_items(raw))
                sources.update(_source_key(item.get("source")) for item in _citation_items(raw))
            except (ValueError, TypeError):
                continue  # the row is refused with the reason when it is read again
        self.types = {term.slug: term for term in EventType.objects.all()}
        self.roles = {term.slug: term for term in ParticipantRole.objects.filter(slug__in=roles)}
        self.actors = {actor.slug: actor for actor in _in_slices(Actor.objects.only("pk", "slug"), "slug", actors)}
        self.sources = {}
        wanted = {kind: {value for key, value in sources if key == kind} for kind in ("id", "slug", "url")}
        for kind in ("id", "slug", "url"):
            found = _in_slices(Source.objects.only("pk", "slug", "url"), "pk" if kind == "id" else kind, wanted[kind])
            for source in found:
                self.sources[(kind, source.pk if kind == "id" else getattr(source, kind))] = source
        events = Event.objects.select_related("type").prefetch_related("participations", "citations")
        self.events = {event.slug: event for event in _in_slices(events, "slug", slugs)}


def _new_sources(rows, lookups, user):
    """Create each source a file names by URL and that no source has yet; return their errors by URL."""
    created, errors = [], {}
    for raw in rows:
        try:
            items = _citation_items(raw)
        except (ValueError, TypeError):
            continue
        for item in items:
            reference = item.get("source")
            key = _source_key(reference)
            if key[0] != "url" or not key[1] or key in lookups.sources or key[1] in errors:
                continue
            title = _text(reference.get("title")) or _text(reference.get("publisher")) or key[1]
            source = Source(url=key[1], publisher=_text(reference.get("publisher")), title=title[:300])
            source.slug = unique_slug(model=Source, text=title)
            source._history_user = user
            try:
                with transaction.atomic():
                    source.full_clean()
                    source.save()
            except ValidationError as error:
                errors[key[1]] = error_messages(error)
                continue
            lookups.sources[key] = source
            created.append(source)
    return created, errors


def _resolve(raw, lookups, source_errors, row):
    """The row as `event_create`/`event_update` arguments; problems go to `row.errors`."""
    data = {}
    for name in TEXT_FIELDS:
        if name in raw:
            if isinstance(raw[name], dict | list):
                row.errors.append(f"{name}: expected text")
            data[name] = _text(raw[name])
    if "type" in raw:
        data["type"] = lookups.types.get(_text(raw["type"]))
        if data["type"] is None:
            row.errors.append(f"type: unknown event type “{_text(raw['type'])}”")
    if "status" in raw and _text(raw["status"]):
        data["status"] = _text(raw["status"]).lower()
        if data["status"] not in Event.Status.values:
            row.errors.append(f"status: “{data['status']}” is not one of {', '.join(Event.Status.values)}")
    if "participants" in raw:
        data["participants"] = _resolve_participants(raw, lookups, row)
    if "citations" in raw or any(name in raw for name in SOURCE_COLUMNS):
        data["citations"] = _resolve_citations(raw, lookups, source_errors, row)
    return data


def _resolve_participants(raw, lookups, row):
    participants, seen = [], set()
    for actor_slug, role_slug, note in _participant_items(raw):
        actor, role = lookups.actors.get(actor_slug), lookups.roles.get(role_slug)
        if not actor_slug or not role_slug:
            row.errors.append(f"participants: “{actor_slug}:{role_slug}” needs an actor slug and a role slug")
        elif actor is None:
            row.errors.append(f"participants: unknown actor “{actor_slug}”")
        elif role is None:
            row.errors.append(f"participants: unknown role “{role_slug}”")
        elif (actor.pk, role.pk) in seen:
            row.errors.append(f"participants: {actor_slug} is named twice as {role_slug}")
        else:
            seen.add((actor.pk, role.pk))
            participants.append({"actor": actor, "role": role, **({} if note is None else {"note": note})})
    return participants


def _resolve_citations(raw, lookups, source_errors, row):
    citations, seen = [], set()
    for item in _citation_items(raw):
        if "invalid" in item:
            row.errors.append(f"citations: expected an object, not “{item['invalid']}”")
            continue
        key = _source_key(item.get("source"))
        source = lookups.sources.get(key)
        if source is None:
            reason = "; ".join(source_errors.get(key[1], [])) or f"unknown source {key[0]} “{key[1]}”"
            row.errors.append(f"citations: {reason}" if key[1] else "citations: name a source (slug, id or URL)")
            continue
        citation = {"source": source, "quote": _text(item.get("quote"))}
        for name in CITATION_FIELDS:
            if name in item:
                citation[name] = _text(item[name])
        if "credibility" in citation:
            if citation["credibility"] not in {str(number) for number in range(1, 7)}:
                row.errors.append(f"credibility: “{citation['credibility']}” is not a grade from 1 to 6")
                continue
            citation["credibility"] = int(citation["credibility"])
        if (source.pk, citation["quote"]) in seen:
            row.errors.append(f"citations: the same quote from {source.slug} is cited twice")
        seen.add((source.pk, citation["quote"]))
        citations.append(citation)
    return citations


def _import_row(number, raw, lookups, user, may_publish, seen_slugs):
    """The row's report, and for a new event what `event_build` made of it (written later, in bulk)."""
    slug = _row_slug(raw)
    row = ImportRow(number=number, slug=slug, title=_text(raw.get("title")))
    try:
        data = _resolve(raw, lookups, lookups.source_errors, row)
    except (ValueError, TypeError) as error:
        row.errors.append(f"citations: cannot read them ({error})")
        data = {}
    event = lookups.events.get(slug)
    if not slug:
        row.errors.append("slug: give a slug or a title")
    elif slug in seen_slugs:
        row.errors.append(f"slug: “{slug}” is already imported by row {seen_slugs[slug]}")
    seen_slugs.setdefault(slug, number)
    if event is None and "type" not in data:
        row.errors.append("type: a new event needs a type")
    if "status" in data and not may_publish:
        current = Event.Status.DRAFT if event is None else event.status
        if data.pop("status") != current:
            row.notes.append(f"status stays {current}: publishing needs the “can publish events” permission")
    if row.errors:
        row.action = "refuse"
        return row, None
    row.action = "create" if event is None else "update"
    if event is not None:
        row.changes = event_changes(event=event, data=data)
        if not row.changes:
            row.action = "unchanged"
            return row, None
    new_event = None
    try:
        if event is None:
            new_event = event_build(user=user, slug=slug, **{"title": "", "date": "", **data})
        else:
            with transaction.atomic():
                event_update(event=event, user=user, data=data)
    except ValidationError as error:
        row.errors.extend(error_messages(error))
    except PermissionDenied as error:
        row.errors.append(str(error))
    if row.errors:
        row.action = "refuse"
    return row, new_event


def events_import(*, rows, user, dry_run=False, progress=None):
    """Import `rows` (from `import_rows_read`) as `user`; returns an `ImportReport`.

    All or nothing: if any row is refused, or `dry_run` is set, every write is rolled back.
    Events are drafts unless `user` may publish. `progress(done, total)` is called per row
    checked; the new events are written after the last row, in bulk.
    """
    may_publish = user.has_perm(PUBLISH_PERMISSION)
    report = ImportReport(rows=[], dry_run=dry_run)
    with transaction.atomic():
        lookups = _Lookups(rows)
        report.new_sources, lookups.source_errors = _new_sources(rows, lookups, user)
        seen_slugs, new_events = {}, []
        for number, raw in enumerate(rows, start=1):
            row, new_event = _import_row(number, raw, lookups, user, may_publish, seen_slugs)
            report.rows.append(row)
            if new_event is not None:
                new_events.append((row, new_event))
            if progress:
                progress(number, len(rows))
        if new_events and not report.refused:
            _write_new_events(new_events, user)
        report.written = not (dry_run or report.refused)
        if not report.written:
            transaction.set_rollback(True)
    return report


def _write_new_events(new_events, user):
    """Write the file's new events; if the database refuses them (someone took one of their
    slugs since the file was checked), the first new row says so and nothing is written."""
    try:
        with transaction.atomic():
            events_bulk_create(new_events=[new_event for _, new_event in new_events], user=user)
    except IntegrityError as error:
        row = new_events[0][0]
        row.action = "refuse"
        row.errors.append(f"the database refused the new events, so none was written: {error}".strip())
