"""The record as FollowTheMoney entities (followthemoney.tech), one JSON object a line, streamed.

People are `Person`s and organisations `Organization`s; factions are `Organization`s with
classification "faction"; offices are `Position`s (of their organisation), tenures `Occupancy`s,
faction memberships `Membership`s, events `Event`s with everyone who took part as `involved`.
Sources are `Article`s (news and analysis) or `HyperText`s (other sources one can read at an
address); FtM's `Document` needs a file name, which a source without an address (an informant)
has not, so such a source is no entity of its own. Every claim names its sources' addresses
(`sourceUrl`) and publishers; events, being FtM `Thing`s, also link the source entities (`proof`).
No organisation is written as a `PublicBody`: the record does not say which are public.

Ids are "kzwatch-<kind>-<slug>" (a tenure's, a membership's: its `key`), stable across loads.
FtM dates are prefixes (YYYY, YYYY-MM, YYYY-MM-DD): each is written as precisely as the record
knows it and never more ("2016-09~" gives "2016-09"; a moment known to lie between Jun and Aug
2017, "2017"; one between Dec 2016 and Feb 2017, nothing), and the EDTF text of any date FtM
cannot say exactly is kept in `notes` (`description` for tenures and memberships, whose schema
has no notes). An event's date range ("2017-06/2017-08") is its `startDate` and `endDate`.

Every value is written as FtM's cleaners would store it (see `_text`, `_name`, `_url`), so a
strict reader changes nothing; this module imports no FtM code, and tests/exchange/test_ftm.py
checks the export with the followthemoney package.
"""

import datetime
import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions
from rest_framework.renderers import BaseRenderer, JSONRenderer

from actors.models import Actor, Alias, Faction, Identifier, Membership, Office, Tenure
from core.dates import display, display_span_end, parse
from core.rows import OwnedRows
from core.text import printable
from core.visibility import sees_unpublished
from events.filters import EventFilterSet
from events.models import Citation, Event, Participation, Source

# Rows fetched (and the rows they own looked up) at a time: memory holds one chunk, whatever the size.
CHUNK_SIZE = 500
# Lines are sent in blocks of about this many bytes.
BLOCK_BYTES = 64 * 1024

# What FtM's cleaners remove or rewrite (normality's unsafe characters, its whitespace collapse,
# the quotes around a name, an address's line breaks); done here so that they leave every value alone.
_UNSAFE = re.compile(r"[\ufeff\x80-\x9f\u2028\u2029\u200b\u200c\u200d]")
_SPACES = re.compile(r"[\s\u2028\u2029\u200b\u200c\u200d]+")
_QUOTED = re.compile(r'^["\'](.*)["\']$')
_ADDRESS_BREAKS = re.compile(r"(\r\n|\n|<BR/>|<BR>|\t|ESQ\.,|ESQ,|;)")
_ADDRESS_COMMATA = re.compile(r"(,\s?[,\.])")
_ID = re.compile(r"[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?")
ID_LENGTH = 200
URL_SCHEMES = ("http", "https", "ftp", "mailto")
WIKIDATA_ITEM = re.compile(r"Q[1-9][0-9]*")

# The record's languages (actors.models.LANGUAGE_CHOICES) as FtM's ISO 639-3 codes; "und" has none.
LANGUAGES = {
    "en": "eng", "ru": "rus", "kk-Cyrl": "kaz", "kk-Latn": "kaz", "be": "bel", "uk": "ukr", "zh": "zho",
    "tr": "tur", "ar": "ara", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "pt": "por", "pl": "pol",
    "ro": "ron", "bg": "bul", "hu": "hun",
}  # fmt: skip
ARTICLE_KINDS = (Source.Kind.NEWS, Source.Kind.ANALYSIS)


def _text(value):
    """Text as FtM keeps it: NFC, no control or invisible characters, no surrounding space; None if empty."""
    text = unicodedata.normalize("NFC", printable(unicodedata.normalize("NFC", value or "")))
    return _UNSAFE.sub("", text).strip() or None


def _fixed_point(clean, value):
    """`clean` applied until it changes nothing more (FtM applies it once, so once more must change nothing)."""
    while value is not None and (cleaner := clean(value)) != value:
        value = cleaner
    return value


def _name(value):
    return _fixed_point(lambda text: _SPACES.sub(" ", _QUOTED.sub(r"\1", text)).strip() or None, _text(value))


def _address(value):
    def clean(text):
        text = _ADDRESS_COMMATA.sub(", ", _ADDRESS_BREAKS.sub(", ", text))
        return _SPACES.sub(" ", text).strip() or None

    return _fixed_point(clean, _text(value))


def _url(value):
    """An address as FtM writes it (scheme in lower case, "/" for an empty path), or None for one it refuses."""
    parsed = urlparse(_text(value) or "")
    if parsed.scheme.lower() not in URL_SCHEMES or not parsed.netloc:
        return None
    return parsed._replace(scheme=parsed.scheme.lower(), path=parsed.path.strip() or "/").geturl()


def _timestamp(moment):
    return moment.astimezone(datetime.UTC).replace(tzinfo=None, microsecond=0).isoformat()


def entity_id(kind, key):
    """ "kzwatch-<kind>-<key>"; where the key holds what an FtM id may not (an underscore) or is too
    long, its SHA-1 in its place."""
    candidate = f"kzwatch-{kind}-{key}"
    if len(candidate) <= ID_LENGTH and _ID.fullmatch(candidate):
        return candidate
    return f"kzwatch-{kind}-{hashlib.sha1(key.encode()).hexdigest()}"


# Dates.


def ftm_date(text):
    """The most precise FtM date that holds every day an EDTF value may mean, or None.

    "2017-08-15" and "2017-08" are themselves; "2016-09~" is "2016-09"; "2017-06/2017-08" (a moment
    in those months) is "2017"; "2016-12/2017-02", "../2017" and "201X" are None.
    """
    try:
        parsed = parse(text)
    except ValidationError:
        return None
    first, last = parsed.lower, parsed.upper
    if first is None or last is None or first.year != last.year:
        return None
    if first.month != last.month:
        return f"{first.year:04d}"
    if first.day != last.day:
        return f"{first.year:04d}-{first.month:02d}"
    return first.isoformat()


def _side(text):
    return None if text in ("", "..") else ftm_date(text)


def _date_note(label, text, *, moment=False):
    return f"{label}: {(display_span_end if moment else display)(text)} (EDTF {text})"


def _moment(properties, notes, prop, label, text):
    """One date of a span or a life: a moment, written as `ftm_date` has it; the EDTF in `notes` unless it is that."""
    value = ftm_date(text) if text else None
    if value:
        properties[prop] = [value]
    if text and value != text:
        notes.append(_date_note(label, text, moment=True))


def _event_dates(properties, notes, text):
    """An event's date: `date`, or for a range `startDate` and `endDate`; the EDTF in `notes` unless said exactly."""
    if "/" in text:
        start, end = (_side(side) for side in text.split("/", 1))
        properties.update(startDate=[start] if start else [], endDate=[end] if end else [])
        said = f"{start}/{end}" == text
    else:
        value = ftm_date(text) if text else None
        properties["date"] = [value] if value else []
        said = value == text
    if text and not said:
        notes.append(_date_note("Date", text))


# Entities.


def _entity(schema, id, **properties):
    """An FtM entity; empty values and repeats are left out."""
    kept = {}
    for prop, values in properties.items():
        values = list(dict.fromkeys(value for value in values if value))
        if values:
            kept[prop] = values
    return {"id": id, "schema": schema, "properties": kept}


def source_schema(kind, url):
    """Article for news and analysis, HyperText (a web page) for any other source with an address,
    None for one without (FtM's Document needs a file name)."""
    if kind in ARTICLE_KINDS:
        return "Article"
    return "HyperText" if url else None


def _source(row):
    schema = source_schema(row["kind"], row["url"])
    if schema is None:
        return None
    notes = [f"Reliability (Admiralty grade): {Source.Reliability(row['reliability']).label}"]
    properties = {}
    _moment(properties, notes, "publishedAt", "Published", row["published_date"])
    return _entity(
        schema,
        entity_id("source", row["slug"]),
        title=[_text(row["title"])],
        author=[_text(row["author"])],
        publisher=[_text(row["publisher"])],
        sourceUrl=[_url(row["url"]), _url(row["archive_url"])],
        language=[LANGUAGES.get(row["language"])],
        description=[_text(row["note"])],
        notes=notes,
        modifiedAt=[_timestamp(row["updated_at"])],
        **properties,
    )


def _actor(row, aliases, identifiers):
    person = row["kind"] == Actor.Kind.PERSON
    notes, properties = [], {}
    if person:
        _moment(properties, notes, "birthDate", "Born", row["birth_date"])
        _moment(properties, notes, "deathDate", "Died", row["death_date"])
    else:
        _moment(properties, notes, "incorporationDate", "Founded", row["birth_date"])
        _moment(properties, notes, "dissolutionDate", "Dissolved", row["death_date"])
    return _entity(
        "Person" if person else "Organization",
        entity_id("actor", row["slug"]),
        name=[_name(row["name"])],
        alias=[_name(alias) for alias in aliases],
        wikidataId=[value for scheme, value in identifiers if scheme == "wikidata" and WIKIDATA_ITEM.fullmatch(value)],
        summary=[_text(row["summary"])],
        notes=notes,
        modifiedAt=[_timestamp(row["updated_at"])],
        **properties,
    )


def _faction(row):
    return _entity(
        "Organization",
        entity_id("faction", row["slug"]),
        name=[_name(row["name"])],
        classification=["faction"],
        summary=[_text(row["summary"])],
        notes=[_text(row["orientation"] and f"Orientation: {row['orientation']}")],
        modifiedAt=[_timestamp(row["updated_at"])],
    )


def _office(row):
    # An office's organisation is an organisation by rule (Office.organization), not by constraint.
    organization = row["organization__slug"] if row["organization__kind"] == Actor.Kind.ORGANIZATION else None
    return _entity(
        "Position",
        entity_id("office", row["slug"]),
        name=[_name(row["name"])],
        organization=[entity_id("actor", organization) if organization else None],
        summary=[_text(row["summary"])],
        numberOfSeats=[str(row["seats"]) if row["seats"] else None],
        modifiedAt=[_timestamp(row["updated_at"])],
    )


def _span_properties(row, citations):
    notes, properties = [], {}
    _moment(properties, notes, "startDate", "Start", row["start_date"])
    _moment(properties, notes, "endDate", "End", row["end_date"])
    return dict(
        description=[*notes, _text(row["note"])],
        sourceUrl=[_url(url) for url, _ in citations],
        publisher=[_text(publisher) for _, publisher in citations],
        modifiedAt=[_timestamp(row["updated_at"])],
        **properties,
    )


def _tenure(row, citations):
    if row["actor__kind"] != Actor.Kind.PERSON:
        return None  # FtM's Occupancy is held by a Person only
    who = [
        f"{label}: {name}"
        for label, name in (("Predecessor", row["predecessor__name"]), ("Appointed by", row["appointed_by__name"]))
        if name
    ]
    return _entity(
        "Occupancy",
        entity_id("tenure", row["key"]),
        holder=[entity_id("actor", row["actor__slug"])],
        post=[entity_id("office", row["office__slug"])],
        summary=[_text(". ".join(who))],
        **_span_properties(row, citations),
    )


def _membership(row, citations):
    return _entity(
        "Membership",
        entity_id("membership", row["key"]),
        member=[entity_id("actor", row["actor__slug"])],
        organization=[entity_id("faction", row["faction__slug"])],
        role=[Membership.Role(row["role"]).label if row["role"] in Membership.Role.values else _text(row["role"])],
        **_span_properties(row, citations),
    )


def _event(row, participants, citations):
    notes, properties = [], {}
    _event_dates(properties, notes, row["date"])
    if participants:
        notes.append("Participants: " + "; ".join(f"{name} ({role})" for _, name, role in participants))
    if row["status"] != Event.Status.PUBLISHED:
        notes.append(f"Status: {row['status']}. {row['retraction_reason']}".strip())
    return _entity(
        "Event",
        entity_id("event", row["slug"]),
        name=[_name(row["title"])],
        summary=[_text(row["summary"])],
        description=[_text(row["date_note"])],
        location=[_address(row["location"])],
        keywords=[_text(row["type__name"])],
        involved=[entity_id("actor", slug) for slug, _, _ in participants],
        proof=[entity_id("source", slug) for slug, kind, url, _ in citations if source_schema(kind, url)],
        sourceUrl=[_url(url) for _, _, url, _ in citations],
        publisher=[_text(publisher) for *_, publisher in citations],
        notes=[_text(note) for note in notes],
        modifiedAt=[_timestamp(row["updated_at"])],
        **properties,
    )


# Reading the record: one query per kind, and per chunk one for each kind of row it owns.


def _chunks(rows):
    chunk = []
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(row)
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _owned_rows(model, owner, *columns):
    """The rows of `model` owned by some rows (an actor's aliases, an event's citations), by `core.rows.OwnedRows`:
    its SQL compiled once, not at every chunk."""
    return OwnedRows(
        lambda ids: model.objects.filter(**{f"{owner}__in": ids}).order_by("pk").values_list(owner, *columns)
    )


ALIASES = _owned_rows(Alias, "actor_id", "name")
IDENTIFIERS = _owned_rows(Identifier, "actor_id", "scheme", "identifier")
TENURE_CITATIONS = _owned_rows(Citation, "tenure_id", "source__url", "source__publisher")
MEMBERSHIP_CITATIONS = _owned_rows(Citation, "membership_id", "source__url", "source__publisher")
PARTICIPANTS = _owned_rows(Participation, "event_id", "actor__slug", "actor__name", "role__name")
EVENT_CITATIONS = _owned_rows(Citation, "event_id", "source__slug", "source__kind", "source__url", "source__publisher")


def _owned(owned_rows, chunk):
    """{owner id: [(columns...)]} for a chunk of owners, in one query. A short chunk is padded with
    ids no row has, so that every chunk runs the same compiled SQL."""
    ids = [row["pk"] for row in chunk]
    ids += range(-1, -(CHUNK_SIZE - len(ids)) - 1, -1)
    groups = defaultdict(list)
    for owner_id, *values in owned_rows.rows(ids):
        groups[owner_id].append(tuple(values))
    return groups


SOURCE_COLUMNS = ("slug", "kind", "title", "author", "publisher", "url", "archive_url", "published_date")
SOURCE_COLUMNS += ("language", "reliability", "note", "updated_at")
ACTOR_COLUMNS = ("pk", "slug", "kind", "name", "summary", "birth_date", "death_date", "updated_at")
SPAN_COLUMNS = ("pk", "key", "actor__slug", "start_date", "end_date", "note", "updated_at")
EVENT_COLUMNS = ("pk", "slug", "title", "summary", "date", "date_note", "location", "status", "retraction_reason")
EVENT_COLUMNS += ("type__name", "updated_at")


def _actors(actors):
    for chunk in _chunks(actors.order_by("pk").values(*ACTOR_COLUMNS)):
        aliases, identifiers = _owned(ALIASES, chunk), _owned(IDENTIFIERS, chunk)
        for row in chunk:
            yield _actor(row, [name for (name,) in aliases[row["pk"]]], identifiers[row["pk"]])


def _spans(spans, columns, citation_rows, make):
    for chunk in _chunks(spans.order_by_start().values(*SPAN_COLUMNS, *columns)):
        citations = _owned(citation_rows, chunk)
        for row in chunk:
            yield make(row, citations[row["pk"]])


def _events(events):
    for chunk in _chunks(events.values(*EVENT_COLUMNS)):
        participants, citations = _owned(PARTICIPANTS, chunk), _owned(EVENT_CITATIONS, chunk)
        for row in chunk:
            yield _event(row, participants[row["pk"]], citations[row["pk"]])


def ftm_entities(events, *, sees_unpublished, subgraph):
    """Every entity of the export, as dicts, in a fixed number of queries per chunk.

    `events` are the events to write (filtered, visible to the reader). Without a filter
    (`subgraph` false) everything else is written too: the sources the reader may see, every
    actor, faction, office, tenure and membership. With one, the file is the subgraph of the
    events chosen: those events, the actors who took part in them and the sources they cite;
    the factions, offices and spans, which the events' filters do not select, are left out.
    Either way every reference in the file names an entity in it.
    """
    if subgraph:
        chosen = events.order_by().values("pk")
        sources = Source.objects.filter(pk__in=Citation.objects.filter(event__in=chosen).values("source_id"))
        actors = Actor.objects.filter(pk__in=Participation.objects.filter(event__in=chosen).values("actor_id"))
    else:
        sources, actors = Source.objects.visible(sees_unpublished=sees_unpublished), Actor.objects.all()
    for rows in _chunks(sources.order_by("pk").values(*SOURCE_COLUMNS)):
        yield from filter(None, map(_source, rows))
    yield from _actors(actors)
    if not subgraph:
        yield from map(
            _faction,
            Faction.objects.order_by("pk")
            .values("slug", "name", "summary", "orientation", "updated_at")
            .iterator(chunk_size=CHUNK_SIZE),
        )
        offices = Office.objects.order_by("pk").values(
            "slug", "name", "summary", "seats", "organization__slug", "organization__kind", "updated_at"
        )
        yield from map(_office, offices.iterator(chunk_size=CHUNK_SIZE))
        tenure_columns = ("actor__kind", "office__slug", "predecessor__name", "appointed_by__name")
        yield from filter(None, _spans(Tenure.objects.all(), tenure_columns, TENURE_CITATIONS, _tenure))
        yield from _spans(Membership.objects.all(), ("faction__slug", "role"), MEMBERSHIP_CITATIONS, _membership)
    yield from _events(events)


def ftm_lines(entities):
    """The entities as JSON lines (UTF-8), sent in blocks of about BLOCK_BYTES."""
    block = []
    size = 0
    for entity in entities:
        line = json.dumps(entity, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        block.append(line)
        size += len(line)
        if size >= BLOCK_BYTES:
            yield b"".join(block)
            block, size = [], 0
    if block:
        yield b"".join(block)


# The view.


class JSONLinesRenderer(BaseRenderer):
    """Offered so that a client asking for `application/x-ndjson` is answered; the export itself
    is a StreamingHttpResponse, and errors are JSON."""

    media_type = "application/x-ndjson"
    format = "jsonl"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode() + b"\n"


class FtmExportView(generics.GenericAPIView):
    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer, JSONLinesRenderer]
    filter_backends = [DjangoFilterBackend]
    filterset_class = EventFilterSet
    pagination_class = None

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user)

    def handle_exception(self, exc):
        # Errors are JSON, also for a request that asked for JSON lines.
        if getattr(self.request, "accepted_renderer", None) is not None:
            self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return super().handle_exception(exc)

    @extend_schema(
        summary="Everything as FollowTheMoney entities (JSON lines)",
        description="One FollowTheMoney entity a line (`application/x-ndjson`), streamed: actors as `Person` or "
        "`Organization`, factions as `Organization` (classification `faction`), offices as `Position`, tenures as "
        "`Occupancy`, memberships as `Membership`, events as `Event` (`involved`: who took part), sources as "
        "`Article` or `HyperText` (an event's `proof`); every claim's `sourceUrl` and `publisher`. Dates are FtM "
        "prefixes as precise as known, the EDTF text in `notes` (`description` for tenures and memberships) "
        "where FtM cannot say it. Without filters, the whole record; with any of the events filters, only the "
        "events they select, the actors who took part in them and the sources they cite. Anonymous readers and "
        "users who may not change events get published events only.",
        filters=True,
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.STR, description="One FollowTheMoney entity (JSON) a line."
            ),
        },
    )
    def get(self, request):
        filterset = DjangoFilterBackend().get_filterset(request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        events = filterset.qs
        chosen = filterset.form.cleaned_data
        if not chosen.get("ordering"):
            events = events.chronological()
        subgraph = any(value for name, value in chosen.items() if name != "ordering")
        entities = ftm_entities(events, sees_unpublished=sees_unpublished(request.user), subgraph=subgraph)
        response = StreamingHttpResponse(ftm_lines(entities), content_type="application/x-ndjson")
        response["Content-Disposition"] = 'attachment; filename="kzwatch.ftm.jsonl"'
        # What a reader gets depends on who they are (drafts): no shared cache may hand it to another.
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response
