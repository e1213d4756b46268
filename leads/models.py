"""News feeds, and the leads their entries become when they name a tracked actor."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from actors.models import Actor
from core.models import TimestampedModel
from events.models import Event, EventType

from .addresses import validate_feed_address


class Feed(TimestampedModel):
    """One RSS or Atom feed that `manage.py fetch_leads` reads: an address or a local file."""

    name = models.CharField(max_length=200, unique=True, help_text="Who publishes it, e.g. “Vlast.kz (Russian)”.")
    url = models.CharField(
        max_length=500,
        unique=True,
        validators=[validate_feed_address],
        help_text=(
            "The feed's address (http:// or https://, on a public network or one FEEDS_ALLOWED_NETWORKS "
            "lists) or the path of a saved feed file in the folder FEEDS_DIR names."
        ),
    )
    active = models.BooleanField(default=True, help_text="Read by `fetch_leads` when it runs without arguments.")
    last_fetched = models.DateTimeField(null=True, blank=True, help_text="When it was last read, well or not.")
    last_error = models.TextField(blank=True, help_text="Why the last reading failed; empty when it succeeded.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class LeadQuerySet(models.QuerySet):
    def new(self):
        return self.filter(status=Lead.Status.NEW)

    def newest_first(self):
        return self.order_by(models.F("published").desc(nulls_last=True), "-pk")

    def for_list(self):
        """What the inbox and the API show of each lead, in three queries whatever the count."""
        slugs_only = Actor.objects.only("pk", "slug", "name").order_by("slug")
        return self.select_related("feed", "suggested_type").prefetch_related(
            models.Prefetch("actors", slugs_only), models.Prefetch("candidates", slugs_only)
        )


class Lead(TimestampedModel):
    """One feed entry that names at least one tracked actor, waiting for a curator's triage."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONVERTED = "converted", "Made into a draft event"
        DISMISSED = "dismissed", "Dismissed"

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="leads", help_text="The feed it came from.")
    entry_id = models.CharField(max_length=500, help_text="The entry's id in its feed (its link when it has none).")
    title = models.CharField(max_length=500, help_text="The entry's headline.")
    link = models.URLField(max_length=500, blank=True, help_text="The report's address.")
    published = models.DateTimeField(null=True, blank=True, help_text="When the feed says it was published.")
    summary = models.TextField(blank=True, help_text="The entry's summary as plain text.")
    actors = models.ManyToManyField(
        Actor, related_name="leads", blank=True, help_text="Every tracked actor the entry may name."
    )
    candidates = models.ManyToManyField(
        Actor,
        related_name="candidate_leads",
        blank=True,
        help_text="Those of `actors` named only by a surname several actors share: check who is meant.",
    )
    matched = models.JSONField(
        default=list, blank=True, help_text="The words of the entry that named them, as written."
    )
    suggested_type = models.ForeignKey(
        EventType,
        # A vocabulary term's deletion leaves the lead with no suggestion.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The kind of event its keywords suggest (arrested, назначен...).",
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.NEW,
        db_index=True,
        help_text="Where the lead stands: new, dismissed (with the reason) or made into an event.",
    )
    dismiss_reason = models.TextField(blank=True, help_text="Why it was dismissed.")
    converted_event = models.ForeignKey(
        Event,
        # Deleting the draft keeps the lead, which then points nowhere.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The draft event made from it.",
    )
    history = HistoricalRecords()

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = [models.F("published").desc(nulls_last=True), "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "entry_id"], name="lead_entry_unique_per_feed"),
            models.UniqueConstraint(fields=["feed", "link"], condition=~Q(link=""), name="lead_link_unique_per_feed"),
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(dismiss_reason=""), name="lead_dismissal_has_reason"
            ),
        ]

    def __str__(self):
        return self.title
