"""Reconciliation: matching other people's lists of names against the record (the W3C Entity
Reconciliation Community Group's API, version 0.2; the HTTP side is `reconcile_views.py`).

An entity's id is its slug: an actor's as it is ("karim-massimov"), a faction's or an office's
with its kind in front ("faction:old-guard", "office:prime-minister-of-kazakhstan"), so that
no id names two things. Names are compared folded (`actors.names.fold`), so any script or
spelling of a name finds the same actor.

A candidate's score (0-100) says how much of a name the query is: 100 for the whole name (or
an alias) in any order, 50-90 where every word of the query is a word of the name (a
surname alone: "Nazarbayev"), less where the name only contains the query's letters. A
feminine or masculine surname ("Nazarbayeva" for "Nazarbayev") counts as the same word, a
little lower. That is 95% of the score; the last 5 points go to the better-documented actor
(events and offices on record), so that a surname alone puts its most likely bearer first.
`match` is true only when the best candidate is the one
whole-name answer, or the only one bearing every word of the query: relatives sharing a
surname make it false.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import IntegerField, OuterRef, Q, Subquery

from actors.models import Actor, Alias, Faction, Identifier, Membership, Office, Tenure
from actors.names import fold, query_tokens
from core.dates import parse
from core.rest.filters import PartialDateField
from events.models import Event, Participation

TYPES = {
    "person": "Person",
    "organisation": "Organisation",
    "faction": "Faction",
    "office": "Office",
}
ACTOR_TYPES = {"person": Actor.Kind.PERSON, "organisation": Actor.Kind.ORGANIZATION}
DEFAULT_LIMIT = 5
MAX_LIMIT = 25
MAX_QUERIES = 50  # a batch; OpenRefine sends 10 at a time
MAX_QUERY_LENGTH = 200
# How many actors a query reads before scoring; the best few are answered.
MAX_READ = 200
# How many of a query's best candidates are weighed (those tied with the last one shown).
MAX_WEIGHED = 20
# Events and offices counted towards a candidate's weight; past it the bonus hardly grows.
MAX_COUNTED = 30
# How many offices a description names.
SHOWN_OFFICES = 3
# The properties a query may name to narrow its candidates (actors only).
PROPERTIES = {
    "office": "Office held (slug, id or name); with “at”, held on that day",
    "faction": "Faction belonged to (slug, id or name); with “at”, on that day",
    "birth_date": "Birth date, YYYY, YYYY-MM or YYYY-MM-DD",
    "at": "A day (YYYY-MM-DD), or a month or year, for “office” and “faction”",
}


def entity_id(kind, slug):
    return slug if kind in ACTOR_TYPES else f"{kind}:{slug}"


def split_id(value):
    """(kind, slug) of an entity id: kind "actor" for a bare slug."""
    kind, _, slug = str(value).rpartition(":")
    return (kind or "actor"), slug


class QueryError(ValueError):
    """A query the service cannot read; the message names the query and what is wrong."""


@dataclass
class Query:
    key: str
    text: str
    types: list
    limit: int
    properties: dict = field(default_factory=dict)  # pid -> list of values (strings)


@dataclass
class Candidate:
    kind: str  # a key of TYPES
    pk: int
    slug: str
    name: str
    names: list  # folded: the name, the sorted name, aliases
    base: float = 0
    weight: int = 0  # how documented: participations and tenures
    description: str = ""

    @property
    def id(self):
        return entity_id(self.kind, self.slug)

    @property
    def score(self):
        return round(self.base * 0.95 + 5 * self.weight / (self.weight + 10), 1) if self.base else 0


def read_queries(batch):
    """`Query`s from a decoded `queries` batch (a dict of keyed queries), or QueryError."""
    if not isinstance(batch, dict):
        raise QueryError('queries: a JSON object of keyed queries, e.g. {"q0": {"query": "Massimov"}}.')
    if len(batch) > MAX_QUERIES:
        raise QueryError(f"queries: at most {MAX_QUERIES} in one batch, not {len(batch)}.")
    return [_read_query(str(key), value) for key, value in batch.items()]


def _read_query(key, value):
    where = f"queries[{key}]"
    if not isinstance(value, dict):
        raise QueryError(f"{where}: a query is an object with “query” and optional “type”, “limit”, “properties”.")
    text = value.get("query", "")
    if not isinstance(text, str) or len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"{where}.query: a name of at most {MAX_QUERY_LENGTH} characters.")
    # Untyped, a query looks for actors: a column of names is one of people or organisations.
    types = value.get("type") or list(ACTOR_TYPES)
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or any(kind not in TYPES for kind in types):
        raise QueryError(f"{where}.type: one of {', '.join(TYPES)}, or a list of them.")
    limit = value.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit < 1:
        raise QueryError(f"{where}.limit: a positive whole number.")
    properties = {}
    for item in value.get("properties") or []:
        if not isinstance(item, dict) or item.get("pid") not in PROPERTIES or "v" not in item:
            raise QueryError(f"{where}.properties: each is {{pid, v}}, pid one of {', '.join(PROPERTIES)}.")
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        properties.setdefault(item["pid"], []).extend(_property_value(v) for v in values)
    for pid in ("at", "birth_date"):
        if pid in properties:
            properties[pid] = [_day_window(f"{where}.properties {pid}", v) for v in properties[pid]]
    if not text.strip() and not properties:
        raise QueryError(f"{where}: give a “query”, or “properties” to match.")
    return Query(key, text.strip(), types, min(int(limit), MAX_LIMIT), properties)


def _property_value(value):
    if isinstance(value, dict):
        return str(value.get("id") or value.get("name") or "")
    return str(value)


def _day_window(where, value):
    try:
        return PartialDateField().clean(value)
    except ValidationError as error:
        raise QueryError(f"{where}: {' '.join(error.messages)}") from None


def reconcile(queries):
    """{key: {"result": [candidates as the API shows them]}} for a batch of `Query`s.

    A query per name for its candidates, then one for the batch's aliases; the names scored,
    only the few candidates that can be shown (the best, and those tied with the last shown)
    are weighed and described, in three queries more whatever the batch.
    """
    named = _named_groups(queries)
    found = {query.key: _candidates(query, named) for query in queries}
    _read_aliases([c for candidates in found.values() for c in candidates if c.kind in ACTOR_TYPES])
    contenders = {}
    for query in queries:
        tokens = query_tokens(query.text)
        for candidate in found[query.key]:
            # A query of properties alone is no name: each actor it finds is as likely as the next.
            candidate.base = name_score(tokens, candidate.names) if tokens else 50
        candidates = sorted((c for c in _narrowed(found[query.key], query.properties) if c.base), key=_by_name)
        # The weight can lift a candidate over others of the same base only: read it for those.
        last = candidates[query.limit - 1].base if len(candidates) >= query.limit else 0
        contenders[query.key] = [c for c in candidates if c.base >= last][:MAX_WEIGHED]
    _weigh_and_describe([c for candidates in contenders.values() for c in candidates if c.kind in ACTOR_TYPES])
    answers = {}
    for query in queries:
        candidates = sorted(contenders[query.key], key=lambda c: (-c.score, c.name, c.slug))[: query.limit]
        answers[query.key] = {"result": [_shown(c, i, candidates) for i, c in enumerate(candidates)]}
    return answers


def _by_name(candidate):
    return (-candidate.base, candidate.name, candidate.slug)


def _shown(candidate, index, candidates):
    return {
        "id": candidate.id,
        "name": candidate.name,
        "score": candidate.score,
        "description": candidate.description,
        "type": [{"id": candidate.kind, "name": TYPES[candidate.kind]}],
        "match": index == 0 and _unambiguous(candidates),
    }


def _unambiguous(candidates):
    """Whether the best candidate is the one whole name, or the only one bearing every word."""
    best, others = candidates[0], candidates[1:]
    if best.base == 100:
        return all(other.base < 100 for other in others)
    return best.base >= 50 and all(other.base < 50 for other in others)


def name_score(tokens, names):
    """How much of one of `names` (folded) the query's folded `tokens` are: 0-100."""
    best = 0
    for name in names:
        words = name.split()
        if not words or not tokens:
            continue
        if sorted(tokens) == sorted(words):
            return 100
        exact = sum(token in words for token in tokens)
        variant = sum(token not in words and _gender_variant(token, words) for token in tokens)
        if exact + variant == len(tokens):
            score = min(50 + 40 * len(tokens) / len(words), 90) - 10 * variant / len(tokens)
        elif all(token in name for token in tokens):
            score = 20 + 30 * sum(map(len, tokens)) / max(len(name.replace(" ", "")), 1)
        else:
            score = 0
        best = max(best, score)
    return round(best, 1)


def _gender_variant(token, words):
    """A surname's other form: "nazarbaeva" for "nazarbaev", and back."""
    return f"{token}a" in words or (token.endswith("a") and token[:-1] in words)


def _named_groups(queries):
    """Factions and offices with their folded names, read once for a batch that asks for them."""
    kinds = {kind for query in queries for kind in query.types if kind not in ACTOR_TYPES}
    return {
        kind: [
            (pk, slug, name, fold(f"{name} {slug}"))
            for pk, slug, name in model.objects.order_by("pk").values_list("pk", "slug", "name")
        ]
        for kind, model in (("faction", Faction), ("office", Office))
        if kind in kinds
    }


def _candidates(query, named):
    tokens = query_tokens(query.text)
    candidates = []
    kinds = [ACTOR_TYPES[kind] for kind in query.types if kind in ACTOR_TYPES]
    if kinds:
        actors = Actor.objects.filter(kind__in=kinds)
        actors = actors.matching(query.text) if tokens else actors.none() if query.text else actors
        candidates += [
            Candidate(kind=_actor_type(kind), pk=pk, slug=slug, name=name, names=[fold(name), fold(sort_name)])
            for pk, slug, name, sort_name, kind in actors.order_by("pk").values_list(
                "pk", "slug", "name", "sort_name", "kind"
            )[:MAX_READ]
        ]
    for kind, rows in named.items():
        if kind in query.types and tokens:
            candidates += [
                Candidate(kind=kind, pk=pk, slug=slug, name=name, names=[fold(name)])
                for pk, slug, name, folded in rows
                if all(token in folded for token in tokens)
            ]
    return candidates


def _actor_type(kind):
    return next(name for name, value in ACTOR_TYPES.items() if value == kind)


def _by_actor(candidates):
    by_pk = {}
    for candidate in candidates:
        by_pk.setdefault(candidate.pk, []).append(candidate)
    return by_pk


def _read_aliases(actors):
    """Add each actor candidate's aliases (folded) to its names: one query."""
    by_pk = _by_actor(actors)
    for actor_id, name in Alias.objects.filter(actor_id__in=by_pk).values_list("actor_id", "name"):
        for candidate in by_pk[actor_id]:
            candidate.names.append(fold(name))


def _weigh_and_describe(actors):
    """Each actor candidate's weight (published events and offices, each counted up to
    `MAX_COUNTED`) and description: two queries."""
    by_pk = _by_actor(actors)
    if not by_pk:
        return
    # Published events only: a draft's existence must not show, even as a point of score. A
    # count stops at MAX_COUNTED, where the bonus has all but reached its 5 points.
    taken_part = Participation.objects.filter(actor=OuterRef("pk"), event__status=Event.Status.PUBLISHED).order_by()
    held = Tenure.objects.filter(actor=OuterRef("pk")).order_by()
    weights = Actor.objects.filter(pk__in=by_pk).annotate(taken_part=_counted(taken_part), held=_counted(held))
    for pk, events, offices in weights.values_list("pk", "taken_part", "held"):
        for candidate in by_pk[pk]:
            candidate.weight = events + offices
    known_for = {}
    for tenure in Tenure.objects.filter(actor_id__in=by_pk).select_related("office").order_by("pk"):
        known_for.setdefault(tenure.actor_id, []).append(tenure)
    for pk, candidates in by_pk.items():
        description = office_description(known_for.get(pk, []))
        for candidate in candidates:
            candidate.description = description


class CountUpTo(Subquery):
    """How many rows a limited subquery gives: `CountUpTo(rows.values("pk")[:100])` reads 100 at most."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def _counted(rows):
    """How many of `rows` there are, up to MAX_COUNTED."""
    return CountUpTo(rows.values("pk")[:MAX_COUNTED])


def office_description(tenures, *, today=None):
    """What an actor is known for: the three offices held longest, single-seat ones (a head of
    something) first, with years, and how many others ("Prime Minister of Kazakhstan
    (2007–2016); Chairman of the National Security Committee (KNB) (2016–2022); Head of the
    Presidential Administration of Kazakhstan (2012–2014) and 1 other office"). A tenure with
    no known end counts up to `today`. Three, since a sitting honorary post can outlast the
    office a person is known for, and the longest alone can be either."""
    today = today or datetime.date.today()
    offices = {}
    for tenure in tenures:
        start = tenure.start_lower
        end = (tenure.end_upper or today) if not tenure.end_date else (tenure.end_upper or tenure.start_upper)
        held = offices.setdefault(tenure.office_id, {"office": tenure.office, "days": 0, "spans": []})
        held["days"] += (end - start).days if start and end else 0
        held["spans"].append(tenure)
    ranked = sorted(offices.values(), key=_known_for, reverse=True)
    shown = [f"{held['office'].name}{_in_brackets(years_held(held['spans']))}" for held in ranked[:SHOWN_OFFICES]]
    others = len(ranked) - len(shown)
    more = f" and {others} other office{'s' if others != 1 else ''}" if others else ""
    return "; ".join(shown) + more


def _known_for(held):
    """Single-seat offices first, then the longest held."""
    return (held["spans"][0].is_single_seat, held["days"])


def years_held(spans):
    """ "2007–2016": from the first known start of `spans` to the last known end, open ("2019–")
    if one is open, one year if they meet; "" when no start is known."""
    starts = [span.start_lower.year for span in spans if span.start_lower]
    if not starts:
        return ""
    ends = [span.end_upper.year if span.end_date and span.end_upper else None for span in spans]
    last = "" if None in ends else str(max(ends))
    return f"{min(starts)}–{last}" if last != str(min(starts)) else last


def _in_brackets(years):
    return f" ({years})" if years else ""


def _narrowed(candidates, properties):
    """The candidates that hold every property asked for; factions and offices are not narrowed."""
    if not properties:
        return list(candidates)
    actors = [c.pk for c in candidates if c.kind in ACTOR_TYPES]
    windows = properties.get("at") or [None]
    keep = set(actors)
    for pid, model, target in (("office", Tenure, "office"), ("faction", Membership, "faction")):
        if pid in properties:
            rows = model.objects.filter(actor_id__in=actors).filter(_named(target, properties[pid]))
            keep &= {
                actor_id
                for window in windows
                for actor_id in (rows.overlapping(*window) if window else rows).values_list("actor_id", flat=True)
            }
    if "birth_date" in properties:
        births = dict(Actor.objects.filter(pk__in=actors).values_list("pk", "birth_date"))
        keep &= {pk for pk in actors if _born_within(births.get(pk), properties["birth_date"])}
    return [c for c in candidates if c.kind not in ACTOR_TYPES or c.pk in keep]


def _named(target, values):
    """Rows whose `target` (a faction or an office) is named by one of `values`: slug, id or name."""
    condition = Q()
    for value in values:
        _, slug = split_id(value)
        condition |= Q(**{f"{target}__slug": slug}) | Q(**{f"{target}__name__iexact": value.strip()})
    return condition


def _born_within(birth_date, windows):
    if not birth_date:
        return False
    try:
        born = parse(birth_date)
    except ValidationError:
        return False
    return any(
        (born.upper is None or born.upper >= first) and (born.lower is None or born.lower <= last)
        for first, last in windows
    )


def suggest_entities(prefix, types=None, limit=10):
    """Actors (and factions, offices) whose names begin with, or hold, the words typed so far."""
    query = Query("suggest", prefix, types or list(TYPES), limit)
    candidates = _candidates(query, _named_groups([query]))
    _read_aliases([c for c in candidates if c.kind in ACTOR_TYPES])
    tokens = query_tokens(prefix)
    for candidate in candidates:
        candidate.base = name_score(tokens, candidate.names) or 1
    candidates = sorted(candidates, key=_by_name)[: limit * 2]
    _weigh_and_describe([c for c in candidates if c.kind in ACTOR_TYPES])
    candidates.sort(key=lambda c: (-c.score, c.name))
    return [
        {
            "id": c.id,
            "name": c.name,
            "description": c.description,
            "notable": [{"id": c.kind, "name": TYPES[c.kind]}],
        }
        for c in candidates[:limit]
    ]


# Data extension: what a client may fetch for reconciled actors (`extend`), and their values.
EXTEND_PROPERTIES = {
    "offices": "Offices held, with years",
    "office_at": "Office held on a day (setting “at”: YYYY-MM-DD)",
    "factions": "Factions belonged to, with role",
    "birth_date": "Birth date (EDTF, as precise as known)",
    "wikidata": "Wikidata item",
    "aliases": "Other names and spellings",
}


def extend(ids, properties):
    """{"meta": [...], "rows": {id: {property: [values]}}} for actor ids; an unknown id gets empty values.

    `properties` are (id, settings) pairs; dates are the record's EDTF text ({"str": ...}),
    never a timestamp more precise than what is known.
    """
    slugs = [slug for kind, slug in map(split_id, ids) if kind == "actor"]
    actors = {a.slug: a for a in Actor.objects.filter(slug__in=slugs).only("pk", "slug", "birth_date")}
    pks = [a.pk for a in actors.values()]
    rows = {entity: {pid: [] for pid, _ in properties} for entity in ids}
    by_pk = {a.pk: str(a.slug) for a in actors.values()}
    tenures = Tenure.objects.filter(actor_id__in=pks).select_related("office").order_by("start_lower", "pk")
    for pid, settings in properties:
        values = {}
        if pid == "offices":
            for t in tenures:
                values.setdefault(t.actor_id, []).append(_office_value(t, _in_brackets(years_held([t]))))
        elif pid == "office_at":
            window = _day_window("extend office_at setting at", (settings or {}).get("at", ""))
            for t in tenures.overlapping(*window):  # the spans' one rule, as the `at` property reads it
                values.setdefault(t.actor_id, []).append(_office_value(t, ""))
        elif pid == "factions":
            for m in Membership.objects.filter(actor_id__in=pks).select_related("faction").order_by("pk"):
                values.setdefault(m.actor_id, []).append(
                    {"id": entity_id("faction", m.faction.slug), "name": f"{m.faction.name} ({m.get_role_display()})"}
                )
        elif pid == "birth_date":
            values = {a.pk: [{"str": a.birth_date}] for a in actors.values() if a.birth_date}
        elif pid == "wikidata":
            values = {pk: [{"str": qid}] for pk, qid in identifiers(pks, "wikidata").items()}
        elif pid == "aliases":
            for actor_id, name in Alias.objects.filter(actor_id__in=pks).order_by("pk").values_list("actor_id", "name"):
                values.setdefault(actor_id, []).append({"str": name})
        else:
            raise QueryError(f"extend.properties: “{pid}” is not one of {', '.join(EXTEND_PROPERTIES)}.")
        for pk, found in values.items():
            rows[by_pk[pk]][pid] = found
    meta = [{"id": pid, "name": EXTEND_PROPERTIES[pid]} for pid, _ in properties]
    return {"meta": meta, "rows": rows}


def _office_value(tenure, years):
    return {"id": entity_id("office", tenure.office.slug), "name": f"{tenure.office.name}{years}"}


def identifiers(actor_ids, scheme):
    return dict(Identifier.objects.filter(actor_id__in=actor_ids, scheme=scheme).values_list("actor_id", "identifier"))
