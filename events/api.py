"""JSON viewsets of events, sources and tombstones (registered in kzwatch.api; the events list's CSV is
`exchange.api`'s)."""

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, permissions, serializers, viewsets

from core.history import as_known
from core.models import Tombstone
from core.ordering import Key, keyset
from core.rest.known import KNOWN_SCHEMA, KnownListMixin
from core.rest.viewsets import ConditionalGetMixin, ResourceViewSet

from . import services
from .filters import EventFilterSet, SourceFilterSet, TombstoneFilterSet
from .models import Event, Source
from .models.event import CHRONOLOGICAL, REVERSE_CHRONOLOGICAL, attach_known_rows
from .serializers import EventSerializer, SourceSerializer, TombstoneSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List events",
        description="Events in date order (by their earliest possible day, or the latest for an open start, "
        "then id), paged by cursor. Anonymous readers and users who may not change events see published events only.",
        parameters=[KNOWN_SCHEMA],
    ),
    retrieve=extend_schema(summary="One event with its participants and citations"),
    create=extend_schema(
        summary="Create an event with its participants and citations",
        description="Publishing (status `published` or `retracted`) needs the “can publish events” permission "
        "and at least one citation. An event of the same type, with an overlapping date and a shared participant, "
        "is a likely duplicate: the answer is 409 naming it, unless `duplicate_ok` is true.",
        responses={
            201: EventSerializer,
            409: OpenApiResponse(
                inline_serializer(
                    "DuplicateEvent",
                    {
                        "detail": serializers.CharField(),
                        "candidates": inline_serializer(
                            "DuplicateCandidate",
                            {
                                "slug": serializers.CharField(),
                                "title": serializers.CharField(),
                                "date": serializers.CharField(),
                            },
                            many=True,
                        ),
                    },
                ),
                description="A likely duplicate exists; nothing was written.",
            ),
        },
    ),
    update=extend_schema(summary="Replace an event; participants and citations, when given, are replaced"),
    partial_update=extend_schema(summary="Change some of an event; lists given are replaced whole"),
    destroy=extend_schema(
        summary="Delete an event", description="A published or retracted event takes the publishing permission."
    ),
)
class EventViewSet(KnownListMixin, ResourceViewSet):
    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    lookup_field = "slug"
    tombstone_kind = "event"
    keyset_orderings = {"date": CHRONOLOGICAL, "-date": REVERSE_CHRONOLOGICAL}
    known_related = ("type",)
    known_annotations = ("visible_parent",)

    def get_queryset(self):
        user, known = self.request.user, self.known()
        events = Event.objects.all() if known is None else as_known(Event, known)
        return events.visible_to(user).for_api(user, known=known)

    def known_page(self, instances, known):
        return attach_known_rows(instances, known, self.request.user)

    def get_write_queryset(self):
        # A curator who may add but not change events still gets back the draft they made.
        return Event.objects.for_api(self.request.user)

    def after_update(self, instance, old_key):
        """events.services.event_update has recorded renames and retractions already."""

    def perform_destroy(self, instance):
        services.event_delete(event=instance, user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List sources", description="Sources by title, paged by cursor."),
    retrieve=extend_schema(summary="One source"),
    create=extend_schema(summary="Create a source"),
    update=extend_schema(summary="Replace a source"),
    partial_update=extend_schema(summary="Change some of a source"),
    destroy=extend_schema(summary="Delete a source", description="Refused (409) while citations use it."),
)
class SourceViewSet(ResourceViewSet):
    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    tombstone_kind = "source"
    keyset_ordering = keyset(Key("title"))

    def get_queryset(self):
        return Source.objects.visible_to(self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List records that left the API",
        description="Deleted, merged or renamed records, and (for readers who see published events only) events "
        "retracted or returned to draft, oldest first. To keep a mirror exact: drop the `key` of each tombstone "
        "since your last sync, then fetch each list with `updated_since` set to that same time.",
    )
)
class TombstoneViewSet(ConditionalGetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = TombstoneSerializer
    filterset_class = TombstoneFilterSet
    permission_classes = [permissions.AllowAny]
    keyset_ordering = keyset(Key("at", kind="datetime"))

    def get_queryset(self):
        return Tombstone.objects.visible_to(self.request.user)
