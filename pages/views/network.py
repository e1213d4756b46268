"""The network on a date (`/network/`, `/network/YYYY-MM-DD/`): who was where, drawn.

People, factions and offices are nodes, each a link to its page; the memberships and tenures
that may be current on the day are edges, dashed where the record is unsure of them on that
day, as the board marks them "possibly", and dotted past their latest report. `?together=1`
adds people who took part in the same events near the day (`pages.network`).

Every node sits where the whole record's layout put it (`pages.network_layout`), so moving the
date shows who arrives, leaves and changes sides while everyone else stays put.
`?compare=YYYY-MM-DD` marks what differs from that day on the picture (new edges and nodes
bold, what only the other day had faded and dashed) and lists the changes under it in words.

A screen holds `MAX_NODES` names at most: the most linked on the day are drawn, and the page
says how many more there are. The filters narrow the picture to a neighbourhood: a faction's
(its members, and where else they sat), an organisation's offices' (their holders, and where
else they sat), or a person's to one or two steps. A phone gets a picture of its own, one
person's neighbourhood (the filter's, or else the best connected person's): the whole web
drawn 350 pixels wide would have names too small to read.
"""

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse

from actors.models import Actor, Faction, Office
from core import page_cache
from core.dates import display
from events.models import Event

from .. import network_layout
from ..forms import day_field
from ..network import (
    Addresses,
    best_connected_person,
    busiest,
    changes,
    day_graph,
    last_known_day,
    neighbourhood,
    strongest_together,
)
from .board import NotADay, _date
from .neighbourhood import NARROW_NODES, legend_keys, places_of
from .network_svg import MEDIUM, MEDIUM_NODES, NARROW, WIDE, draw, point

# Past about this many names a picture a screen wide is a blur; the most linked are drawn.
MAX_NODES = 120
# Lines of shared events a picture draws at most, the strongest: past this the spans are lost under them.
MAX_TOGETHER = 150


class PersonField(forms.ModelChoiceField):
    """An actor by slug, or by a name in any script or spelling that only one actor answers to
    (`Actor.objects.matching`, the timeline's name search); otherwise the reason, naming those
    who match so that the reader can pick one."""

    SHOWN = 5  # names an ambiguous answer lists

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        found = self.queryset.filter(slug=value).first() or None
        if found is not None:
            return found
        matches = list(self.queryset.matching(value).order_by("sort_name", "slug")[: self.SHOWN + 1])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise forms.ValidationError(f"No one on record goes by “{value[:60]}”.")
        named = ", ".join(f"{actor.name} ({actor.slug})" for actor in matches[: self.SHOWN])
        more = " and more" if len(matches) > self.SHOWN else ""
        raise forms.ValidationError(f"Several people answer to “{value[:60]}”: {named}{more}. Give one slug.")

    def prepare_value(self, value):
        return getattr(value, "slug", value)


class NetworkForm(forms.Form):
    date = day_field("Network on")
    compare = day_field("Compare with")
    together = forms.BooleanField(required=False, label="Shared events")
    faction = forms.ModelChoiceField(
        Faction.objects.only("slug", "name").order_by("name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label="Any",
        error_messages={"invalid_choice": "No faction on record has this slug."},
    )
    organization = forms.ModelChoiceField(
        Actor.objects.filter(kind=Actor.Kind.ORGANIZATION, offices__isnull=False)
        .distinct()
        .only("slug", "name")
        .order_by("name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label="Any",
        label="Offices of",
        error_messages={"invalid_choice": "No organisation with offices on record has this slug."},
    )
    actor = PersonField(
        Actor.objects.only("slug", "name"),
        to_field_name="slug",
        required=False,
        label="Person",
        widget=forms.TextInput(attrs={"placeholder": "a name in any script, or a slug"}),
    )
    depth = forms.TypedChoiceField(
        choices=[("1", "1 step"), ("2", "2 steps")],
        coerce=int,
        required=False,
        empty_value=1,
        label="Around the person",
    )


PARAMETERS = tuple(NetworkForm.base_fields)


@page_cache.query_parameters(*PARAMETERS)
def network_today(request):
    """`/network/`: the last day the record knows; with `?date=`, a redirect to that day's address."""
    form = NetworkForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["date"]:
        query = request.GET.copy()
        del query["date"]
        target = reverse("actors:network-on", args=[form.cleaned_data["date"].isoformat()])
        return redirect(f"{target}?{query.urlencode()}" if query else target)
    return _network(request, last_known_day(request.user), form)


@page_cache.query_parameters(*PARAMETERS)
def network_on(request, day):
    try:
        day = _date(day)
    except NotADay as problem:
        form = NetworkForm({problem.field: problem.text[:40]})
        form.is_valid()
        return _page(request, {"form": form}, status=400)
    return _network(request, day, NetworkForm(request.GET or None))


def _network(request, day, form):
    if form.is_bound and not form.is_valid():
        return _page(request, {"form": form, "day": day}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    events = Event.objects.visible_to(request.user) if data.get("together") else None
    addresses = Addresses()
    focus, depth = _focus(data)
    scope = _scope(day_graph(day, events=events, addresses=addresses), focus, depth)
    drawn = strongest_together(scope.within(busiest(scope, MAX_NODES, first=focus)), MAX_TOGETHER)
    context = {
        "day": day,
        "day_display": display(day.isoformat()),
        "form": form,
        "together": bool(events is not None),
        "shown": len(drawn.nodes),
        "total": len(scope.nodes),
        "focus_missing": bool(focus) and not any(node in scope.nodes for node in focus),
        "filtered": bool(focus),
        "board_url": reverse("actors:board", args=[day.isoformat()]),
    }
    marks, gone = {}, None
    compare = data.get("compare")
    if compare is not None:
        other = _scope(day_graph(compare, events=events, addresses=addresses), focus, depth)
        marks, gone = _differences(drawn, scope, other)
        context.update(_comparison(request, (day, scope), (compare, other)))
    context.update(_pictures(context, scope, drawn, focus, marks, gone))
    return _page(request, context)


def _comparison(request, seen, other):
    """What a page with `?compare=` says of the two days: `seen` and `other`, each (day, graph)."""
    (day, _), (compare, _) = seen, other
    earlier, later = sorted([seen, other], key=lambda pair: pair[0])
    return {
        "compare": compare,
        "compare_display": display(compare.isoformat()),
        "earlier": display(earlier[0].isoformat()),
        "later": display(later[0].isoformat()),
        "changes": changes(earlier[1], later[1]),
        "swap_url": reverse("actors:network-on", args=[compare.isoformat()]) + f"?{_swapped(request, day)}",
    }


def _pictures(context, scope, drawn, focus, marks, gone):
    """The wide picture (`drawn`) and the phone's (one neighbourhood of `scope`), at the kept
    layout's places; sets `narrow_person` in `context` when the page chose whose it is."""
    positions = network_layout.positions()
    narrow_focus = [node for node in focus if node.startswith("actor/")] or focus
    if not narrow_focus:
        person = best_connected_person(drawn)
        narrow_focus = [person.id] if person else []
        context["narrow_person"] = person
    narrow = scope.within(busiest(scope.within(neighbourhood(scope, narrow_focus, 1)), NARROW_NODES, narrow_focus))
    narrow = strongest_together(narrow, NARROW_NODES)
    everything = {**scope.nodes, **(gone.nodes if gone else {})}
    places = places_of(everything, positions, scope)
    whole = _corners(positions) if not focus else [places[node] for node in drawn.nodes]
    if gone is not None and focus:
        whole += [places[node] for node in gone.nodes]
    return {
        "wide": draw(
            drawn,
            places,
            MEDIUM if focus and len(drawn.nodes) <= MEDIUM_NODES else WIDE,
            frame_points=whole,
            marks=marks,
            gone=gone,
        ),
        "narrow": draw(
            narrow,
            places,
            NARROW,
            frame_points=[places[node] for node in narrow.nodes] or whole,
            marks=marks,
            gone=gone.within(set(narrow.nodes) | _touching(gone, narrow)) if gone else None,
        ),
        "narrow_shown": len(narrow.nodes),
        "shows": legend_keys(drawn, gone),
    }


def _page(request, context, status=200):
    """The page, its form's lists of factions and organisations read as plain rows: the form's
    own select widgets took longer to draw than the network."""
    form = context["form"]
    for name in ("faction", "organization"):
        context[f"{name}_choices"] = form.fields[name].queryset.values_list("slug", "name")
    return render(request, "pages/network.html", context, status=status)


def _focus(data):
    """The filter's own nodes and how many steps around them the picture reaches."""
    focus, depth = [], 2
    if data.get("faction"):
        focus.append(f"faction/{data['faction'].slug}")
    if data.get("organization"):
        offices = Office.objects.filter(organization=data["organization"]).order_by("slug")
        focus += [f"office/{slug}" for slug in offices.values_list("slug", flat=True)]
    if data.get("actor"):
        focus.insert(0, f"actor/{data['actor'].slug}")
        depth = data.get("depth") or 1
    return focus, depth


def _scope(graph, focus, depth):
    return graph.within(neighbourhood(graph, focus, depth)) if focus else graph


def _differences(drawn, scope, other):
    """Marks for what is drawn (new on the day or changed since the other), and the graph of what
    only the other day had, next to what is drawn."""
    marks = {}
    for key, edge in drawn.edges.items():
        if edge.kind == "together":
            continue
        if key not in other.edges:
            marks[key] = "new"
        elif other.edges[key].role != edge.role:
            marks[key] = "changed"
    for node in drawn.nodes:
        if node not in other.nodes:
            marks[node] = "new"
    gone = type(scope)(other.day)
    for key, edge in other.edges.items():
        if (
            edge.kind != "together"
            and key not in scope.edges
            and (edge.source in drawn.nodes or edge.target in drawn.nodes)
        ):
            gone.edges[key] = edge
            for node in (edge.source, edge.target):
                gone.nodes[node] = other.nodes[node]
    return marks, gone


def _touching(graph, drawn):
    return {
        node
        for edge in graph.edges.values()
        for node in (edge.source, edge.target)
        if edge.source in drawn.nodes or edge.target in drawn.nodes
    }


def _corners(positions):
    """The corners of the whole layout: the whole web's frame, the same on every date."""
    if not positions:
        return []
    xs, ys = [x for x, _ in positions.values()], [y for _, y in positions.values()]
    return [point((min(xs), min(ys))), point((max(xs), max(ys)))]


def _swapped(request, day):
    query = request.GET.copy()
    query["compare"] = day.isoformat()
    return query.urlencode()
