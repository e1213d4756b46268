"""The network drawn as SVG on the server: nodes at their kept places, names beside them.

Places come from `pages.network_layout` in [-1, 1], here `SCALE` user units across: a node has
the same coordinates on every date and in every filter. What changes is the frame (the
viewBox): the whole layout's for the whole web, so that moving the date leaves everyone where
they were, or the drawn nodes' own for a neighbourhood, so that it fills the picture.

Text is sized in the frame's units so that it renders at about `font_px` when the picture is
`design_px` wide: a picture scales down on a narrower screen, so each page draws one for wide
screens and one for phones, and the stylesheet shows the one that fits (`.network-wide`,
`.network-narrow`). Lines keep their width and dashes at any scale (`non-scaling-stroke`).

A name that would cover another, or run off the picture, is not written: the node keeps it as
its title, and the list under the picture names everything. Every curated text is escaped.
"""

import math
from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

SCALE = 1000
MIN_SPAN = 120  # the frame around a single node, in user units
MAX_LABEL = 28  # characters of a name written beside its node; the whole name is its title
CHAR_WIDTH = 0.56  # of the font size: an average character of the page's sans-serif
NODE_PX = {"person": 5, "organization": 5, "faction": 7, "office": 5.5}


@dataclass(frozen=True)
class Design:
    """How one picture is drawn: its width on screen, its text and the room kept for names."""

    classes: str
    design_px: int
    font_px: float
    pad_px: int
    max_ratio: float  # height over width, at most; a taller web is drawn wider


WIDE = Design("network-wide", 1040, 13, 70, 0.8)
# A few nodes spread over a whole wide screen are hard to take in at a glance: a neighbourhood
# is drawn narrower (the stylesheet holds `.network-medium` to this width).
MEDIUM = Design("network-wide network-medium", 640, 13, 60, 0.8)
MEDIUM_NODES = 30
NARROW = Design("network-narrow", 330, 12, 40, 1.4)


def point(place):
    return (round((place[0] + 1) * SCALE / 2, 1), round((place[1] + 1) * SCALE / 2, 1))


def frame(points, design):
    """The viewBox (x, y, width, height) around `points` with room for names, and the user units
    in a rendered pixel."""
    if not points:
        points = [(SCALE / 2, SCALE / 2)]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    width, height = max(max(xs) - min(xs), MIN_SPAN), max(max(ys) - min(ys), MIN_SPAN)
    width = max(width, height / design.max_ratio)
    unit = width / (design.design_px - 2 * design.pad_px)
    middle = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
    full_width, full_height = width + 2 * design.pad_px * unit, height + 4 * design.font_px * unit
    box = (middle[0] - full_width / 2, middle[1] - full_height / 2, full_width, full_height)
    return tuple(round(value, 1) for value in box), unit


# Every office on record is Kazakhstan's unless it says otherwise: its name beside the node
# leaves that out (the title keeps the whole name).
OF_KAZAKHSTAN = (" of the Republic of Kazakhstan", " of Kazakhstan")


def short(name):
    """The name as written beside its node: without "of Kazakhstan", at most `MAX_LABEL` characters."""
    for ending in OF_KAZAKHSTAN:
        if name.endswith(ending) and len(name) > len(ending):
            name = name[: -len(ending)]
            break
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1].rstrip() + "…"


def draw(graph, places, design, *, frame_points, marks=None, gone=None):
    """The SVG of `graph` (a `pages.network.Graph`) at `places` (node id -> user units).

    `marks` says which of its nodes and edges are new since the compared day ("new", by node id
    or edge key) or differ from it ("changed"); `gone` is a graph of what the compared day had
    and this one has not, drawn faded. `frame_points` are what the frame must hold.
    """
    marks, box_unit = marks or {}, frame(frame_points, design)
    box, unit = box_unit
    font = design.font_px * unit
    degree = {node: 0 for node in graph.nodes}
    for edge in graph.edges.values():
        degree[edge.source] += 1
        degree[edge.target] += 1
    names = {node.id: node.name for node in (*(gone.nodes.values() if gone is not None else ()), *graph.nodes.values())}
    lines = []
    if gone is not None:
        lines += [_edge(edge, places, names, "gone") for edge in gone.edges.values() if _both_placed(edge, places)]
    lines += [
        _edge(edge, places, names, marks.get(edge.key, "")) for edge in _ordered(graph) if _both_placed(edge, places)
    ]
    nodes = [(node, "gone") for node in (gone.nodes.values() if gone is not None else ()) if node.id not in graph.nodes]
    nodes += [(node, marks.get(node.id, "")) for node in graph.nodes.values()]
    nodes = [(node, mark) for node, mark in nodes if node.id in places]
    labels = _labels(nodes, places, degree, font, unit, box)
    drawn = format_html_join("", "{}", ((_node(node, mark, places[node.id], unit, labels),) for node, mark in nodes))
    return format_html(
        '<svg class="network {}" viewBox="{} {} {} {}" role="group" aria-label="{}">'
        '<g class="edges">{}</g><g class="nodes" font-size="{}" stroke-width="{}">{}</g></svg>',
        design.classes,
        *box,
        "The network: people, factions and offices, each a link to its page",
        # Each line escapes what it interpolates (`_edge`).
        mark_safe("".join(lines)),
        round(font, 2),
        round(3 * unit, 2),
        drawn,
    )


def _both_placed(edge, places):
    return edge.source in places and edge.target in places


def _ordered(graph):
    """Shared events first, under the spans; then by key, so the markup is the same each time."""
    return sorted(graph.edges.values(), key=lambda edge: (edge.kind != "together", edge.key))


def _edge(edge, places, names, mark):
    """One edge as an SVG line with its title. Written with `escape()` on every text rather than
    `format_html`: a web of shared events has hundreds of lines, and that was a third of the page's time."""
    (x1, y1), (x2, y2) = places[edge.source], places[edge.target]
    classes = ["edge", edge.kind]
    if edge.role:
        classes.append(f"role-{edge.role}")
    if edge.doubt:
        classes.append("possibly")
    elif edge.unconfirmed:
        classes.append("unconfirmed")
    if mark:
        classes.append(mark)
    if edge.kind == "together":
        # Thicker with the number of shared events, slowly: a pair in forty trials is not forty
        # times closer than a pair in one. A class, not a style: the pages allow no inline style.
        classes.append(f"w{1 + min(int(math.log2(edge.weight)), 3)}")
    title = f"{names[edge.source]} – {names[edge.target]}: {edge_title(edge, mark)}"
    return (
        f'<line class="{escape(" ".join(classes))}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" '
        f'data-from="{escape(edge.source)}" data-to="{escape(edge.target)}"><title>{escape(title)}</title></line>'
    )


def edge_title(edge, mark=""):
    """What an edge says on hover: who, what, the dates, and how sure the record is."""
    if edge.kind == "together":
        text = f"{edge.weight} shared event{'s' if edge.weight != 1 else ''} within a year of the day"
    else:
        span = edge.span
        what = edge.role_display or ("holds the office" if edge.kind == "tenure" else "member")
        text = f"{what}, {span.start_display} – {span.end_display}"
        if edge.doubt:
            text += f"; possibly: {edge.doubt}"
        elif edge.unconfirmed:
            text += f"; {edge.unconfirmed}"
    words = {
        "new": "; not on the compared day",
        "changed": "; different on the compared day",
        "gone": "; only on the compared day",
    }
    return text + words.get(mark, "")


def _labels(nodes, places, degree, font, unit, box):
    """Where each node's name goes ({node id: (x, y, anchor)}), the most linked first: beside
    it, before it, under or over it, wherever it covers no other name or node and stays in the
    frame; a node with no such room gets none."""
    taken = Boxes(cell=6 * font)
    for node, _ in nodes:
        x, y = places[node.id]
        r = NODE_PX[node.kind] * unit
        taken.add((x - r, y - r, x + r, y + r))
    left, top, right, bottom = box[0], box[1], box[0] + box[2], box[1] + box[3]
    found = {}
    for node, _ in sorted(nodes, key=lambda pair: (-degree.get(pair[0].id, 0), pair[0].name, pair[0].id)):
        x, y = places[node.id]
        width, gap = len(short(node.name)) * CHAR_WIDTH * font, (NODE_PX[node.kind] + 3) * unit
        for anchor, lx, ly, box_left in (
            ("start", x + gap, y + font * 0.35, x + gap),
            ("end", x - gap, y + font * 0.35, x - gap - width),
            ("middle", x, y + gap + font * 0.8, x - width / 2),
            ("middle", x, y - gap - font * 0.2, x - width / 2),
        ):
            candidate = (box_left, ly - font * 0.8, box_left + width, ly + font * 0.2)
            inside = candidate[0] >= left and candidate[2] <= right and candidate[1] >= top and candidate[3] <= bottom
            if inside and not taken.overlaps(candidate):
                taken.add(candidate)
                found[node.id] = (round(lx, 1), round(ly, 1), anchor)
                break
    return found


class Boxes:
    """Rectangles (left, top, right, bottom), filed by the cells of a grid they cover, so that
    asking whether one overlaps any looks only at its neighbours."""

    def __init__(self, cell):
        self.cell, self.cells = cell, {}

    def _cells(self, box):
        cell = self.cell
        for column in range(int(box[0] // cell), int(box[2] // cell) + 1):
            for row in range(int(box[1] // cell), int(box[3] // cell) + 1):
                yield column, row

    def add(self, box):
        for key in self._cells(box):
            self.cells.setdefault(key, []).append(box)

    def overlaps(self, box):
        return any(_overlap(box, other) for key in self._cells(box) for other in self.cells.get(key, ()))


def _overlap(one, other):
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


def _node(node, mark, place, unit, labels):
    x, y = place
    r = round(NODE_PX[node.kind] * unit, 2)
    if node.kind == "faction":
        points = f"{x},{round(y - r, 1)} {round(x + r, 1)},{y} {x},{round(y + r, 1)} {round(x - r, 1)},{y}"
        shape = format_html('<polygon points="{}"/>', points)
    elif node.kind == "office":
        shape = format_html(
            '<rect x="{}" y="{}" width="{}" height="{}"/>', round(x - r, 1), round(y - r, 1), 2 * r, 2 * r
        )
    else:
        shape = format_html('<circle cx="{}" cy="{}" r="{}"/>', x, y, r)
    label = ""
    if node.id in labels:
        lx, ly, anchor = labels[node.id]
        label = format_html('<text x="{}" y="{}" text-anchor="{}">{}</text>', lx, ly, anchor, short(node.name))
    return format_html(
        '<a class="node {}{}" href="{}" data-node="{}" data-x="{}" data-y="{}"><title>{}</title>{}{}</a>',
        node.kind,
        f" {mark}" if mark else "",
        node.href,
        node.id,
        x,
        y,
        node.name,
        shape,
        label,
    )
