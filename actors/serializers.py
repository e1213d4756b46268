"""JSON of actors, factions and offices, as SPEC.md's public contract gives it.

Aliases and identifiers are written with their actor (the list sent replaces the list held);
memberships and tenures are written at their own endpoints (`MembershipSerializer`,
`TenureSerializer`). Every relation a serializer shows is fetched by the viewset's
queryset; these classes never query on their own.
"""

from operator import attrgetter

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.rest.serializers import DirectReadMixin, SlugReferenceField, ValidatedModelSerializer, iso_datetime
from core.services import unique_slug

from .models import Actor, Alias, Faction, Identifier, Membership, Office, Tenure
from .services import actor_save, tenure_create

ALIAS_LANG_DEFAULT = Alias._meta.get_field("lang").default


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alias
        fields = ["name", "lang"]


class IdentifierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Identifier
        fields = ["scheme", "identifier"]
        # Uniqueness is checked by the model when the row is saved (`actor_save`), so that an
        # actor's own identifier sent back unchanged is no clash.
        validators = []


@extend_schema_field({"type": "string", "nullable": True})
class SpanEventField(serializers.Field):
    """The slug of the event that began or ended a span, null when none or hidden from the reader.

    Reads the `<field>_visible` annotation of `SpanQuerySet.for_api(user)`, so a draft event's
    slug never reaches a reader who may not see drafts.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, f"{self.field_name}_visible", None)

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "string", "format": "date", "nullable": True})
class LastConfirmedField(serializers.ReadOnlyField):
    """The latest publication date of a source cited for a span (ISO date), or null: an open
    span is known to hold only up to then. Reads `SpanQuerySet.with_causes`' annotation."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "The latest publication date of a source cited for it, or null: an open span is known "
            "to hold only up to then.",
        )
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, "last_confirmed", None)

    def to_representation(self, value):
        return value.isoformat() if value else None


class ActorMembershipSerializer(serializers.ModelSerializer):
    faction = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The faction's slug.")
    started_by = SpanEventField(help_text="Slug of the event that began the membership, or null.")
    ended_by = SpanEventField(help_text="Slug of the event that ended the membership, or null.")
    last_confirmed = LastConfirmedField()

    class Meta:
        model = Membership
        fields = ["id", "faction", "role", "start_date", "end_date", "started_by", "ended_by", "last_confirmed"]


class ActorTenureSerializer(serializers.ModelSerializer):
    office = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The office's slug.")
    predecessor = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Slug of who held the office before."
    )
    started_by = SpanEventField(help_text="Slug of the event that began the tenure, or null.")
    ended_by = SpanEventField(help_text="Slug of the event that ended the tenure, or null.")
    last_confirmed = LastConfirmedField()

    class Meta:
        model = Tenure
        fields = ["id", "office", "start_date", "end_date", "predecessor", "started_by", "ended_by", "last_confirmed"]


class ActorSerializer(DirectReadMixin, ValidatedModelSerializer):
    """A person or organisation, with their names, identifiers, factions and offices.

    Read straight off the rows `actors.models.with_api_rows()` attached (`DirectReadMixin`; the
    nested serializers still give the schema, and the visibility of a span's events comes from
    `SpanQuerySet.with_visible_causes`); a test checks the JSON equals DRF's own walk
    (tests/api/test_representation.py).
    """

    readers = {
        **{name: attrgetter(name) for name in ("slug", "name", "sort_name", "kind", "summary")},
        **{name: attrgetter(name) for name in ("birth_date", "death_date")},
        "aliases": attrgetter("alias_rows"),
        "identifiers": attrgetter("identifier_rows"),
        "memberships": attrgetter("membership_rows"),
        "tenures": attrgetter("tenure_rows"),
        "created_at": lambda actor: iso_datetime(actor.created_at),
        "updated_at": lambda actor: iso_datetime(actor.updated_at),
    }

    slug_source = "name"

    slug = serializers.SlugField(max_length=120, required=False, help_text="Made from the name when not given.")
    sort_name = serializers.CharField(max_length=200, required=False, help_text="The name when not given.")
    aliases = AliasSerializer(
        many=True, required=False, help_text="Other spellings; a write replaces the list (omit it to keep it)."
    )
    identifiers = IdentifierSerializer(
        many=True, required=False, help_text="Outside identifiers; a write replaces the list (omit it to keep it)."
    )
    memberships = ActorMembershipSerializer(many=True, read_only=True, source="membership_rows")
    tenures = ActorTenureSerializer(many=True, read_only=True, source="tenure_rows")

    class Meta:
        model = Actor
        fields = [
            "slug",
            "name",
            "sort_name",
            "kind",
            "summary",
            "birth_date",
            "death_date",
            "aliases",
            "identifiers",
            "memberships",
            "tenures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_aliases(self, value):
        return _unique_rows(value, ("name", "lang"), "The same name in the same language")

    def validate_identifiers(self, value):
        return _unique_rows(value, ("scheme", "identifier"), "The same identifier")

    def save_row(self, instance, validated_data):
        aliases, identifiers = validated_data.pop("aliases", None), validated_data.pop("identifiers", None)
        if validated_data.get("slug") == "":
            validated_data.pop("slug")
        if not instance.slug and not validated_data.get("slug"):
            validated_data["slug"] = unique_slug(model=Actor, text=validated_data.get("name", instance.name))
        return actor_save(
            actor=instance,
            user=self.context["request"].user,
            data=validated_data,
            aliases=None if aliases is None else [{"lang": ALIAS_LANG_DEFAULT, **item} for item in aliases],
            identifiers=None if identifiers is None else [dict(item) for item in identifiers],
        )


def _unique_rows(items, names, what):
    seen = {}
    for index, item in enumerate(items):
        key = tuple(item.get(name) for name in names)
        if key in seen:
            raise serializers.ValidationError(f"Row {index + 1}: {what} as row {seen[key] + 1}.")
        seen[key] = index
    return items


class FactionMembershipSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The member's slug.")
    name = serializers.CharField(source="actor.name", read_only=True, help_text="The member's name.")

    started_by = SpanEventField(help_text="Slug of the event that began the membership, or null.")
    ended_by = SpanEventField(help_text="Slug of the event that ended the membership, or null.")
    last_confirmed = LastConfirmedField()

    class Meta:
        model = Membership
        fields = ["id", "actor", "name", "role", "start_date", "end_date", "started_by", "ended_by", "last_confirmed"]


class FactionSerializer(ValidatedModelSerializer):
    """An informal group, with its members over time."""

    slug_source = "name"

    slug = serializers.SlugField(max_length=120, required=False, help_text="Made from the name when not given.")
    memberships = FactionMembershipSerializer(
        many=True, read_only=True, help_text="Its members; with `at`, only those who may be members on that date."
    )

    class Meta:
        model = Faction
        fields = ["slug", "name", "summary", "orientation", "memberships", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class OfficeTenureSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The holder's slug.")
    name = serializers.CharField(source="actor.name", read_only=True, help_text="The holder's name.")
    predecessor = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Slug of who held the office before."
    )
    appointed_by = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Slug of who made the appointment."
    )

    started_by = SpanEventField(help_text="Slug of the event that began the tenure, or null.")
    ended_by = SpanEventField(help_text="Slug of the event that ended the tenure, or null.")
    last_confirmed = LastConfirmedField()

    class Meta:
        model = Tenure
        fields = [
            "id",
            "actor",
            "name",
            "start_date",
            "end_date",
            "predecessor",
            "appointed_by",
            "started_by",
            "ended_by",
            "last_confirmed",
        ]


class OfficeSerializer(ValidatedModelSerializer):
    """A position one person holds at a time (Popolo Post), with its holders over time."""

    slug_source = "name"

    slug = serializers.SlugField(max_length=120, required=False, help_text="Made from the name when not given.")
    organization = SlugReferenceField(
        queryset=Actor.objects.filter(kind=Actor.Kind.ORGANIZATION),
        allow_null=True,
        required=False,
        help_text="Slug of the organisation the office belongs to.",
    )
    tenures = OfficeTenureSerializer(many=True, read_only=True)

    class Meta:
        model = Office
        fields = ["slug", "name", "organization", "summary", "tenures", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class SpanSerializer(ValidatedModelSerializer):
    actor = SlugReferenceField(queryset=Actor.objects.all(), help_text="The actor's slug.")
    started_by = SpanEventField(help_text="Slug of the event that began the span, or null.")
    ended_by = SpanEventField(help_text="Slug of the event that ended the span, or null.")
    last_confirmed = LastConfirmedField()


class MembershipSerializer(SpanSerializer):
    """An actor's place in a faction over a span of time."""

    faction = SlugReferenceField(queryset=Faction.objects.all(), help_text="The faction's slug.")

    class Meta:
        model = Membership
        fields = [
            "id",
            "actor",
            "faction",
            "role",
            "start_date",
            "end_date",
            "started_by",
            "ended_by",
            "last_confirmed",
            "note",
        ]
        extra_kwargs = {"note": {"required": False}}


class TenureSerializer(SpanSerializer):
    """An actor holding an office over a span of time. A new tenure of a one-seat office ends
    the open one; `closed` lists the tenures this write ended."""

    office = SlugReferenceField(queryset=Office.objects.all(), help_text="The office's slug.")
    predecessor = SlugReferenceField(
        queryset=Actor.objects.all(), allow_null=True, required=False, help_text="Slug of who held it before."
    )
    appointed_by = SlugReferenceField(
        queryset=Actor.objects.all(), allow_null=True, required=False, help_text="Slug of who appointed them."
    )
    closed = serializers.SerializerMethodField(help_text="Ids of the tenures this write ended (a succession).")

    class Meta:
        model = Tenure
        fields = [
            "id",
            "actor",
            "office",
            "start_date",
            "end_date",
            "predecessor",
            "appointed_by",
            "started_by",
            "ended_by",
            "last_confirmed",
            "note",
            "closed",
        ]
        extra_kwargs = {"note": {"required": False}}

    def get_closed(self, instance) -> list[int]:
        # The viewset reads the row back with a fresh serializer; the request carries what closed.
        closed = getattr(self.context.get("request"), "kzwatch_closed_tenures", {})
        return [tenure.pk for tenure in closed.get(instance.pk, [])]

    def create(self, validated_data):
        tenure = Tenure(**validated_data)
        request = self.context["request"]
        closed = tenure_create(tenure=tenure, user=request.user)
        request.kzwatch_closed_tenures = {tenure.pk: closed}
        return tenure
