"""The network on a day, read from the record: who was in which faction and office, and who met whom.

A day's graph has people (and the odd organisation that holds a span) joined to the factions
they sat in and the offices they held on that day, as `SpanQuerySet.at(day)` finds them, the
role on the edge; with `together`, people are also joined to each other, weighted by the
number of events both took part in within `TOGETHER_WINDOW` of the day (the rule of
`events.coparticipation`), counting only the events the reader may see. A span's edge keeps
how sure the record is of it on that day (`certainty_on`, as the board says it).

Everything is read in a fixed number of queries, whatever the size of the record: the day's
memberships and tenures (with the latest report of each) and, when asked, one GROUP BY of
shared events. Filters and the cap on what is drawn work on those rows in memory, so a
neighbourhood costs what the whole web costs; only one person's neighbourhood, on their page,
reads no more than it needs (`around_person`). Node ids are those of the graph exports:
"actor/<slug>", "faction/<slug>", "office/<slug>".
"""

import datetime
from collections import deque
from dataclasses import dataclass, field

from django.db.models import Max, Q

from actors.models import Membership, Tenure
from actors.spans import certainty_on
from events.coparticipation import pair_weights, people_met

from .addresses import address_prefix

# A year either side of the day: people who met at a congress or stood trial together in the
# spring are still linked in the autumn, while ties a decade old no longer say who is close now.
TOGETHER_WINDOW = datetime.timedelta(days=365)


@dataclass
class Node:
    id: str
    kind: str  # "person", "organization", "faction" or "office"
    slug: str
    name: str
    href: str


@dataclass
class Edge:
    """A membership or tenure that may be current on the day, or people who met (`together`)."""

    kind: str  # "membership", "tenure" or "together"
    source: str
    target: str
    role: str = ""
    role_display: str = ""
    doubt: str = ""
    unconfirmed: str = ""
    weight: int = 1
    span: object = None

    @property
    def key(self):
        return (self.kind, self.source, self.target)

    @property
    def uncertain(self):
        return bool(self.doubt or self.unconfirmed)


@dataclass
class Graph:
    day: datetime.date
    nodes: dict = field(default_factory=dict)
    edges: dict = field(default_factory=dict)

    def neighbours(self):
        found = {node: set() for node in self.nodes}
        for edge in self.edges.values():
            found[edge.source].add(edge.target)
            found[edge.target].add(edge.source)
        return found

    def within(self, ids):
        """The part of the graph on the nodes `ids`: those nodes and the edges between them."""
        kept = Graph(self.day)
        kept.nodes = {node: self.nodes[node] for node in self.nodes if node in ids}
        kept.edges = {key: edge for key, edge in self.edges.items() if edge.source in ids and edge.target in ids}
        return kept


class Addresses:
    """Each node's page, its address reversed once per kind and request."""

    def __init__(self):
        self.prefix = {
            kind: address_prefix(route)
            for kind, route in (
                ("actor", "actors:actor-detail"),
                ("faction", "actors:faction-detail"),
                ("office", "actors:office-detail"),
            )
        }

    def node(self, kind, slug, name, actor_kind=None):
        return Node(f"{kind}/{slug}", actor_kind or kind, slug, name, f"{self.prefix[kind]}{slug}/")


SPAN_FIELDS = ("id", "start_date", "start_lower", "start_upper", "end_date", "end_lower", "end_upper")


def spans_on(model, group, day, people=None):
    """The memberships or tenures that may be current on `day`, each as the span (its dates, its
    role, its latest report) beside its actor's slug, name and kind and its group's slug and name.

    Plain rows, each made a span with only its own fields (`Model.from_db`): actors and groups
    as model instances too cost three times as much, and the picture needs only their names.
    With `people` (actor ids), theirs alone.
    """
    wanted = {*SPAN_FIELDS, *(["role"] if model is Membership else [])}
    # In the model's own order, the one `from_db` reads values in.
    fields = [field.attname for field in model._meta.get_fields() if field.concrete and field.attname in wanted]
    spans = model.objects.at(day)
    if people is not None:
        spans = spans.filter(actor_id__in=people)
    rows = (
        spans.with_last_confirmed(as_written=True)
        .order_by("pk")
        .values_list(
            *fields,
            "last_confirmed",
            "last_confirmed_as",
            "actor__slug",
            "actor__name",
            "actor__kind",
            f"{group}__slug",
            f"{group}__name",
        )
    )
    width = len(fields)
    for row in rows:
        span = model.from_db(None, fields, row[:width])
        span.last_confirmed, span.last_confirmed_as = row[width : width + 2]
        yield span, row[width + 2 : width + 5], row[width + 5 :]


SPAN_KINDS = (("membership", Membership, "faction"), ("tenure", Tenure, "office"))


def day_graph(day, *, events=None, addresses=None, people=None):
    """The graph of `day`; with `events` (those the reader may see), people who took part in the
    same ones within `TOGETHER_WINDOW` of the day are joined too. With `people` (actor ids), only
    their spans and the shared events among them."""
    addresses = addresses or Addresses()
    graph = Graph(day)
    for kind, model, group in SPAN_KINDS:
        for span, (slug, name, actor_kind), (group_slug, group_name) in spans_on(model, group, day, people):
            person, place = f"actor/{slug}", f"{group}/{group_slug}"
            if person not in graph.nodes:
                graph.nodes[person] = addresses.node("actor", slug, name, actor_kind)
            if place not in graph.nodes:
                graph.nodes[place] = addresses.node(group, group_slug, group_name)
            doubt, unconfirmed = certainty_on(span, day)
            role = getattr(span, "role", "")
            edge = Edge(
                kind,
                person,
                place,
                role=role,
                role_display=span.get_role_display().lower() if role else "",
                doubt=doubt,
                unconfirmed=unconfirmed,
                span=span,
            )
            known = graph.edges.get(edge.key)
            # Two spans of one person in one group on a day (a role that changed within a
            # range of dates): one edge, the surer of the two.
            if known is None or (known.uncertain and not edge.uncertain):
                graph.edges[edge.key] = edge
    if events is not None:
        near = events.overlapping(day - TOGETHER_WINDOW, day + TOGETHER_WINDOW)
        among = {} if people is None else {"actor_id__in": people, "event__participations__actor_id__in": people}
        for person, person_name, other, other_name, weight in pair_weights(near, **among):
            for slug, name in ((person, person_name), (other, other_name)):
                if f"actor/{slug}" not in graph.nodes:
                    graph.nodes[f"actor/{slug}"] = addresses.node("actor", slug, name, "person")
            edge = Edge("together", f"actor/{person}", f"actor/{other}", weight=weight)
            graph.edges[edge.key] = edge
    return graph


def around_person(day, actor_id, *, events):
    """What one person's neighbourhood (one step) is cut from: the spans on `day` of the person
    and of those they met in `events` within `TOGETHER_WINDOW`, and the shared events among
    them. Its part within one step of the person is the whole `day_graph`'s, read in a few
    milliseconds where the whole day takes a second at size M."""
    near = events.overlapping(day - TOGETHER_WINDOW, day + TOGETHER_WINDOW)
    return day_graph(day, events=events, people={actor_id, *people_met(actor_id, near)})


def neighbourhood(graph, focus, depth):
    """The ids of the nodes `focus` and those within `depth` edges of them on the day."""
    neighbours = graph.neighbours()
    seen = {node: 0 for node in focus if node in graph.nodes}
    queue = deque(seen)
    while queue:
        node = queue.popleft()
        if seen[node] == depth:
            continue
        for other in sorted(neighbours[node]):
            if other not in seen:
                seen[other] = seen[node] + 1
                queue.append(other)
    return set(seen)


def busiest(graph, cap, first=()):
    """At most `cap` node ids: `first` (the filter's own nodes), then the most linked on the
    day, by name among equals."""
    neighbours = graph.neighbours()
    chosen = [node for node in first if node in graph.nodes][:cap]
    rest = sorted(
        (node for node in graph.nodes if node not in set(chosen)),
        key=lambda node: (-len(neighbours[node]), graph.nodes[node].name, node),
    )
    return set(chosen + rest[: cap - len(chosen)])


def strongest_together(graph, limit):
    """`graph` with at most `limit` edges of shared events, those of the most events (by key
    among equals): among a hundred busy people nearly every pair has met, and a picture of every
    pair shows nothing."""
    together = sorted(
        (edge for edge in graph.edges.values() if edge.kind == "together"), key=lambda edge: (-edge.weight, edge.key)
    )
    dropped = {edge.key for edge in together[limit:]}
    kept = Graph(graph.day, dict(graph.nodes))
    kept.edges = {key: edge for key, edge in graph.edges.items() if key not in dropped}
    return kept


def best_connected_person(graph):
    """The person with the most links on the day (by name among equals), or None."""
    neighbours = graph.neighbours()
    people = [node for node in graph.nodes.values() if node.kind == "person"]
    if not people:
        return None
    return min(people, key=lambda node: (-len(neighbours[node.id]), node.name, node.id))


def last_known_day(user=None, *, today=None):
    """The last day the record speaks of, not after today: the latest first day of an event the
    reader may see, or of a span's start or end."""
    today = today or datetime.date.today()
    events = Membership.cause_model().objects.visible_to(user)
    days = [events.filter(date_start__lte=today).aggregate(day=Max("date_start"))["day"]]
    for model in (Membership, Tenure):
        latest = model.objects.aggregate(
            started=Max("start_lower", filter=_not_after("start_lower", today)),
            ended=Max("end_lower", filter=_not_after("end_lower", today)),
        )
        days += latest.values()
    return max((day for day in days if day is not None), default=today)


def _not_after(column, today):
    return Q(**{f"{column}__lte": today})


def span_edges(graph):
    return {key: edge for key, edge in graph.edges.items() if edge.kind != "together"}


def changes(earlier, later):
    """What changed in the memberships and tenures from the graph `earlier` to `later`, one line
    per change, by person: who left or took an office, left or joined a faction (a move from one
    faction to another is one line), or changed their role in one. Each line is the person, its
    `parts` (words, each followed by the node it names, or None) and the span's `dates`."""
    before, after = span_edges(earlier), span_edges(later)
    by_person = {}
    for key in after.keys() - before.keys():
        by_person.setdefault(after[key].source, ([], [], []))[0].append(after[key])
    for key in before.keys() - after.keys():
        by_person.setdefault(before[key].source, ([], [], []))[1].append(before[key])
    for key in before.keys() & after.keys():
        if before[key].role != after[key].role:
            by_person.setdefault(after[key].source, ([], [], []))[2].append((before[key], after[key]))
    nodes = {**earlier.nodes, **later.nodes}
    lines = []
    for person in sorted(by_person, key=lambda node: (nodes[node].name, node)):
        came, went = (sorted(edges, key=lambda edge: edge.key) for edges in by_person[person][:2])
        roles = sorted(by_person[person][2], key=lambda pair: pair[1].key)
        actor = nodes[person]
        joined = [edge for edge in came if edge.kind == "membership"]
        left = [edge for edge in went if edge.kind == "membership"]
        if len(joined) == 1 and len(left) == 1:
            # One faction for another: a change of sides, said as one.
            old, new = left[0], joined[0]
            parts = [("moved from", nodes[old.target]), ("to", nodes[new.target])]
            lines.append(_line(actor, parts, f"({new.span.start_display})"))
            came, went = [edge for edge in came if edge is not new], [edge for edge in went if edge is not old]
        for edge in went:
            words = "left office as" if edge.kind == "tenure" else "left"
            role = f" ({edge.role_display})" if edge.role_display else ""
            dates = f"{edge.span.start_display} – {edge.span.end_display}"
            lines.append(_line(actor, [(words, nodes[edge.target])], f"{role} ({dates})".strip()))
        for edge in came:
            words = "took office as" if edge.kind == "tenure" else "joined"
            role = f" as {edge.role_display}" if edge.role_display else ""
            lines.append(
                _line(actor, [(words, nodes[edge.target])], f"{role} (from {edge.span.start_display})".strip())
            )
        for old, new in roles:
            parts = [(f"became {new.role_display} of", nodes[new.target])]
            lines.append(_line(actor, parts, f"(was {old.role_display}; from {new.span.start_display})"))
    return lines


def _line(actor, parts, dates):
    return {"actor": actor, "parts": parts, "dates": dates}
