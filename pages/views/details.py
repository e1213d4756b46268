"""One record's page: an event with all its evidence, an actor, a faction, an office.

Each view fetches everything its template shows in a fixed number of queries; the events
a page lists are the newest `RECENT` the reader may see, with a link to all of them on the
timeline. Anonymous readers never see a draft, not even as the cause of a tenure.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from actors.models import LANGUAGE_CHOICES, Actor, Alias, Faction, Identifier, Membership, Office, Tenure
from core import page_cache
from core.history import KNOWN_PARAMETER
from core.visibility import sees_unpublished
from events.filters import EventFilterSet
from events.models import Citation, Event, Participation, Source
from events.record import CAUSE_SLUGS, Record, show_causes

from .drawing import span_chart
from .event_items import with_items, with_own_items
from .known import known_context, refused_moment
from .neighbourhood import actor_network

RECENT = 50
LANGUAGES = dict(LANGUAGE_CHOICES)


def spans_of(record, user, model, *related, **condition):
    """The memberships or tenures a detail page lists (those matching `condition`) in `record`,
    with the rows they name, the causes `user` may see (`start_cause`, `end_cause`), and the date
    of the latest report as its source gives it, in start order: model instances, whether read
    live or from history."""
    rows = record.with_causes(record.spans(model).filter(**condition), user)
    rows = rows.select_related(*related, *CAUSES).order_by_start()
    names = dict.fromkeys(path.split("__")[0] for path in (*related, *CAUSES))
    return show_causes(
        record.instances(rows, *names, annotations=("last_confirmed", "last_confirmed_as", *CAUSE_SLUGS))
    )


CAUSES = ("started_by__type", "ended_by__type")  # what a page shows of a span's causes


def event_detail(request, slug):
    visible = Event.objects.visible_to(request.user)
    neighbours = visible.select_related("type").chronological()
    event = get_object_or_404(
        visible.select_related("type", "parent").prefetch_related(
            Prefetch("participations", Participation.objects.select_related("actor", "role").order_by("pk")),
            Prefetch("citations", Citation.objects.select_related("source__relayed_by").order_by("pk")),
            Prefetch("related", neighbours),
            Prefetch("children", neighbours),
        ),
        slug=slug,
    )
    parent = event.parent
    if parent is not None and not (sees_unpublished(request.user) or parent.status == Event.Status.PUBLISHED):
        parent = None
    context = {
        "event": event,
        "parent": parent,
        "grades": Source.Reliability.choices,
        "credibilities": Citation.Credibility.choices,
        "can_see_drafts": sees_unpublished(request.user),
    }
    return render(request, "pages/event_detail.html", context)


def recent_events(request, record, **filters):
    """The newest `RECENT` events the reader may see that match the API's `filters` (slug lists),
    with their participants and citations; in the past, as they then stood."""
    visible = record.rows(Event).visible_to(request.user)
    # The filters read the participations and memberships of the same record (`EventFilterSet.rows`).
    matching = EventFilterSet(filters, queryset=visible, request=request).qs
    if record.past:
        events = with_own_items(record.newest_events(matching, RECENT))
    else:
        events = with_items(list(matching.reverse_chronological()[:RECENT]), request.user)
    return {"events": events, "more_events": len(events) == RECENT, "can_see_drafts": sees_unpublished(request.user)}


def _record(request):
    """The record the page reads (`?known=`), or the 400 page saying why its moment is wrong."""
    try:
        return Record.from_query(request.GET), None
    except ValueError as problem:
        return None, refused_moment(request, problem)


def _one(record, model, **condition):
    """One actor, faction or office as it stood in `record` (404 if it was not on record then)."""
    if not record.past:
        return get_object_or_404(model.objects.all(), **condition)
    rows = record.instances(record.rows(model).filter(**condition)[:1])
    if not rows:
        raise Http404(f"No {model._meta.verbose_name} by that name was on record then.")
    return rows[0]


@page_cache.query_parameters(KNOWN_PARAMETER, "network_on")
def actor_detail(request, slug):
    record, refused = _record(request)
    if refused:
        return refused
    actor = _one(record, Actor, slug=slug)
    aliases = record.instances(record.rows(Alias).filter(actor_id=actor.pk).order_by("lang", "name"))
    identifiers = record.instances(record.rows(Identifier).filter(actor_id=actor.pk).order_by("id"))
    tenures = spans_of(record, request.user, Tenure, "office", "predecessor", "appointed_by", actor_id=actor.pk)
    memberships = spans_of(record, request.user, Membership, "faction", actor_id=actor.pk)
    names = {}
    for alias in aliases:
        names.setdefault(LANGUAGES.get(alias.lang, alias.lang), []).append(alias)
    recent = recent_events(request, record, actor=[actor.slug])
    chart = span_chart(
        [(t.office.name, reverse("actors:office-detail", args=[t.office.slug]), t) for t in tenures]
        + [
            (f"{m.faction.name} · {m.get_role_display().lower()}", m.faction.get_absolute_url(), m) for m in memberships
        ],
        also=[event.sort_date for event in recent["events"]],
    )
    context = {
        **known_context(request, record),
        **recent,
        "actor": actor,
        "identifiers": identifiers,
        "names": sorted(names.items()),
        "tenures": tenures,
        "memberships": memberships,
        "chart": chart,
        # The network's places and edges are today's record's (its kept layout is of it).
        "network": None if record.past else actor_network(request, actor, [*tenures, *memberships]),
    }
    # A day no calendar has in `?network_on=` is the reader's error: the page says why, with a 400.
    refused = context["network"] is not None and context["network"]["error"]
    return render(request, "pages/actor_detail.html", context, status=400 if refused else 200)


@page_cache.query_parameters(KNOWN_PARAMETER)
def faction_detail(request, slug):
    record, refused = _record(request)
    if refused:
        return refused
    faction = _one(record, Faction, slug=slug)
    memberships = spans_of(record, request.user, Membership, "actor", faction_id=faction.pk)
    recent = recent_events(request, record, faction=[faction.slug])
    chart = span_chart(
        ((f"{m.actor.name} · {m.get_role_display().lower()}", m.actor.get_absolute_url(), m) for m in memberships),
        also=[event.sort_date for event in recent["events"]],
    )
    context = {
        **known_context(request, record),
        **recent,
        "faction": faction,
        "memberships": memberships,
        "chart": chart,
    }
    return render(request, "pages/faction_detail.html", context)


@page_cache.query_parameters(KNOWN_PARAMETER)
def office_detail(request, slug):
    record, refused = _record(request)
    if refused:
        return refused
    office = _one(record, Office, slug=slug)
    tenures = spans_of(record, request.user, Tenure, "actor", "predecessor", "appointed_by", office_id=office.pk)
    chart = span_chart((t.actor.name, t.actor.get_absolute_url(), t) for t in tenures)
    context = {
        **known_context(request, record),
        "office": office,
        "tenures": tenures,
        "chart": chart,
        "can_see_drafts": sees_unpublished(request.user),
    }
    return render(request, "pages/office_detail.html", context)
