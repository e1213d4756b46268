"""The record as a graph, for Gephi, networkx and the like: GraphML and GEXF, streamed.

Nodes are actors (kind `person` or `organization`), factions and offices, each with its kind,
name, slug and page address; ids are "<kind>/<slug>" as in the Popolo export. Edges are
memberships (actor and faction, with the role), tenures (actor and office) and co-participation
(two people who took part in the same events, weighted by how many). A span's edge keeps its
EDTF dates as written (`start_date`, `end_date`) and the days it may hold: `start` its earliest
possible first day, `end` its latest possible last one, or none where unknown, so an edge holds
on exactly the days `SpanQuerySet.at()` finds its row. A co-participation edge starts on the
earliest first day of the shared events (open if one has none) and keeps its whole weight.

Both graphs are undirected: networkx reads neither format with directed and undirected edges
mixed, and co-participation has no direction. A span's edge still names the actor as its source.

With a day (`?at=`), the graph is that day's: the memberships and tenures that may be current
then, co-participation in the events on or before it (those `?date_before=<day>` lists), and
only the nodes those edges touch; without one, everyone and everything, and the GEXF is
dynamic, each edge from its start to its end, for Gephi's timeline. Anonymous readers count
published events only; drafts count for those who may see them.

The documents are written by hand and streamed: rows are read in chunks, a fixed number of
queries whatever their count, and nothing is held but the chunk being written.
"""

import datetime
import re
from typing import NamedTuple
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from django.db.models import Exists, OuterRef
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from actors.models import Actor, Faction, Membership, Office, Tenure
from events.coparticipation import co_participants, co_participation
from events.models import Event

CHUNK_ROWS = 1000  # rows read from the database at a time
CHUNK_CHARS = 64 * 1024  # characters sent to the client at a time

# What XML 1.0 cannot hold, not even as a character reference.
NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Node(NamedTuple):
    id: str
    kind: str
    name: str
    slug: str
    url: str


class Edge(NamedTuple):
    id: str
    kind: str
    source: str
    target: str
    role: str = ""
    start_date: str = ""
    end_date: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    weight: int | None = None


def rows(queryset):
    return queryset.iterator(chunk_size=CHUNK_ROWS)


def page_addresses(request, route):
    """The absolute address of the page `route` names, as a function of a slug; reversed once."""
    placeholder = "placeholder-slug"
    before, after = request.build_absolute_uri(reverse(route, args=[placeholder])).rsplit(placeholder, 1)
    return lambda slug: f"{before}{quote(slug, safe='')}{after}"


class Graph:
    """The nodes and edges one reader may see, for everyone or on `day`, read row by row."""

    def __init__(self, *, request, user, day=None):
        self.request, self.day = request, day
        self.events = Event.objects.visible_to(user)
        self.memberships, self.tenures = Membership.objects.all(), Tenure.objects.all()
        if day is not None:
            self.events = self.events.overlapping(end=day)
            self.memberships, self.tenures = self.memberships.at(day), self.tenures.at(day)

    def nodes(self):
        actors, factions, offices = Actor.objects.all(), Faction.objects.all(), Office.objects.all()
        if self.day is not None:
            # Only what the day's edges touch: who was where that day, and who had met whom by
            # then, not everyone the record names from 1991 on.
            actors = actors.filter(
                Exists(self.memberships.filter(actor=OuterRef("pk")))
                | Exists(self.tenures.filter(actor=OuterRef("pk")))
                | Exists(co_participants(self.events, actor=OuterRef("pk")))
                | Exists(co_participants(self.events, event__participations__actor=OuterRef("pk")))
            )
            factions = factions.filter(Exists(self.memberships.filter(faction=OuterRef("pk"))))
            offices = offices.filter(Exists(self.tenures.filter(office=OuterRef("pk"))))
        for kind, queryset, route in (
            ("actor", actors.values_list("slug", "name", "kind"), "actors:actor-detail"),
            ("faction", factions.values_list("slug", "name"), "actors:faction-detail"),
            ("office", offices.values_list("slug", "name"), "actors:office-detail"),
        ):
            address = page_addresses(self.request, route)
            for slug, name, *actor_kind in rows(queryset.order_by("slug")):
                yield Node(f"{kind}/{slug}", actor_kind[0] if actor_kind else kind, name, slug, address(slug))

    def edges(self):
        dates = ("start_date", "end_date", "start_lower", "end_upper")
        memberships = self.memberships.order_by("pk").values_list("pk", "actor__slug", "faction__slug", "role", *dates)
        for pk, actor, faction, role, *span in rows(memberships):
            yield Edge(f"membership/{pk}", "membership", f"actor/{actor}", f"faction/{faction}", role, *span)
        tenures = self.tenures.order_by("pk").values_list("pk", "actor__slug", "office__slug", *dates)
        for pk, actor, office, *span in rows(tenures):
            yield Edge(f"tenure/{pk}", "tenure", f"actor/{actor}", f"office/{office}", "", *span)
        for person, other, weight, first, undated in rows(co_participation(self.events)):
            yield Edge(
                f"co-participation/{person}/{other}",
                "co-participation",
                f"actor/{person}",
                f"actor/{other}",
                start=None if undated else first,
                weight=weight,
            )


def _text(value):
    return escape(NOT_XML.sub("\ufffd", str(value)))


def _attribute(value):
    return quoteattr(NOT_XML.sub("\ufffd", str(value)))


NODE_FIELDS = ("kind", "name", "slug", "url")
EDGE_FIELDS = ("kind", "role", "start_date", "end_date")

GRAPHML_KEYS = (
    *(("node", field, "string") for field in ("kind", "label", "name", "slug", "url")),
    *(("edge", field, "string") for field in (*EDGE_FIELDS, "start", "end")),
    ("edge", "weight", "int"),
)


def graphml(graph):
    """The graph as GraphML (graphml.graphdrawing.org), in pieces of text."""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
        ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for kind, name, type_ in GRAPHML_KEYS:
        yield f'<key id="{kind}-{name}" for="{kind}" attr.name="{name}" attr.type="{type_}"/>\n'
    yield '<graph id="kzwatch" edgedefault="undirected">\n'
    for node in graph.nodes():
        # Gephi takes a node's label from `label`.
        values = {"kind": node.kind, "label": node.name, "name": node.name, "slug": node.slug, "url": node.url}
        yield f"<node id={_attribute(node.id)}>{_graphml_data('node', values)}</node>\n"
    for edge in graph.edges():
        values = {field: getattr(edge, field) for field in (*EDGE_FIELDS, "start", "end", "weight")}
        yield (
            f"<edge id={_attribute(edge.id)} source={_attribute(edge.source)} target={_attribute(edge.target)}>"
            f"{_graphml_data('edge', values)}</edge>\n"
        )
    yield "</graph>\n</graphml>\n"


def _graphml_data(kind, values):
    return "".join(
        f'<data key="{kind}-{name}">{_text(_iso(value))}</data>'
        for name, value in values.items()
        if value not in ("", None)
    )


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


GEXF_NODE_TYPES = {"kind": "string", "name": "string", "slug": "string", "url": "anyURI"}


def gexf(graph):
    """The graph as GEXF 1.2 (gexf.net), dynamic without a day, in pieces of text."""
    mode = "static" if graph.day is not None else "dynamic"
    about = f"on {graph.day.isoformat()}" if graph.day is not None else "over time"
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
        f"<meta><creator>kzwatch</creator><description>Actors, factions and offices {about}</description></meta>\n"
        f'<graph mode="{mode}" defaultedgetype="undirected" timeformat="date">\n'
        '<attributes class="node" mode="static">\n'
    )
    for name, type_ in GEXF_NODE_TYPES.items():
        yield f'<attribute id="{name}" title="{name}" type="{type_}"/>\n'
    yield '</attributes>\n<attributes class="edge" mode="static">\n'
    for name in EDGE_FIELDS:
        yield f'<attribute id="{name}" title="{name}" type="string"/>\n'
    yield "</attributes>\n<nodes>\n"
    for node in graph.nodes():
        values = {field: getattr(node, field) for field in NODE_FIELDS}
        yield f"<node id={_attribute(node.id)} label={_attribute(node.name)}>{_gexf_values(values)}</node>\n"
    yield "</nodes>\n<edges>\n"
    for edge in graph.edges():
        ends = {"source": edge.source, "target": edge.target, "weight": edge.weight}
        if mode == "dynamic":
            ends.update(start=edge.start, end=edge.end)
        attributes = "".join(f" {name}={_attribute(_iso(value))}" for name, value in ends.items() if value is not None)
        values = {field: getattr(edge, field) for field in EDGE_FIELDS}
        yield f"<edge id={_attribute(edge.id)}{attributes}>{_gexf_values(values)}</edge>\n"
    yield "</edges>\n</graph>\n</gexf>\n"


def _gexf_values(values):
    present = "".join(
        f'<attvalue for="{name}" value={_attribute(value)}/>' for name, value in values.items() if value != ""
    )
    return f"<attvalues>{present}</attvalues>" if present else ""


def in_chunks(pieces):
    """Pieces of text joined into chunks of about CHUNK_CHARS: a write to the client per chunk, not per row."""
    buffer, size = [], 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= CHUNK_CHARS:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


class GraphQuery(serializers.Serializer):
    at = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="A day (YYYY-MM-DD): the graph of that day.",
    )


AT_PARAMETER = OpenApiParameter(
    "at",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="A day (YYYY-MM-DD): only the memberships and tenures that may be current then, co-participation "
    "in the events on or before it, and the nodes these touch.",
)
GRAPH_DESCRIPTION = (
    "Actors (kind person or organization), factions and offices as nodes with kind, name, slug and url; "
    "memberships (with role), tenures and co-participation (people in the same events, `weight` events) as "
    "undirected edges, spans with their EDTF `start_date` and `end_date`. Streamed, not paged. "
)


class GraphExportView(APIView):
    """The graph in one format (`writer`), streamed; errors are JSON as anywhere in the API."""

    permission_classes = [permissions.AllowAny]
    writer = None
    media_type = None
    extension = None

    def perform_content_negotiation(self, request, force=False):
        # The address names the format of the graph; what is rendered is only ever an error.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def get(self, request):
        query = GraphQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("at")
        graph = Graph(request=request, user=request.user, day=day)
        response = StreamingHttpResponse(in_chunks(self.writer(graph)), content_type=self.media_type)
        name = f"kzwatch-graph-{day.isoformat()}" if day else "kzwatch-graph"
        response["Content-Disposition"] = f'attachment; filename="{name}.{self.extension}"'
        # Drafts count for those who may see them.
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response


class GraphMLExportView(GraphExportView):
    writer = staticmethod(graphml)
    media_type = "application/graphml+xml; charset=utf-8"
    extension = "graphml"

    @extend_schema(
        operation_id="export_graph_graphml",
        summary="The graph as GraphML",
        description=GRAPH_DESCRIPTION + "Edges also carry `start` and `end`, the days a span may hold.",
        parameters=[AT_PARAMETER],
        responses={(200, "application/graphml+xml"): OpenApiResponse(OpenApiTypes.STR, description="GraphML.")},
    )
    def get(self, request):
        return super().get(request)


class GEXFExportView(GraphExportView):
    writer = staticmethod(gexf)
    media_type = "application/gexf+xml; charset=utf-8"
    extension = "gexf"

    @extend_schema(
        operation_id="export_graph_gexf",
        summary="The graph as GEXF",
        description=GRAPH_DESCRIPTION + "Without `at` the graph is dynamic: each edge has a `start` and, "
        "where known, an `end` (Gephi's timeline plays it).",
        parameters=[AT_PARAMETER],
        responses={(200, "application/gexf+xml"): OpenApiResponse(OpenApiTypes.STR, description="GEXF 1.2.")},
    )
    def get(self, request):
        return super().get(request)
