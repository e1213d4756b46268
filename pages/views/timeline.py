"""The timeline at `/`: the filtered events, a time axis over all of them, 50 a page.

The filter is the API's (`EventFilterSet`), its parameters the API's, so a page's address
can be shared and turned into the same query against `/api/v1/events/`. Two text inputs
help people who know a name but not a slug: `who` (an actor, in any script or spelling)
and `in_faction` (a faction's name). The server resolves them to `actor=`/`faction=` slugs
and redirects to that address; a name that matches nothing is a form error.
"""

import itertools

from django.http import QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from actors.models import Actor, Faction
from actors.names import fold, query_tokens
from core import page_cache
from core.dates import MONTHS
from core.ordering import page_after
from core.visibility import sees_unpublished
from events.filters import EventFilterSet
from events.models import Event, EventType
from events.models.event import CHRONOLOGICAL, REVERSE_CHRONOLOGICAL

from .drawing import LANE_KINDS, MAX_SINGLES, event_axis
from .event_items import with_items

PAGE_SIZE = 50
MAX_RESOLVED = 20
ORDERINGS = {"-date": REVERSE_CHRONOLOGICAL, "date": CHRONOLOGICAL}
DEFAULT_ORDERING = "-date"  # analysts read the newest first; the form offers the other way
DEFAULT_LANES = "type"
# The people's lanes name the busiest few (and those as busy); the rest share one lane.
NAMED_PEOPLE = 12
MAX_NAMED_PEOPLE = 200
# The API's messages name its parameters; the page names its inputs by the labels beside them.
IN_READERS_WORDS = {
    "reversed_window": "“To date” (%(before)s) is earlier than “From date” (%(after)s): no event lies between.",
}


def readers_errors(form):
    """`form`'s errors by input name, worded with the page's labels where the API's words differ."""
    return {
        name: [
            IN_READERS_WORDS[problem.code] % problem.params if problem.code in IN_READERS_WORDS else message
            for problem, message in zip(problems, form.errors[name], strict=True)
        ]
        for name, problems in form.errors.as_data().items()
    }


def resolve_typed_names(data, factions):
    """Turn `who` and `in_faction` into repeated `actor`/`faction` slugs in `data` (a mutable QueryDict).

    Returns the errors by input name; an input whose name resolves is removed from `data`.
    """
    errors = {}
    who = data.get("who", "").strip()[:200]
    if "who" in data:
        data.pop("who")
    if who:
        slugs = list(Actor.objects.matching(who).order_by("sort_name", "pk").values_list("slug", flat=True)[:21])
        if not slugs:
            errors["who"] = [f"No one on record is called “{who}” in any spelling we know."]
            data["who"] = who
        elif len(slugs) > MAX_RESOLVED:
            errors["who"] = [f"More than {MAX_RESOLVED} people match “{who}”: type more of the name."]
            data["who"] = who
        else:
            _add_values(data, "actor", slugs)
    named = data.get("in_faction", "").strip()[:200]
    if "in_faction" in data:
        data.pop("in_faction")
    if named:
        tokens = query_tokens(named)
        slugs = [f.slug for f in factions if tokens and all(token in fold(f"{f.name} {f.slug}") for token in tokens)]
        if slugs:
            _add_values(data, "faction", slugs)
        else:
            errors["in_faction"] = [f"No faction on record is called “{named}”."]
            data["in_faction"] = named
    return errors


def _add_values(data, name, values):
    present = data.getlist(name)
    data.setlist(name, present + [value for value in values if value not in present])


def month_groups(events):
    """Events under year and month headings, in the order given; undated events under their own."""
    years = []
    for (year, month), rows in itertools.groupby(
        events, key=lambda e: (e.sort_date.year, e.sort_date.month) if e.sort_date else (None, None)
    ):
        if not years or years[-1]["year"] != year:
            years.append({"year": year, "months": []})
        label = f"{MONTHS[month]} {year}" if month else "Date unknown"
        years[-1]["months"].append({"label": label, "events": list(rows)})
    return years


@page_cache.query_parameters(*EventFilterSet.base_filters, "cursor", "who", "in_faction", "lanes")
def timeline(request):
    factions = list(Faction.objects.order_by("name").only("slug", "name"))
    data = request.GET.copy()
    typed = "who" in data or "in_faction" in data
    errors = resolve_typed_names(data, factions)
    if typed and not errors and not request.htmx:
        # The address names slugs only, as the API does, so it can be shared.
        return redirect(f"{request.path}?{data.urlencode()}")
    if not data.get("ordering"):
        data["ordering"] = DEFAULT_ORDERING
    filterset = EventFilterSet(data, queryset=Event.objects.visible_to(request.user), request=request)
    valid = filterset.is_valid()
    errors = {**readers_errors(filterset.form), **errors}
    types = list(EventType.objects.order_by("name").only("slug", "name"))
    by = data.get("lanes") or DEFAULT_LANES
    if by not in LANE_KINDS:
        errors["lanes"] = ["Lanes are by type, faction or person."]
    events, next_cursor, axis = [], None, None
    if not errors:
        keys = ORDERINGS[filterset.form.cleaned_data["ordering"] or DEFAULT_ORDERING]
        try:
            events, next_cursor = page_after(filterset.qs, keys, data.get("cursor"), PAGE_SIZE)
        except ValueError:
            errors["cursor"] = ["This page's link is damaged: start again from the first page."]
        else:
            axis = kept_axis(request, filterset.qs, by, types, factions, query=data)
    query = data.copy()
    query.pop("cursor", None)
    context = {
        "filterset": filterset,
        "valid": valid,
        "errors": errors,
        "query": query,
        "data": data,
        "years": month_groups(with_items(events, request.user)),
        "next_query": _with(query, cursor=next_cursor) if next_cursor else None,
        "first_query": query.urlencode(),
        "is_later_page": bool(data.get("cursor")),
        "page_size": PAGE_SIZE,
        "axis": axis,
        "lanes": by,
        "types": types,
        "chosen_types": set(data.getlist("type")),
        "factions": factions,
        **_chosen(data, query, factions),
        "export_query": _export_query(query),
        "can_see_drafts": sees_unpublished(request.user),
    }
    # A history restore (the back button) needs the whole page, not the part a filter swaps.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "pages/_timeline_results.html" if partial else "pages/timeline.html"
    response = render(request, template, context, status=400 if errors else 200)
    if partial:
        response["HX-Push-Url"] = f"{request.path}?{data.urlencode()}"
    return response


def _chosen(data, query, factions):
    """The actors and factions the filter names, as chips with their names and the address
    without each one."""
    named = Actor.objects.filter(slug__in=data.getlist("actor")[:50]).only("slug", "name")
    actors = {actor.slug: actor.name for actor in named}
    faction_names = {faction.slug: faction.name for faction in factions}
    return {
        f"chosen_{field}s": [
            {"slug": slug, "name": names.get(slug, slug), "remove": _without(query, field, slug)}
            for slug in data.getlist(field)
        ]
        for field, names in (("actor", actors), ("faction", faction_names))
    }


def kept_axis(request, events, by, types, factions, *, query):
    """The axis of the filtered `events` as HTML, with the number of events it draws, kept per
    filter and generation of what the reader may see (`page_cache.part`): its GROUP BY over every
    matching event and its hundreds of marks are most of a fresh timeline's cost. The page of
    events (`cursor`) leaves the axis as it is; its marks' links keep the rest of the query."""
    drawn = {name: query.getlist(name) for name in sorted(query) if name != "cursor"}

    def make():
        axis = events_on_axis(events, by, types, factions, query=query)
        html = render_to_string("pages/_axis.html", {"axis": axis}) if axis["lanes"] else ""
        return {"total": axis["total"], "html": html}

    return page_cache.part("timeline-axis", (by, drawn), request.user, make)


def events_on_axis(events, by, types, factions, *, query):
    """The filtered `events` drawn on an axis with lanes `by` type, faction or person.

    A fixed number of queries whatever the number of events: the lanes' buckets, the events
    with no lane, up to `MAX_SINGLES + 1` events and the lanes each is in, and the names of
    the busiest people.
    """
    singles = list(events.axis_marks(MAX_SINGLES + 1))
    by_type = list(events.axis_buckets())
    total = sum(row["count"] for row in by_type)
    if by == "type":
        for event in singles:
            event["lanes"] = [event["type_id"]]
        return event_axis(by_type, singles, {t.pk: (t.slug, t.name) for t in types}, query=query, total=total)
    buckets = list(events.axis_buckets(by)) + [{**row, "lane": None} for row in events.without_lane(by).axis_buckets()]
    lanes_of = {}
    in_lanes = Event.objects.filter(pk__in=[event["pk"] for event in singles]).with_lane(by)
    for pk, lane in in_lanes.values_list("pk", "lane").distinct():
        lanes_of.setdefault(pk, []).append(lane)
    for event in singles:
        event["lanes"] = lanes_of.get(event["pk"], [None])
    if by == "faction":
        names = {f.pk: (f.slug, f.name) for f in factions}
    else:
        counts = {}
        for row in buckets:
            counts[row["lane"]] = counts.get(row["lane"], 0) + row["count"]
        people = sorted((key for key in counts if key is not None), key=lambda key: -counts[key])
        # Everyone as busy as the busiest few is named, so that ties are ordered by name.
        least = counts[people[NAMED_PEOPLE - 1]] if len(people) >= NAMED_PEOPLE else 0
        named = [key for key in people if counts[key] >= least][:MAX_NAMED_PEOPLE]
        names = dict.fromkeys(people, (None, ""))
        names.update(
            (pk, (slug, name))
            for pk, slug, name in Actor.objects.filter(pk__in=named).values_list("pk", "slug", "name")
        )
    return event_axis(buckets, singles, names, by=by, query=query, total=total)


def _with(query, **values):
    changed = query.copy()
    for name, value in values.items():
        changed[name] = value
    return changed.urlencode()


def _without(query, name, value):
    changed = query.copy()
    changed.setlist(name, [item for item in changed.getlist(name) if item != value])
    return changed.urlencode()


def _export_query(query):
    exported = QueryDict(mutable=True)
    for name in ("q", "type", "actor", "faction", "date_after", "date_before", "ordering"):
        if query.getlist(name):
            exported.setlist(name, query.getlist(name))
    return exported.urlencode()


@page_cache.query_parameters("who")
def actor_suggestions(request):
    """`<option>`s for the `who` input's datalist: actors whose names match what was typed so far."""
    typed = request.GET.get("who", "").strip()[:200]
    actors = Actor.objects.matching(typed).order_by("sort_name", "pk").only("name", "slug")[:12] if typed else []
    return render(request, "pages/_actor_options.html", {"actors": actors})
