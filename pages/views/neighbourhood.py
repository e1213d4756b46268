"""A person's own neighbourhood on a day, for their page, and what the network pictures share.

Kept apart from the network page's view, which builds on the board's date handling: the board
imports the detail pages, and the actor's page imports this.
"""

import datetime

from django.urls import reverse

from core import page_cache
from core.dates import display
from events.models import Event

from .. import network_layout
from ..forms import NOT_A_DAY
from ..network import around_person, busiest, last_known_day, neighbourhood
from .network_svg import MEDIUM, NARROW, draw, point

# The people, factions and offices a neighbourhood draws at most: as many names as a phone's
# picture holds.
NARROW_NODES = 24


def places_of(nodes, positions, graph):
    """Each node's place in user units; a node the kept layout lacks yet (a row written without
    a new generation) is placed for this answer as the layout would place it, and not kept."""
    missing = sorted(node for node in nodes if node not in positions)
    extra = network_layout.places_for(missing, positions, graph.neighbours()) if missing else {}
    return {node: point(positions.get(node) or extra[node]) for node in nodes}


def legend_keys(drawn, gone):
    """What the legend explains: only what this picture draws."""
    edges = list(drawn.edges.values())
    return {
        "together": any(edge.kind == "together" for edge in edges),
        "possibly": any(edge.doubt for edge in edges),
        "unconfirmed": any(edge.unconfirmed and not edge.doubt for edge in edges),
        "organization": any(node.kind == "organization" for node in drawn.nodes.values()),
        "gone": bool(gone and gone.edges),
    }


def actor_network(request, actor, spans):
    """The person's own neighbourhood (one step, shared events too) on `?network_on=YYYY-MM-DD`,
    by default the last day of their spans the record knows (`spans`: theirs, already read), for
    the actor's page; or the reason the day is no day."""
    error, day = "", None
    text = request.GET.get("network_on")
    if text:
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            error = NOT_A_DAY
    if day is None:
        today = datetime.date.today()
        ends = [end for span in spans for end in (span.start_lower, span.end_lower) if end and end <= today]
        day = max(ends) if ends else last_known_day(request.user)

    def make():
        node = f"actor/{actor.slug}"
        graph = around_person(day, actor.pk, events=Event.objects.visible_to(request.user))
        around = graph.within(busiest(graph.within(neighbourhood(graph, [node], 1)), NARROW_NODES, [node]))
        places = places_of(around.nodes, network_layout.positions(), graph)
        points = [places[other] for other in around.nodes]
        return {
            "linked": len(around.nodes) > 1,
            "wide": draw(around, places, MEDIUM, frame_points=points),
            "narrow": draw(around, places, NARROW, frame_points=points),
            "shows": legend_keys(around, None),
        }

    return {
        "day": day,
        "day_display": display(day.isoformat()),
        "error": error,
        "text": text if error else day.isoformat(),
        # Its pair counts are most of a fresh actor page's cost: kept per generation.
        **page_cache.part("actor-neighbourhood", (actor.pk, actor.slug, day), request.user, make),
        "network_url": reverse("actors:network-on", args=[day.isoformat()]) + f"?actor={actor.slug}&depth=2",
    }
