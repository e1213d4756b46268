"""The index pages: actors (searchable by any spelling), factions and offices, 50 a page."""

from django.db.models import Count
from django.shortcuts import render

from actors.filters import ActorFilterSet
from actors.models import Actor, Faction, Office
from core import page_cache
from core.ordering import Key, keyset, page_after

PAGE_SIZE = 50


def _paged(request, queryset, keys, template, context):
    """Render one keyset page of `queryset`; a damaged cursor is a 400 with a way back."""
    error = None
    try:
        rows, next_cursor = page_after(queryset, keys, request.GET.get("cursor"), PAGE_SIZE)
    except ValueError:
        rows, next_cursor, error = [], None, "This page's link is damaged: start again from the first page."
    query = request.GET.copy()
    query.pop("cursor", None)
    first_query = query.urlencode()
    if next_cursor:
        query["cursor"] = next_cursor
    context = {
        **context,
        "rows": rows,
        "next_query": query.urlencode() if next_cursor else None,
        "first_query": first_query,
        "is_later_page": bool(request.GET.get("cursor")),
        "page_size": PAGE_SIZE,
        "page_error": error,
    }
    return render(request, template, context, status=400 if error or context.get("errors") else 200)


@page_cache.query_parameters(*ActorFilterSet.base_filters, "cursor")
def actor_index(request):
    filterset = ActorFilterSet(request.GET, queryset=Actor.objects.for_list(), request=request)
    valid = filterset.is_valid()
    return _paged(
        request,
        filterset.qs if valid else Actor.objects.none(),
        keyset(Key("sort_name"), Key("name")),
        "pages/actor_index.html",
        {"errors": filterset.errors, "q": request.GET.get("q", "")},
    )


@page_cache.query_parameters("cursor")
def faction_index(request):
    queryset = Faction.objects.annotate(member_count=Count("memberships__actor", distinct=True))
    return _paged(request, queryset, keyset(Key("name")), "pages/faction_index.html", {})


@page_cache.query_parameters("cursor")
def office_index(request):
    queryset = Office.objects.select_related("organization")
    return _paged(request, queryset, keyset(Key("name")), "pages/office_index.html", {})
