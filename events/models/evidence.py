"""The evidence: sources and the citations that tie their words to claims."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from simple_history.models import HistoricalRecords

from actors.models import LANGUAGE_CHOICES, Membership, Tenure
from core.dates import DatedModel, EDTFField, display
from core.legacy_keys import legacy_key
from core.models import KeyedModel, LegacyKeyManager, PlainTextModel, SlugNaturalKeyManager, TimestampedModel
from core.visibility import VisibleQuerySet

from .event import Event


class SourceQuerySet(VisibleQuerySet):
    def visible(self, *, sees_unpublished):
        """Every source for a reader who `sees_unpublished`; for the rest, those that back something
        public or nothing yet. A source cited only by drafts (a lead's report, say) is part of the
        draft, and its headline is not for readers until the draft is published."""
        if sees_unpublished:
            return self
        citations = Citation.objects.filter(source=OuterRef("pk"))
        public = citations.filter(Q(event__isnull=True) | Q(event__status=Event.Status.PUBLISHED))
        return self.filter(Exists(public) | ~Exists(citations))


class Source(DatedModel, TimestampedModel):
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


class CitationManager(LegacyKeyManager):
    def get_by_legacy_key(self, source_slug, claim_kind, *claim_key_and_quote):
        """An earlier release's natural key: source slug, the claim's kind and natural key, then the quote."""
        *claim_key, quote = claim_key_and_quote
        claim_managers = {"event": Event.objects, "membership": Membership.objects, "tenure": Tenure.objects}
        if claim_kind not in claim_managers:
            raise self.model.DoesNotExist(f"Unknown claim kind {claim_kind!r}.")
        claim = claim_managers[claim_kind].get_by_natural_key(*claim_key)
        return self.get(source__slug=source_slug, quote=quote, **{claim_kind: claim})


class Citation(KeyedModel, PlainTextModel):
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
        help_text="The report cited; add new sources under Sources.",
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
        help_text="The event the report supports; a citation supports one event, membership or tenure.",
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
        help_text="The membership the report supports, if not an event.",
    )
    tenure = models.ForeignKey(
        Tenure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
        help_text="The tenure the report supports, if not an event.",
    )
    quote = models.TextField(
        blank=True,
        help_text="The source's own words the claim turns on, verbatim and short; empty where the source is "
        "only paraphrased (then the locator and note say where the fact stands).",
    )
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

    def legacy_natural_key(self):
        claim = self.claim
        claim_key = claim.natural_key() if self.claim_kind == "event" else claim.legacy_natural_key()
        return (self.source.slug, self.claim_kind, *claim_key, self.quote)

    def key_from_earlier_release(self):
        # The table names the claim by its natural key (a slug or a key): its legacy names are many.
        return legacy_key(
            self._meta.label_lower, (self.source.slug, self.claim_kind, *self.claim.natural_key(), self.quote)
        )

    def natural_key(self):
        return super().natural_key()

    natural_key.dependencies = ["events.source", "events.event", "actors.membership", "actors.tenure"]

    def check_leaves_its_event_cited(self):
        """Moving a citation to another claim must not leave the published event it supported uncited."""
        if self.pk is None:
            return
        was = Citation.objects.filter(pk=self.pk).values_list("event_id", flat=True).first()
        if was is None or was == self.event_id:
            return
        event = Event.objects.get(pk=was)
        try:
            event.check_cited(citation_count=Citation.objects.filter(event_id=was).exclude(pk=self.pk).count())
        except ValidationError as error:
            raise ValidationError(
                {"event": f"This is the only citation of “{event}”, which is published: cite it otherwise first."}
            ) from error

    def clean(self):
        super().clean()
        # The claim objects, not just their ids: in the admin, a new event's citations are
        # validated before the event is saved and has an id.
        if sum(1 for kind in ("event", "membership", "tenure") if getattr(self, kind, None) is not None) != 1:
            raise ValidationError("A citation supports exactly one claim: an event, a membership or a tenure.")
        self.check_leaves_its_event_cited()
        if not (self.quote or "").strip() and not ((self.locator or "").strip() and (self.note or "").strip()):
            raise ValidationError(
                {"quote": "Quote the source's own words, or, for a paraphrase, give the locator and a note."}
            )
