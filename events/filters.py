"""Filters of events and sources, shared by the API, the CSV export, the feed and the timeline page.

`EventFilterSet(request.GET, queryset=Event.objects.visible_to(user))` works on any event
queryset; check `.is_valid()` (or read `.errors`) before using `.qs`.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from rest_framework.exceptions import ValidationError

from actors.models import Actor, Faction, Membership
from actors.names import query_tokens
from core.history import KNOWN_PARAMETER, as_known, parse_moment
from core.models import Tombstone
from core.rest.filters import DateWindowForm, SafeIsoDateTimeFilter, SyncFilterSet, partial_date_filter, slugs_filter
from core.visibility import sees_unpublished

from .models import Event, EventType, Participation, Source
from .models.event import event_window

MAX_WORDS = 10


class EventFilterSet(SyncFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=200,
        label="Words that must each occur in the title, the summary or a participant's name (any script or spelling).",
    )
    type = slugs_filter(
        method="filter_type", label="Event type slug, e.g. “arrest”. Repeat to OR.", queryset=EventType.objects.all()
    )
    actor = slugs_filter(
        method="filter_actor", label="Slug of an actor who took part. Repeat to OR.", queryset=Actor.objects.all()
    )
    faction = slugs_filter(
        method="filter_faction",
        queryset=Faction.objects.all(),
        label="Faction slug: events in which someone took part while a member of it (by the dates known). "
        "Repeat to OR.",
    )
    date_after = partial_date_filter(
        method="filter_date_after",
        label="YYYY, YYYY-MM or YYYY-MM-DD: events whose date range reaches into or past this period.",
    )
    date_before = partial_date_filter(
        method="filter_date_before",
        label="YYYY, YYYY-MM or YYYY-MM-DD: events whose date range starts in or before this period.",
    )
    ordering = django_filters.ChoiceFilter(
        choices=[("date", "date"), ("-date", "-date")],
        method="filter_ordering",
        empty_label=None,
        label="`date`: oldest first (the default); `-date`: newest first.",
    )

    class Meta:
        model = Event
        form = DateWindowForm
        fields = ["q", "type", "actor", "faction", "date_after", "date_before", "updated_since", "ordering"]

    def filter_q(self, queryset, name, value):
        # Each word as one set of ids from uncorrelated lookups, each able to use its trigram
        # index on PostgreSQL; an OR with an EXISTS on the participants is checked event by event.
        # The text is matched as names are: the word folded (actors/names.py) against the
        # event's folded title and summary, so "Назарбаев" finds "Nazarbayev". A word of
        # punctuation alone folds to nothing, and the folded text holds no punctuation: it is skipped.
        self.refused_in_the_past(queryset, name)
        for word in value.split()[:MAX_WORDS]:
            tokens = query_tokens(word)
            if not tokens:
                continue
            by_text = Event.objects.filter(*(Q(search_text__contains=token) for token in tokens)).order_by()
            by_people = Participation.objects.filter(actor__in=Actor.objects.matching(word)).order_by()
            queryset = queryset.filter(pk__in=by_text.values("pk").union(by_people.values("event_id")))
        return queryset

    # Slugs are turned into ids by a query of their own: the database then plans with its
    # statistics of the very ids (a busy actor takes part in a quarter of all events), where a
    # join on the slug leaves it guessing an average and picking a plan that reads them all.
    def filter_type(self, queryset, name, value):
        # Ids, not a join on the slug, so that PostgreSQL plans with the type's own statistics.
        return queryset.filter(type_id__in=value.pks)

    def filter_actor(self, queryset, name, value):
        participations = self.rows(Participation, queryset).filter(event=OuterRef("id"), actor_id__in=value.pks)
        return queryset.filter(Exists(participations))

    def filter_faction(self, queryset, name, value):
        # A membership counts when its known span meets the event's; unknown ends meet everything.
        memberships = (
            self.rows(Membership, queryset)
            .overlapping(*event_window(lambda name: OuterRef(OuterRef(name))))
            .filter(actor=OuterRef("actor"), faction__slug__in=value)
        )
        participants = self.rows(Participation, queryset).filter(Exists(memberships), event=OuterRef("id"))
        return queryset.filter(Exists(participants))

    def rows(self, model, queryset):
        """`model`'s rows to match `queryset`'s events against: the live ones, or for the history
        rows a list or page reads with `?known=` (`core.rest.known`, `events.record`), those
        standing at that moment."""
        if queryset.model is Event:
            return model.objects.all()
        return as_known(model, parse_moment(self.request.GET[KNOWN_PARAMETER]))

    def refused_in_the_past(self, queryset, name):
        """A 400 for a filter that reads only today's record, asked of the past."""
        if queryset.model is not Event:
            raise ValidationError({name: [f"`{name}` reads today's record only: leave it out with `known`."]})

    def filter_date_after(self, queryset, name, value):
        first_day, _ = value
        return queryset.overlapping(start=first_day)

    def filter_date_before(self, queryset, name, value):
        _, last_day = value
        return queryset.overlapping(end=last_day)

    def filter_ordering(self, queryset, name, value):
        return queryset.reverse_chronological() if value == "-date" else queryset.chronological()

    def changed_since(self, queryset, when):
        self.refused_in_the_past(queryset, "updated_since")
        user = getattr(self.request, "user", None)
        return queryset.changed_since(when, sees_unpublished=sees_unpublished(user))


class SourceFilterSet(SyncFilterSet):
    class Meta:
        model = Source
        fields = ["updated_since"]


class TombstoneFilterSet(django_filters.FilterSet):
    since = SafeIsoDateTimeFilter(
        field_name="at", lookup_expr="gte", label="Only records that left at or after this ISO 8601 date-time."
    )
    kind = django_filters.ChoiceFilter(choices=Tombstone.Kind.choices, label="Only records of this kind.")

    class Meta:
        model = Tombstone
        fields = ["since", "kind"]
