"""JSON of events and sources, as SPEC.md's public contract gives it.

Reads and writes share one shape: related records are named by slug (sources by id). An
event with its participants and citations is created or changed in one request; the write
itself is `events.services.event_create` / `event_update`, which validate every row as the
model does. Serializers never query on their own: the viewset's queryset fetches what they show.
"""

from operator import attrgetter

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.models import Actor
from core.models import Tombstone
from core.rest.errors import Conflict
from core.rest.serializers import (
    DirectReadMixin,
    IdReferenceField,
    SlugReferenceField,
    ValidatedModelSerializer,
    iso_date,
    iso_datetime,
)

from . import services
from .models import Citation, Event, EventType, ParticipantRole, Participation, Source


class ParticipantSerializer(serializers.ModelSerializer):
    actor = SlugReferenceField(queryset=Actor.objects.all(), help_text="The actor's slug.")
    name = serializers.CharField(source="actor.name", read_only=True, help_text="The actor's name.")
    role = SlugReferenceField(queryset=ParticipantRole.objects.all(), help_text="The role's slug, e.g. “accused”.")

    class Meta:
        model = Participation
        fields = ["actor", "name", "role", "note"]
        extra_kwargs = {"note": {"required": False}}


class CitationSerializer(serializers.ModelSerializer):
    source = IdReferenceField(queryset=Source.objects.all(), help_text="The source's id.")
    title = serializers.CharField(source="source.title", read_only=True)
    url = serializers.CharField(source="source.url", read_only=True)
    reliability = serializers.CharField(
        source="source.reliability", read_only=True, help_text="The source's Admiralty grade, A to F."
    )

    class Meta:
        model = Citation
        fields = ["source", "title", "url", "reliability", "quote", "locator", "credibility", "note"]
        extra_kwargs = {
            # Always sent, so that a citation is matched by source and quote; "" for a paraphrase.
            "quote": {"required": True, "allow_blank": True},
            "locator": {"required": False},
            "note": {"required": False},
            "credibility": {"required": False},
        }


@extend_schema_field({"type": "string", "nullable": True, "pattern": r"^[-a-zA-Z0-9_]+$"})
class VisibleParentField(SlugReferenceField):
    """The parent event's slug, null when there is none or the reader may not see it.

    Reads the `visible_parent` annotation of `Event.objects.for_api(user)`.
    """

    def get_attribute(self, instance):
        return instance.visible_parent

    def to_representation(self, value):
        return value


class EventSerializer(DirectReadMixin, serializers.ModelSerializer):
    """Something that happened, with who took part and the sources that report it.

    Read straight off the rows `Event.objects.for_api()` attached (`DirectReadMixin`); a test
    checks the JSON equals DRF's own walk (tests/api/test_representation.py).
    """

    readers = {
        **{name: attrgetter(name) for name in ("slug", "title", "date", "date_display", "date_note", "summary")},
        **{name: attrgetter(name) for name in ("location", "status", "retraction_reason")},
        "parent": attrgetter("visible_parent"),
        "type": attrgetter("type.slug"),
        "date_start": lambda event: iso_date(event.date_start),
        "date_end": lambda event: iso_date(event.date_end),
        "related": attrgetter("related_slugs"),
        "participants": attrgetter("participant_rows"),
        "citations": attrgetter("citation_rows"),
        "created_at": lambda event: iso_datetime(event.created_at),
        "updated_at": lambda event: iso_datetime(event.updated_at),
    }

    slug = serializers.SlugField(max_length=160, required=False, help_text="Made from the title when not given.")
    type = SlugReferenceField(queryset=EventType.objects.all(), help_text="The event type's slug, e.g. “arrest”.")
    date_display = serializers.CharField(read_only=True, help_text="The date as readers see it: “Aug 2017”.")
    status = serializers.ChoiceField(choices=Event.Status.choices, default=Event.Status.DRAFT)
    parent = VisibleParentField(
        queryset=Event.objects.all(),
        allow_null=True,
        required=False,
        help_text="Slug of the larger event this is part of.",
    )
    related = SlugReferenceField(
        queryset=Event.objects.all(), many=True, required=False, help_text="Slugs of linked events."
    )
    participants = ParticipantSerializer(source="participations", many=True, required=False)
    citations = CitationSerializer(many=True, required=False)
    duplicate_ok = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Create the event even if one of the same type, an overlapping date and a shared participant "
        "exists (otherwise the answer is 409 naming it).",
    )

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "type",
            "date",
            "date_start",
            "date_end",
            "date_display",
            "date_note",
            "summary",
            "location",
            "status",
            "retraction_reason",
            "parent",
            "related",
            "participants",
            "citations",
            "created_at",
            "updated_at",
            "duplicate_ok",
        ]
        read_only_fields = ["date_start", "date_end", "created_at", "updated_at"]

    def validate_participants(self, value):
        pairs = [(item["actor"].pk, item["role"].pk) for item in value]
        if len(pairs) != len(set(pairs)):
            raise serializers.ValidationError("Each actor takes each role at most once.")
        return value

    def validate_citations(self, value):
        pairs = [(item["source"].pk, item["quote"]) for item in value]
        if len(pairs) != len(set(pairs)):
            raise serializers.ValidationError("The same quote from the same source is cited twice.")
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        duplicate_ok = attrs.pop("duplicate_ok", False)
        if self.instance is None and not duplicate_ok:
            actors = [item["actor"] for item in attrs.get("participations", [])]
            user = self.context["request"].user
            # A write the user may not make at all is a 403 before it is a likely duplicate.
            services.event_check_status_change(user=user, current=None, new=attrs.get("status", Event.Status.DRAFT))
            candidates = services.event_duplicates(type=attrs["type"], date=attrs["date"], actors=actors)
            candidates = list(candidates.filter(pk__in=Event.objects.visible_to(user).values("pk"))[:5])
            if candidates:
                raise Conflict(
                    {
                        "detail": "This may repeat an event already recorded; send duplicate_ok true to save anyway.",
                        "candidates": [
                            {"slug": event.slug, "title": event.title, "date": event.date} for event in candidates
                        ],
                    }
                )
        return attrs

    def service_arguments(self, validated_data):
        arguments = dict(validated_data)
        if "participations" in arguments:
            arguments["participants"] = arguments.pop("participations")
        for name in ("participants", "citations"):
            if name in arguments:
                arguments[name] = [dict(item) for item in arguments[name]]
        return arguments

    def create(self, validated_data):
        user = self.context["request"].user
        return services.event_create(user=user, **self.service_arguments(validated_data))

    def update(self, instance, validated_data):
        user = self.context["request"].user
        return services.event_update(event=instance, user=user, data=self.service_arguments(validated_data))


class SourceSerializer(ValidatedModelSerializer):
    """A document or informant that reports facts, graded A (reliable) to F."""

    slug_source = "title"

    id = serializers.IntegerField(read_only=True)
    slug = serializers.SlugField(max_length=160, required=False, help_text="Made from the title when not given.")
    relayed_by = IdReferenceField(
        queryset=Source.objects.all(),
        allow_null=True,
        required=False,
        help_text="Id of the source through which this one is known.",
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "slug",
            "title",
            "publisher",
            "author",
            "url",
            "archive_url",
            "published_date",
            "kind",
            "language",
            "reliability",
            "relayed_by",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class TombstoneSerializer(serializers.ModelSerializer):
    """A record that left the API: drop `key` of `kind` from a mirror."""

    class Meta:
        model = Tombstone
        fields = ["kind", "key", "reason", "replaced_by", "at"]
        read_only_fields = fields
