"""One record's page: an event with all its evidence, an actor, a faction, an office.

Each view fetches everything its template shows in a fixed number of queries; the events
a page lists are the newest `RECENT` the reader may see, with a link to all of them on the
timeline. Anonymous readers never see a draft, not even as the cause of a tenure.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from actors.models import LANGUAGE_CHOICES, Actor, Faction, Membership, Office, Tenure
from core import page_cache
from events.filters import EventFilterSet
from events.models import Citation, Event, Participation, Source
from events.models.event import sees_unpublished

from .drawing import span_chart
from .neighbourhood import actor_network

RECENT = 50
LANGUAGES = dict(LANGUAGE_CHOICES)


def with_visible_causes(spans, user):
    """Set `start_cause`/`end_cause` on each span: its recorded cause, when the reader may see it."""
    drafts_too = sees_unpublished(user)
    for span in spans:
        for name, cause in (("start_cause", span.started_by), ("end_cause", span.ended_by)):
            visible = cause is not None and (drafts_too or cause.status == Event.Status.PUBLISHED)
            setattr(span, name, cause if visible else None)
    return spans


def span_rows():
    """Spans with everything a page shows of them: actor, causes and their types."""
    return ("actor", "started_by__type", "ended_by__type")


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


def recent_events(request, **filters):
    """The newest `RECENT` events the reader may see that match the API's `filters` (slug lists)."""
    visible = Event.objects.visible_to(request.user)
    events = list(EventFilterSet(filters, queryset=visible).qs.for_timeline().reverse_chronological()[:RECENT])
    return {"events": events, "more_events": len(events) == RECENT, "can_see_drafts": sees_unpublished(request.user)}


def listed_spans(model, *related):
    """The memberships or tenures a detail page lists: with the rows they name, the date of the
    latest report as its source gives it, in start order."""
    return model.objects.select_related(*related, *span_rows()).with_last_confirmed(as_written=True).order_by_start()


@page_cache.query_parameters("network_on")
def actor_detail(request, slug):
    actor = get_object_or_404(
        Actor.objects.prefetch_related(
            "aliases",
            "identifiers",
            Prefetch("memberships", listed_spans(Membership, "faction")),
            Prefetch("tenures", listed_spans(Tenure, "office", "predecessor", "appointed_by")),
        ),
        slug=slug,
    )
    tenures = with_visible_causes(list(actor.tenures.all()), request.user)
    memberships = with_visible_causes(list(actor.memberships.all()), request.user)
    names = {}
    for alias in actor.aliases.all():
        names.setdefault(LANGUAGES.get(alias.lang, alias.lang), []).append(alias)
    recent = recent_events(request, actor=[actor.slug])
    chart = span_chart(
        [(t.office.name, reverse("actors:office-detail", args=[t.office.slug]), t) for t in tenures]
        + [
            (f"{m.faction.name} · {m.get_role_display().lower()}", m.faction.get_absolute_url(), m) for m in memberships
        ],
        also=[event.sort_date for event in recent["events"]],
    )
    context = {
        **recent,
        "actor": actor,
        "names": sorted(names.items()),
        "tenures": tenures,
        "memberships": memberships,
        "chart": chart,
        "network": actor_network(request, actor, [*tenures, *memberships]),
    }
    return render(request, "pages/actor_detail.html", context)


def faction_detail(request, slug):
    faction = get_object_or_404(
        Faction.objects.prefetch_related(Prefetch("memberships", listed_spans(Membership))),
        slug=slug,
    )
    memberships = with_visible_causes(list(faction.memberships.all()), request.user)
    recent = recent_events(request, faction=[faction.slug])
    chart = span_chart(
        ((f"{m.actor.name} · {m.get_role_display().lower()}", m.actor.get_absolute_url(), m) for m in memberships),
        also=[event.sort_date for event in recent["events"]],
    )
    context = {
        **recent,
        "faction": faction,
        "memberships": memberships,
        "chart": chart,
    }
    return render(request, "pages/faction_detail.html", context)


def office_detail(request, slug):
    office = get_object_or_404(
        Office.objects.select_related("organization").prefetch_related(
            Prefetch("tenures", listed_spans(Tenure, "predecessor", "appointed_by"))
        ),
        slug=slug,
    )
    tenures = with_visible_causes(list(office.tenures.all()), request.user)
    chart = span_chart((t.actor.name, t.actor.get_absolute_url(), t) for t in tenures)
    context = {"office": office, "tenures": tenures, "chart": chart, "can_see_drafts": sees_unpublished(request.user)}
    return render(request, "pages/office_detail.html", context)
