"""Events as the timeline and the detail pages list them: each one's `<li>`, rendered once per
generation of what its reader may see and kept (`page_cache.each_part`).

A list then reads its page of events alone, and the participants and citations only of the
events whose item is not kept: a page's fifty items were half the cost of a fresh timeline.
"""

from django.template.loader import render_to_string

from core import page_cache
from events.models import Event

ITEM_TEMPLATE = "pages/_event_item.html"


def item_html(event):
    """`event`'s list item, from the participants and citations it carries."""
    return render_to_string(ITEM_TEMPLATE, {"event": event})


def with_items(events, user):
    """`events` (today's record, read without their participants), each with its list item as
    `item`; those not kept are read again with all they show (`for_timeline`), in three queries."""

    def make(pks):
        return {event.pk: item_html(event) for event in Event.objects.filter(pk__in=pks).for_timeline()}

    items = page_cache.each_part("event-item", [event.pk for event in events], user, make)
    for event in events:
        # An event deleted since the page was read has no item; the list leaves it out.
        event.item = items.get(event.pk, "")
    return events


def with_own_items(events):
    """`events` that carry their participants and citations (a past record's), each with its
    list item, made afresh: the kept items are today's."""
    for event in events:
        event.item = item_html(event)
    return events
