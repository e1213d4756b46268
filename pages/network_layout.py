"""Where each node of the network sits: one layout of the whole record, kept, never redone per request.

The network page moves through dates; if it laid out each day's graph anew, everyone would
jump about and the reader could not see who arrived and who left. So every node has one place,
from one force-directed layout (networkx's `spring_layout`, fixed seed) of the whole record's
graph: every membership and tenure of all time, and people who took part in the same published
events (drafts would give away, by where people sit, links a reader may not see).

The layout takes a fraction of a second on the article's record (about 200 nodes), 2 s at the
benchmark's size S (970 nodes) and 104 s at size M (9,680 nodes, 158,000 edges; `ITERATIONS`
caps it, and past `FORCED_NODES` only the most linked are laid out by force), so it is kept in
the shared cache with no expiry, with the `page_cache.generation()` it was made for. When the
public record has changed since, the first request does not lay it out again: it reads which
nodes the record has (0.7 s at size M), places those the layout lacks (a newly recorded person,
faction or office) near the neighbours they already have, each at a small offset its id
decides, and keeps the result for the new generation. A node the kept layout lacks while the
generation stands (a row written in bulk, which starts none) is placed the same way for that
answer alone. Placed nodes never move, so a reader coming back finds the picture as they left
it; a new node may land in a crowd, which `manage.py layout_network` (run on purpose, and by
`make run`) tidies by laying everything out afresh. Only a cache that holds no layout at all (a
new database, or a cache cleared) makes a request lay out the whole record.

Each process also keeps the last layout it read, so a request reads two small keys (the
generation and the layout's stamp) rather than the layout itself, which at size M is a few
hundred kilobytes.

Positions are in [-1, 1] on both axes, keyed by the graph exports' node ids.
"""

import hashlib
import math

from django.core.cache import cache
from django.db.models import Q

from actors.models import Actor, Membership, Tenure
from core import page_cache
from events.coparticipation import co_participants
from events.models import Event, Participation

SEED = 20  # any fixed number: the same record always gets the same picture
# The force layout moves every node a little per iteration; past about thirty the picture of
# a large record hardly changes, while each costs seconds at size M.
ITERATIONS = 30
# Shared events pull people together less than a shared office or faction: a span says where
# someone stood, a shared event only that they met.
TOGETHER_PULL = 0.3
# The force layout weighs every pair of nodes in each iteration: 104 s for M's 9,680 nodes,
# over an hour for L's 53,000 on these machines. Past this many nodes only the most linked are
# laid out by force, and the rest placed near their neighbours as a newly recorded node is.
FORCED_NODES = 10_000
# How much of a node's place is its rank along each axis rather than where the forces left it.
RANKED = 0.8
NEAR = 0.04  # how far from its neighbours' middle a newly placed node sits
# Keys after the readers' pages ("page:...") in key order: a database cache that culls past its
# size removes the first keys in that order, and the layout is the one worth keeping.
LAYOUT_KEY = "pages:network:layout"
STAMP_KEY = "pages:network:layout-stamp"

KINDS = ("actor", "faction", "office")

_kept = {}  # this process's copy: {"stamp": generation, "positions": {...}}


def record_graph():
    """The whole record as a networkx graph: span edges (weight 1) and shared published events."""
    import networkx

    graph = networkx.Graph()
    edges = {}
    for model, group in ((Membership, "faction"), (Tenure, "office")):
        for actor, holder in model.objects.values_list("actor__slug", f"{group}__slug").distinct():
            edges[(f"actor/{actor}", f"{group}/{holder}")] = 1.0
    pairs = (
        co_participants(Event.objects.published())
        .values_list("actor__slug", "event__participations__actor__slug")
        .order_by()
        .distinct()
    )
    for person, other in pairs:
        edges.setdefault((f"actor/{person}", f"actor/{other}"), TOGETHER_PULL)
    # Insertion order decides the result as much as the seed: sort it.
    graph.add_nodes_from(sorted({node for pair in edges for node in pair}))
    graph.add_weighted_edges_from((*pair, weight) for pair, weight in sorted(edges.items()))
    return graph


def lay_out():
    """Positions of every node of the whole record, laid out afresh."""
    import networkx

    graph = record_graph()
    # People in published events with no one else on record have no edge, but `extended`
    # counts them as the record's: placed here, they are not missing at every change.
    graph.add_nodes_from(sorted(record_nodes() - set(graph)))
    core = most_linked(graph, FORCED_NODES)
    placed = networkx.spring_layout(core, seed=SEED, iterations=ITERATIONS, weight="weight")
    placed = evened({node: (float(x), float(y)) for node, (x, y) in placed.items()})
    rest = sorted(set(graph) - set(core))
    return {**placed, **places_for(rest, placed, {node: set(graph[node]) for node in rest})}


def most_linked(graph, count):
    """`graph` itself, or past `count` nodes the part of it that holds its `count` most linked
    (by weight; ties by id), their nodes in the order `graph` has them."""
    if len(graph) <= count:
        return graph
    ranked = sorted(graph, key=lambda node: (-graph.degree(node, weight="weight"), node))
    return graph.subgraph(ranked[:count]).copy()


def evened(placed):
    """`placed` spread more evenly over the square, each axis on its own: mostly by rank (the
    n-th from the left goes n/N of the way across), partly as laid out.

    A force layout of a whole record packs the well-connected core into a knot a tenth of the
    picture wide and flings small separate groups to the edges; names in the knot could not be
    written. By rank, the order left to right and top to bottom is kept, and with it who is
    near whom, while the knot opens to the room the picture has.
    """
    if len(placed) < 2:
        return {node: (0.0, 0.0) for node in placed}
    spread = {}
    for axis in (0, 1):
        ordered = sorted(placed, key=lambda node: (placed[node][axis], node))
        reach = max(abs(placed[node][axis]) for node in ordered) or 1
        for rank, node in enumerate(ordered):
            by_rank = -1 + 2 * rank / (len(ordered) - 1)
            spread.setdefault(node, []).append(round(RANKED * by_rank + (1 - RANKED) * placed[node][axis] / reach, 4))
    return {node: tuple(spread[node]) for node in placed}


def relayout():
    """Lay out the whole record again and keep it for the current generation (the command's work)."""
    return _keep(page_cache.generation(), lay_out())


def is_kept():
    """Whether the cache holds a layout (one made by a full layout, perhaps extended since)."""
    return cache.get(LAYOUT_KEY) is not None


def positions():
    """Every node's place: the kept layout, extended to the nodes the record gained since."""
    generation = page_cache.generation()
    stamp = cache.get(STAMP_KEY)
    if stamp is not None and _kept.get("stamp") == stamp:
        kept = _kept
    else:
        kept = cache.get(LAYOUT_KEY)
        if kept is None:
            return relayout()
        _kept.update(kept)
    if kept["stamp"] != generation:
        return _keep(generation, extended(kept["positions"]))
    return kept["positions"]


def _keep(generation, placed):
    cache.set(LAYOUT_KEY, {"stamp": generation, "positions": placed}, timeout=None)
    cache.set(STAMP_KEY, generation, timeout=None)
    _kept.clear()
    _kept.update(stamp=generation, positions=placed)
    return placed


def record_nodes():
    """The ids of every node the whole layout would hold, read cheaply (no pairs of people)."""
    nodes = set()
    for model, group in ((Membership, "faction"), (Tenure, "office")):
        for actor, holder in model.objects.values_list("actor__slug", f"{group}__slug").distinct():
            nodes.update((f"actor/{actor}", f"{group}/{holder}"))
    people = Participation.objects.filter(event__status=Event.Status.PUBLISHED, actor__kind=Actor.Kind.PERSON)
    nodes.update(f"actor/{slug}" for slug in people.values_list("actor__slug", flat=True).distinct())
    return nodes


def neighbours_of(missing):
    """The edges of the nodes in `missing` in the whole record, as {node: set of neighbours}."""
    slugs = {kind: sorted(node[len(kind) + 1 :] for node in missing if node.startswith(f"{kind}/")) for kind in KINDS}
    found = {node: set() for node in missing}

    def link(one, other):
        for node, neighbour in ((one, other), (other, one)):
            if node in found:
                found[node].add(neighbour)

    for model, group in ((Membership, "faction"), (Tenure, "office")):
        rows = model.objects.filter(Q(actor__slug__in=slugs["actor"]) | Q(**{f"{group}__slug__in": slugs[group]}))
        for actor, holder in rows.values_list("actor__slug", f"{group}__slug").distinct():
            link(f"actor/{actor}", f"{group}/{holder}")
    if slugs["actor"]:
        events = Event.objects.published()
        for condition in (
            {"actor__slug__in": slugs["actor"]},
            {"event__participations__actor__slug__in": slugs["actor"]},
        ):
            pairs = co_participants(events, **condition).values_list(
                "actor__slug", "event__participations__actor__slug"
            )
            for person, other in pairs.order_by().distinct():
                link(f"actor/{person}", f"actor/{other}")
    return found


def extended(placed, nodes=None, neighbours=None):
    """`placed` with a place for each of `nodes` (default: the record's) it lacks, near its
    placed `neighbours` (default: read from the record); placed nodes keep theirs."""
    missing = sorted(set(record_nodes() if nodes is None else nodes) - set(placed))
    if not missing:
        return placed
    neighbours = neighbours_of(missing) if neighbours is None else neighbours
    return {**placed, **places_for(missing, placed, neighbours)}


def places_for(missing, placed, neighbours):
    """A place for each of `missing`: near the middle of its placed neighbours (those placed in
    this same pass too), at an offset its id decides; one with none on the rim of the picture."""
    new, waiting = {}, list(missing)
    while waiting:
        still = []
        for node in waiting:
            near = [placed.get(other) or new.get(other) for other in sorted(neighbours.get(node, ()))]
            near = [place for place in near if place]
            if not near:
                still.append(node)
                continue
            x = sum(place[0] for place in near) / len(near)
            y = sum(place[1] for place in near) / len(near)
            angle = _angle(node)
            new[node] = (round(x + NEAR * math.cos(angle), 4), round(y + NEAR * math.sin(angle), 4))
        if len(still) == len(waiting):
            # Nothing placed in this pass: the rest have no placed neighbour at all.
            for node in still:
                angle = _angle(node)
                new[node] = (round(math.cos(angle), 4), round(math.sin(angle), 4))
            break
        waiting = still
    return new


def _angle(node):
    """An angle that only the node's id decides: the same place on every machine and run."""
    digest = hashlib.sha256(node.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 * 2 * math.pi
