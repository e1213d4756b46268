"""The Atom feed of published events, newest publication first; it takes the timeline's filters.

`/feeds/events/?actor=karim-masimov&type=arrest` follows one actor's arrests. Bad filter
values get a 400 with the same field-by-field JSON message the API gives.
"""

from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from core import page_cache
from core.text import printable
from events.filters import EventFilterSet
from events.models import Event

FEED_LENGTH = 50


def _printable(value):
    """A feed's value with control characters replaced in its text, and in each text of a list."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list | tuple):
        return [_printable(item) for item in value]
    return value


class PrintableAtom1Feed(Atom1Feed):
    """Atom with control characters replaced in every text of the feed and its entries.

    The models refuse them now, but a row stored before that may still hold one: in an element
    Django would refuse the whole feed (a 500 for every reader), and in an attribute (a
    category's term) it would write XML that no reader parses.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_printable, args), **{name: _printable(value) for name, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_printable, args), **{name: _printable(value) for name, value in kwargs.items()})


class EventFeed(Feed):
    feed_type = PrintableAtom1Feed
    title = "kzwatch: newly published events"
    subtitle = "Events of Kazakhstan's elite politics as they are published, each with its sources."

    def filterset(self, request):
        queryset = Event.objects.published().select_related("type").with_published_at()
        return EventFilterSet(request.GET, queryset=queryset, request=request)

    def __call__(self, request, *args, **kwargs):
        filterset = self.filterset(request)
        if not filterset.is_valid():
            return JsonResponse(filterset.errors, status=400)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return {"filterset": self.filterset(request), "query": request.GET.urlencode()}

    def link(self, obj):
        return "/" + (f"?{obj['query']}" if obj["query"] else "")

    def items(self, obj):
        return obj["filterset"].qs.order_by("-published_at", "-pk")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom marks the summary type="html": readers render it, so a curator's text is escaped first.
        return escape(f"{item.date_display}. {item.summary}".strip())

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.type.name]


# An instance, so that `require_safe()` in the urls carries the declaration over.
event_feed = page_cache.query_parameters(*EventFilterSet.base_filters)(EventFeed())
