"""Filters of the leads list (API)."""

import django_filters
from django import forms

from actors.models import Actor
from core.ordering import BIGINT_MAX
from core.rest.filters import SyncFilterSet, slugs_filter
from events.models import EventType

from .models import Lead


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number the database can hold (a decimal or a 20-digit number is a 400)."""

    field_class = forms.IntegerField


class LeadFilterSet(SyncFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Lead.Status.choices, label="`new`, `converted` or `dismissed`. Repeat to OR."
    )
    actor = slugs_filter(
        method="filter_actor",
        label="Slug of an actor the lead names (candidates too). Repeat to OR.",
        queryset=Actor.objects.all(),
    )
    feed = IdFilter(
        field_name="feed_id",
        min_value=1,
        max_value=BIGINT_MAX,
        label="The feed's id.",
    )
    suggested_type = slugs_filter(
        method="filter_suggested_type",
        label="Suggested event type slug. Repeat to OR.",
        queryset=EventType.objects.all(),
    )

    class Meta:
        model = Lead
        fields = ["status", "actor", "feed", "suggested_type", "updated_since"]

    def filter_actor(self, queryset, name, value):
        return queryset.filter(pk__in=Lead.actors.through.objects.filter(actor_id__in=value.pks).values("lead_id"))

    def filter_suggested_type(self, queryset, name, value):
        return queryset.filter(suggested_type_id__in=value.pks)
