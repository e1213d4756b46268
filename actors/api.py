"""JSON viewsets of actors, factions and offices (registered in kzwatch.api)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from core.ordering import Key, keyset
from core.rest.known import KNOWN_SCHEMA, KnownListMixin
from core.rest.viewsets import ResourceViewSet

from .filters import ActorFilterSet, FactionFilterSet, MembershipFilterSet, OfficeFilterSet, TenureFilterSet
from .models import SPAN_CAUSES, Actor, Faction, Office, with_api_rows
from .serializers import ActorSerializer, FactionSerializer, MembershipSerializer, OfficeSerializer, TenureSerializer


@extend_schema_view(
    list=extend_schema(summary="List actors", description="People and organisations, by sort name."),
    retrieve=extend_schema(summary="One actor, with aliases, identifiers, memberships and tenures"),
    create=extend_schema(summary="Create an actor"),
    update=extend_schema(summary="Replace an actor's own fields"),
    partial_update=extend_schema(summary="Change some of an actor's own fields"),
    destroy=extend_schema(summary="Delete an actor", description="Refused (409) while events name them."),
)
class ActorViewSet(ResourceViewSet):
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
    lookup_field = "slug"
    tombstone_kind = "actor"
    keyset_ordering = keyset(Key("sort_name"), Key("name"))

    def get_queryset(self):
        return with_api_rows(Actor.objects.all(), self.request.user)


AT_PARAMETER = OpenApiParameter(
    "at",
    type={"type": "string", "format": "date"},
    location=OpenApiParameter.QUERY,
    description="A day (YYYY-MM-DD): list only the memberships that may be current then.",
)


@extend_schema_view(
    list=extend_schema(summary="List factions", description="Factions by name, each with its members."),
    retrieve=extend_schema(summary="One faction with its members", parameters=[AT_PARAMETER]),
    create=extend_schema(summary="Create a faction"),
    update=extend_schema(summary="Replace a faction's own fields"),
    partial_update=extend_schema(summary="Change some of a faction's own fields"),
    destroy=extend_schema(summary="Delete a faction and its memberships"),
)
class FactionViewSet(ResourceViewSet):
    serializer_class = FactionSerializer
    filterset_class = FactionFilterSet
    lookup_field = "slug"
    tombstone_kind = "faction"
    keyset_ordering = keyset(Key("name"))

    def get_queryset(self):
        return Faction.objects.with_members(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List offices", description="Offices (Popolo posts) by name, each with its holders."),
    retrieve=extend_schema(summary="One office with its holders"),
    create=extend_schema(summary="Create an office"),
    update=extend_schema(summary="Replace an office's own fields"),
    partial_update=extend_schema(summary="Change some of an office's own fields"),
    destroy=extend_schema(summary="Delete an office and its tenures"),
)
class OfficeViewSet(ResourceViewSet):
    serializer_class = OfficeSerializer
    filterset_class = OfficeFilterSet
    lookup_field = "slug"
    tombstone_kind = "office"
    keyset_ordering = keyset(Key("name"))

    def get_queryset(self):
        return Office.objects.with_holders(user=self.request.user)


def _span_views(noun):
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {noun}s",
            description=f"{noun.capitalize()}s by id; filter by actor, faction or office, and `at` a day.",
            parameters=[KNOWN_SCHEMA],
        ),
        retrieve=extend_schema(summary=f"One {noun}"),
        create=extend_schema(summary=f"Create a {noun}"),
        update=extend_schema(summary=f"Replace a {noun}"),
        partial_update=extend_schema(summary=f"Change some of a {noun}"),
        destroy=extend_schema(summary=f"Delete a {noun}"),
    )


class SpanViewSet(KnownListMixin, ResourceViewSet):
    """Memberships and tenures, by id; event slugs only where the reader may see the event.
    `?known=` lists them as they stood at a past moment."""

    lookup_field = "pk"
    keyset_ordering = keyset(Key("pk", kind="int"))
    known_annotations = SPAN_CAUSES

    def get_queryset(self):
        model = self.serializer_class.Meta.model
        self.known_related = model.API_RELATED
        return model.objects.for_api(self.request.user, known=self.known())

    def after_update(self, instance, old_key):
        pass  # ids never change: nothing to tombstone

    def perform_destroy(self, instance):
        instance._history_user = self.request.user
        instance.delete()


@_span_views("membership")
class MembershipViewSet(SpanViewSet):
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet


@extend_schema_view(
    create=extend_schema(
        summary="Create a tenure",
        description="At a one-seat office, the open tenure that began earlier ends on the new start; "
        "`closed` lists the ids of the tenures ended, and the new tenure's predecessor is set.",
    )
)
@_span_views("tenure")
class TenureViewSet(SpanViewSet):
    serializer_class = TenureSerializer
    filterset_class = TenureFilterSet
