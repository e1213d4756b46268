"""Changelist filters of events, built on the one `EventFilterSet` the API and the timeline use."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Exists, OuterRef

from actors.models import Actor, Faction
from core.text import whole_number

from .filters import EventFilterSet
from .models import Participation


def _filtered(queryset, data):
    filterset = EventFilterSet(data, queryset=queryset)
    if not filterset.is_valid():
        raise IncorrectLookupParameters(filterset.errors)
    return filterset.qs


class InputListFilter(admin.ListFilter):
    """A filter whose values are typed (or picked by autocomplete), not chosen from links."""

    parameters = ()

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.parameters:
            if name in params:
                value = params.pop(name)
                self.used_parameters[name] = value[-1] if isinstance(value, list) else value

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def choices(self, changelist):
        # The template draws a form; keep every other parameter of the changelist in it.
        kept = {key: value for key, value in changelist.params.items() if key not in self.parameters}
        yield {"kept": [(key, item) for key, values in kept.items() for item in _as_list(values)]}


def _as_list(values):
    return values if isinstance(values, list) else [values]


class DateRangeFilter(InputListFilter):
    """Events whose date range meets the period typed (YYYY, YYYY-MM or YYYY-MM-DD), on the derived bounds."""

    title = "date"
    parameters = ("date_after", "date_before")
    template = "admin/events/date_range_filter.html"

    def queryset(self, request, queryset):
        return _filtered(queryset, self.used_parameters) if self.used_parameters else queryset


class ParticipantFilter(InputListFilter):
    """Events an actor took part in, the actor picked with the admin's autocomplete."""

    title = "participant"
    parameters = ("participant",)
    template = "admin/events/participant_filter.html"

    def choices(self, changelist):
        for choice in super().choices(changelist):
            number = whole_number(self.used_parameters.get("participant", ""))
            choice["selected"] = Actor.objects.filter(pk=number).first() if number is not None else None
            yield choice

    def queryset(self, request, queryset):
        value = self.used_parameters.get("participant")
        if not value:
            return queryset
        number = whole_number(value)
        if number is None:
            raise IncorrectLookupParameters("participant: give an actor's id.")
        return queryset.filter(Exists(Participation.objects.filter(event=OuterRef("pk"), actor_id=number)))


class FactionFilter(admin.SimpleListFilter):
    """Events in which someone took part while a member of the faction (by the dates known)."""

    title = "faction"
    parameter_name = "faction"

    def lookups(self, request, model_admin):
        return list(Faction.objects.values_list("slug", "name"))

    def queryset(self, request, queryset):
        return _filtered(queryset, {"faction": [self.value()]}) if self.value() else queryset
