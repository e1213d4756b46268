"""Filters of actors, factions and offices, shared by the API and the HTML pages.

`updated_since` reaches into what each resource's JSON embeds: an actor shows its aliases,
identifiers, memberships and tenures (and the slugs of their factions and offices), so a
change to any of those, a deletion included (read from their history), counts as a change
to the actor.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q

from core.rest.filters import SyncFilterSet, slugs_filter

from .models import Actor, Alias, Faction, Identifier, Membership, Office, Tenure


def _history(model, **lookup):
    return model.history.model.objects.filter(**lookup)


class ActorFilterSet(SyncFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=200,
        label="Name or any alias, in any script or spelling: “Nazarbaev”, “Назарбаев” and “Nazarbayev” agree.",
    )
    kind = django_filters.ChoiceFilter(choices=Actor.Kind.choices, label="Person or organisation.")
    faction = slugs_filter(
        method="filter_faction",
        label="Faction slug: actors with a membership in it, at any time. Repeat to OR.",
        queryset=Faction.objects.all(),
    )

    class Meta:
        model = Actor
        fields = ["q", "kind", "faction", "updated_since"]

    def filter_q(self, queryset, name, value):
        # On the queryset itself: an `id IN (SELECT id FROM actors_actor WHERE id IN (...))`
        # around it made PostgreSQL read every actor's id to join them back.
        return queryset.matching(value)

    def filter_faction(self, queryset, name, value):
        members = Membership.objects.filter(actor=OuterRef("pk"), faction__slug__in=value)
        return queryset.filter(Exists(members))

    def changed_since(self, queryset, when):
        mine = {"actor_id": OuterRef("pk"), "history_date__gte": when}
        return queryset.filter(
            Q(updated_at__gte=when)
            | Exists(_history(Alias, **mine))
            | Exists(_history(Identifier, **mine))
            | Exists(_history(Membership, **mine))
            | Exists(_history(Tenure, **mine))
            | Exists(Membership.objects.filter(actor=OuterRef("pk"), faction__updated_at__gte=when))
            | Exists(
                Tenure.objects.filter(
                    Q(office__updated_at__gte=when) | Q(predecessor__updated_at__gte=when), actor=OuterRef("pk")
                )
            )
        )


class FactionFilterSet(SyncFilterSet):
    at = django_filters.DateFilter(
        method="filter_at", label="A day (YYYY-MM-DD): list only the memberships that may be current then."
    )

    class Meta:
        model = Faction
        fields = ["at", "updated_since"]

    def filter_at(self, queryset, name, value):
        # Swap the list of members for those current on the day; the factions stay.
        return queryset.with_members(at=value, user=getattr(self.request, "user", None))

    def changed_since(self, queryset, when):
        return queryset.filter(
            Q(updated_at__gte=when)
            | Exists(_history(Membership, faction_id=OuterRef("pk"), history_date__gte=when))
            | Exists(Membership.objects.filter(faction=OuterRef("pk"), actor__updated_at__gte=when))
        )


class OfficeFilterSet(SyncFilterSet):
    class Meta:
        model = Office
        fields = ["updated_since"]

    def changed_since(self, queryset, when):
        return queryset.filter(
            Q(updated_at__gte=when)
            | Q(organization__updated_at__gte=when)
            | Exists(_history(Tenure, office_id=OuterRef("pk"), history_date__gte=when))
            | Exists(
                Tenure.objects.filter(
                    Q(actor__updated_at__gte=when)
                    | Q(predecessor__updated_at__gte=when)
                    | Q(appointed_by__updated_at__gte=when),
                    office=OuterRef("pk"),
                )
            )
        )


class SpanFilterSet(SyncFilterSet):
    """Memberships or tenures by actor, by faction or office, and on a day (`at`)."""

    actor = slugs_filter(method="filter_slugs", label="Actor slug. Repeat to OR.", queryset=Actor.objects.all())
    at = django_filters.DateFilter(method="filter_at", label="A day (YYYY-MM-DD): only spans that may be current then.")

    def filter_at(self, queryset, name, value):
        return queryset.at(value)

    def filter_slugs(self, queryset, name, value):
        return queryset.filter(**{f"{name}__slug__in": value})

    def changed_since(self, queryset, when):
        return queryset.filter(updated_at__gte=when)


class MembershipFilterSet(SpanFilterSet):
    faction = slugs_filter(method="filter_slugs", label="Faction slug. Repeat to OR.", queryset=Faction.objects.all())

    class Meta:
        model = Membership
        fields = ["actor", "faction", "at", "updated_since"]


class TenureFilterSet(SpanFilterSet):
    office = slugs_filter(method="filter_slugs", label="Office slug. Repeat to OR.", queryset=Office.objects.all())

    class Meta:
        model = Tenure
        fields = ["actor", "office", "at", "updated_since"]
