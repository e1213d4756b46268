"""What happened and the evidence: events, who took part, sources and the citations they support."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actors.models import LANGUAGE_CHOICES, Actor, Membership, SlugNaturalKeyManager, Tenure
from kzwatch.dates import DatedModel, EDTFField, display


class EventType(models.Model):
    """One word of the curator-extensible vocabulary of event types: arrest, reshuffle, decree..."""

    slug = models.SlugField(max_length=60, unique=True, help_text="Used in filters and the API, e.g. “arrest”.")
    name = models.CharField(max_length=100, help_text="As shown to readers, e.g. “Arrest”.")
    description = models.TextField(blank=True, help_text="When to use this type.")
    history = HistoricalRecords()

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class ParticipantRole(models.Model):
    """One word of the vocabulary of parts an actor plays in an event: appointee, accused, court..."""

    slug = models.SlugField(max_length=60, unique=True, help_text="Used in the API, e.g. “appointee”.")
    name = models.CharField(max_length=100, help_text="As shown to readers, e.g. “Appointee”.")
    description = models.TextField(blank=True, help_text="When to use this role.")
    history = HistoricalRecords()

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def visible_to(self, user):
        """Published events for everyone; drafts and retractions too for users who may edit events."""
        if user is not None and user.is_authenticated and user.has_perm("events.change_event"):
            return self
        return self.published()

    def overlapping(self, start=None, end=None):
        """Events whose date range meets the window [start, end]; either end may be open."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(Q(date_end__gte=start) | Q(date_end__isnull=True))
        if end is not None:
            queryset = queryset.filter(Q(date_start__lte=end) | Q(date_start__isnull=True))
        return queryset

    def chronological(self):
        return self.order_by(F("date_start").asc(nulls_first=True), F("date_end").asc(nulls_last=True), "pk")

    def reverse_chronological(self):
        return self.order_by(F("date_start").desc(nulls_last=True), F("date_end").desc(nulls_first=True), "-pk")

    def for_api(self, user):
        """`for_timeline()` plus the parent (`visible_parent`, a slug) and related events `user` may see."""
        visible = Event.objects.visible_to(user)
        parent = visible.filter(pk=OuterRef("parent_id")).values("slug")[:1]
        return (
            self.for_timeline()
            .prefetch_related(models.Prefetch("related", visible.only("pk", "slug").order_by("pk")))
            .annotate(visible_parent=Subquery(parent))
        )

    def changed_since(self, when):
        """Events whose API representation may differ from what it was at `when`.

        That is the event row itself, its participations and citations (history rows, so a
        deletion counts too), and the names and titles it shows from actors, sources and
        linked events.
        """
        participations = Participation.history.model.objects.filter(event_id=OuterRef("pk"), history_date__gte=when)
        citations = Citation.history.model.objects.filter(event_id=OuterRef("pk"), history_date__gte=when)
        actors = Participation.objects.filter(event_id=OuterRef("pk"), actor__updated_at__gte=when)
        sources = Citation.objects.filter(event_id=OuterRef("pk"), source__updated_at__gte=when)
        related = Event.related.through.objects.filter(from_event_id=OuterRef("pk"), to_event__updated_at__gte=when)
        return self.filter(
            Q(updated_at__gte=when)
            | Q(parent__updated_at__gte=when)
            | Exists(participations)
            | Exists(citations)
            | Exists(actors)
            | Exists(sources)
            | Exists(related)
        )

    def with_published_at(self):
        """Annotate `published_at`: when the event was first recorded as published (else its last change)."""
        first_published = (
            Event.history.model.objects.filter(id=OuterRef("pk"), status=Event.Status.PUBLISHED)
            .order_by("history_date")
            .values("history_date")[:1]
        )
        return self.annotate(published_at=Coalesce(Subquery(first_published), F("updated_at")))

    def for_timeline(self):
        """Everything a list of events shows, in a fixed number of queries."""
        return self.select_related("type", "parent").prefetch_related(
            models.Prefetch(
                "participations",
                Participation.objects.select_related("actor", "role").order_by("pk"),
            ),
            models.Prefetch("citations", Citation.objects.select_related("source").order_by("pk")),
        )


class Event(DatedModel):
    """One thing that happened on a date, as known: an arrest, a reshuffle, a decree, a speech."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETRACTED = "retracted", "Retracted"

    slug = models.SlugField(max_length=160, unique=True, help_text="Stable identifier used in URLs and the API.")
    title = models.CharField(max_length=300, help_text="A short headline, e.g. “Bishimbayev arrested”.")
    type = models.ForeignKey(
        EventType,
        # A type in use cannot be deleted; retype its events first.
        on_delete=models.PROTECT,
        related_name="events",
        help_text="What kind of event; add new types under Event types.",
    )
    date = EDTFField(
        bounds=("date_start", "date_end"),
        help_text="EDTF, as precise as known: 2017, 2017-08, 2017-08-15, 2016-09~, 2017?, 2017-06/2017-08.",
    )
    date_start = models.DateField(null=True, blank=True, editable=False, db_index=True)
    date_end = models.DateField(null=True, blank=True, editable=False, db_index=True)
    date_note = models.TextField(blank=True, help_text="How the date was inferred, and the source's own words.")
    location = models.CharField(max_length=200, blank=True, help_text="Where it happened, e.g. “Akmola”.")
    summary = models.TextField(blank=True, help_text="What happened, neutrally, in a few sentences.")
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published events reach analysts and the public API.",
    )
    parent = models.ForeignKey(
        "self",
        # Deleting a reshuffle keeps the appointments it made.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text="The larger event this is part of, e.g. the reshuffle that made this appointment.",
    )
    related = models.ManyToManyField(
        "self",
        blank=True,
        help_text="Events linked to this one, e.g. the arrest, trial and sentence of one case.",
    )
    participants = models.ManyToManyField(Actor, through="Participation", related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords(m2m_fields=[related])

    objects = SlugNaturalKeyManager.from_queryset(EventQuerySet)()

    class Meta:
        ordering = ["date_start", "date_end", "pk"]
        permissions = [("publish_event", "Can publish and retract events")]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_start__isnull=True) | Q(date_end__isnull=True) | Q(date_end__gte=F("date_start")),
                name="event_end_not_before_start",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="event_not_own_parent"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("events:event-detail", args=[self.slug])

    @property
    def date_display(self):
        return display(self.date)

    def clean(self):
        super().clean()
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "An event cannot be part of itself."})


class ParticipationManager(models.Manager):
    def get_by_natural_key(self, event_slug, actor_slug, role_slug):
        return self.get(event__slug=event_slug, actor__slug=actor_slug, role__slug=role_slug)


class Participation(models.Model):
    """One actor's part in one event, e.g. Dutbayev as the accused in his sentencing."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    actor = models.ForeignKey(
        Actor,
        # An actor who appears in events cannot be deleted by accident; merge or detach first.
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.ForeignKey(
        ParticipantRole,
        # A role in use cannot be deleted; reassign its participations first.
        on_delete=models.PROTECT,
        related_name="participations",
        help_text="The part the actor played; add new roles under Participant roles.",
    )
    note = models.CharField(max_length=300, blank=True, help_text="Anything the role does not say.")
    history = HistoricalRecords()

    objects = ParticipationManager()

    class Meta:
        ordering = ["event", "pk"]
        constraints = [
            # An actor may play several parts (an appointee is often also a successor), each once.
            models.UniqueConstraint(fields=["event", "actor", "role"], name="participation_unique_role"),
        ]

    def __str__(self):
        return f"{self.actor} ({self.role}) in {self.event}"

    def natural_key(self):
        return (self.event.slug, self.actor.slug, self.role.slug)

    natural_key.dependencies = ["events.event", "actors.actor", "events.participantrole"]


class SourceQuerySet(models.QuerySet):
    pass


class Source(DatedModel):
    """One document or informant that reports facts: an article, a decree, a court record, a tip."""

    class Kind(models.TextChoices):
        NEWS = "news", "News report"
        ANALYSIS = "analysis", "Analysis"
        OFFICIAL = "official", "Official document"
        COURT_RECORD = "court-record", "Court record"
        ANONYMOUS = "anonymous", "Anonymous informant"
        OTHER = "other", "Other"

    class Reliability(models.TextChoices):
        A = "A", "A: completely reliable"
        B = "B", "B: usually reliable"
        C = "C", "C: fairly reliable"
        D = "D", "D: not usually reliable"
        E = "E", "E: unreliable"
        F = "F", "F: reliability cannot be judged"

    slug = models.SlugField(max_length=160, unique=True, help_text="Stable short name for fixtures and URLs.")
    title = models.CharField(max_length=300, help_text="The title, or a description for an unnamed informant.")
    publisher = models.CharField(max_length=200, blank=True, help_text="Who published it.")
    author = models.CharField(max_length=200, blank=True, help_text="Who wrote or said it, if known.")
    url = models.URLField(max_length=500, blank=True, help_text="Where it can be read.")
    archive_url = models.URLField(
        max_length=500, blank=True, help_text="A permanent copy, e.g. on the Wayback Machine."
    )
    published_date = EDTFField(
        blank=True, bounds=("published_start", "published_end"), help_text="EDTF; approximate dates end in “~”."
    )
    published_start = models.DateField(null=True, blank=True, editable=False)
    published_end = models.DateField(null=True, blank=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS, help_text="What sort of source.")
    language = models.CharField(max_length=10, choices=LANGUAGE_CHOICES, default="en", help_text="Its language.")
    reliability = models.CharField(
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        help_text="Admiralty grade of the source's track record, A (reliable) to F (cannot be judged).",
    )
    relayed_by = models.ForeignKey(
        "self",
        # The relaying source's deletion leaves the informant on record, unlinked.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relays",
        help_text="For an informant or a quoted document: the source through which we know it.",
    )
    note = models.TextField(blank=True, help_text="Why this grade; how the date was inferred.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    objects = SlugNaturalKeyManager.from_queryset(SourceQuerySet)()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    @property
    def published_display(self):
        return display(self.published_date) if self.published_date else ""


class CitationManager(models.Manager):
    def get_by_natural_key(self, source_slug, claim_kind, *claim_key_and_quote):
        """Natural key: source slug, the claim's kind and natural key, then the quote."""
        *claim_key, quote = claim_key_and_quote
        claim_managers = {"event": Event.objects, "membership": Membership.objects, "tenure": Tenure.objects}
        if claim_kind not in claim_managers:
            raise self.model.DoesNotExist(f"Unknown claim kind {claim_kind!r}.")
        claim = claim_managers[claim_kind].get_by_natural_key(*claim_key)
        return self.get(source__slug=source_slug, quote=quote, **{claim_kind: claim})


class Citation(models.Model):
    """One source supporting one claim (an event, a membership or a tenure), with its words."""

    class Credibility(models.IntegerChoices):
        CONFIRMED = 1, "1: confirmed by other sources"
        PROBABLY_TRUE = 2, "2: probably true"
        POSSIBLY_TRUE = 3, "3: possibly true"
        DOUBTFUL = 4, "4: doubtful"
        IMPROBABLE = 5, "5: improbable"
        CANNOT_JUDGE = 6, "6: truth cannot be judged"

    source = models.ForeignKey(
        Source,
        # A source that supports facts cannot be deleted; its citations would lose their evidence.
        on_delete=models.PROTECT,
        related_name="citations",
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    tenure = models.ForeignKey(Tenure, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    quote = models.TextField(help_text="The source's own words supporting the claim, verbatim.")
    locator = models.CharField(max_length=200, blank=True, help_text="Where in the source: page, paragraph, timestamp.")
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices,
        default=Credibility.CANNOT_JUDGE,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text="Admiralty grade of this claim, 1 (confirmed) to 6 (cannot be judged).",
    )
    note = models.TextField(blank=True, help_text="Why this grade.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = CitationManager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(event__isnull=False, membership__isnull=True, tenure__isnull=True)
                    | Q(event__isnull=True, membership__isnull=False, tenure__isnull=True)
                    | Q(event__isnull=True, membership__isnull=True, tenure__isnull=False)
                ),
                name="citation_supports_exactly_one_claim",
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6), name="citation_credibility_1_to_6"
            ),
        ]

    def __str__(self):
        return f"{self.source} on {self.claim}"

    @property
    def claim(self):
        return self.event or self.membership or self.tenure

    @property
    def claim_kind(self):
        for kind in ("event", "membership", "tenure"):
            if getattr(self, f"{kind}_id"):
                return kind
        return None

    def natural_key(self):
        return (self.source.slug, self.claim_kind, *self.claim.natural_key(), self.quote)

    natural_key.dependencies = ["events.source", "events.event", "actors.membership", "actors.tenure"]

    def clean(self):
        super().clean()
        # The claim objects, not just their ids: in the admin, a new event's citations are
        # validated before the event is saved and has an id.
        if sum(1 for kind in ("event", "membership", "tenure") if getattr(self, kind, None) is not None) != 1:
            raise ValidationError("A citation supports exactly one claim: an event, a membership or a tenure.")
        if not (self.quote or "").strip():
            raise ValidationError({"quote": "Quote the source's own words."})


class TombstoneQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What a reader's mirror must drop: everything for editors except what they still see
        (retracted and unpublished events stay in their lists); public departures for the rest."""
        if user is not None and user.is_authenticated and user.has_perm("events.change_event"):
            return self.exclude(reason__in=[Tombstone.Reason.RETRACTED, Tombstone.Reason.UNPUBLISHED])
        return self.filter(public=True)


class Tombstone(models.Model):
    """One record that left the API at a moment: deleted, merged, renamed, retracted or unpublished.

    API clients that mirror kzwatch read these to drop what they hold; rows are written by
    the service functions that delete, rename or unpublish, never by signals.
    """

    class Kind(models.TextChoices):
        ACTOR = "actor", "Actor"
        FACTION = "faction", "Faction"
        OFFICE = "office", "Office"
        EVENT = "event", "Event"
        SOURCE = "source", "Source"

    class Reason(models.TextChoices):
        DELETED = "deleted", "Deleted"
        MERGED = "merged", "Merged into another record"
        RENAMED = "renamed", "Slug changed"
        RETRACTED = "retracted", "Retracted"
        UNPUBLISHED = "unpublished", "Returned to draft"

    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="What sort of record left.")
    key = models.CharField(max_length=160, help_text="Its slug (for sources, its id) as the API named it.")
    reason = models.CharField(max_length=20, choices=Reason.choices, help_text="Why it left.")
    replaced_by = models.CharField(
        max_length=160, blank=True, help_text="For a rename or merge: the key that now holds the record."
    )
    public = models.BooleanField(default=True, help_text="Whether anonymous readers could see the record until then.")
    at = models.DateTimeField(default=timezone.now, db_index=True, help_text="When it left.")

    objects = TombstoneQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.kind} {self.key} {self.reason} at {self.at:%Y-%m-%d %H:%M}"
