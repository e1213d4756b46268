"""JSON of leads (read only): what the inbox shows, with actors and types named by slug."""

from rest_framework import serializers

from .models import Lead


class LeadSerializer(serializers.ModelSerializer):
    feed = serializers.IntegerField(source="feed_id", read_only=True, help_text="The feed's id.")
    feed_name = serializers.CharField(source="feed.name", read_only=True, help_text="The feed's name.")
    actors = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True, help_text="Slugs of every actor the entry may name."
    )
    candidates = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
        help_text="Those of `actors` named only by a surname several share: check who is meant.",
    )
    matched = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="The words that named them, as written."
    )
    suggested_type = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Suggested event type slug, or null."
    )

    class Meta:
        model = Lead
        fields = [
            "id",
            "title",
            "link",
            "published",
            "feed",
            "feed_name",
            "actors",
            "candidates",
            "matched",
            "suggested_type",
            "status",
        ]
        read_only_fields = fields
