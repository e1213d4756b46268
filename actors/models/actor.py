"""Actors, their names and identifiers: who takes part in events."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.dates import DatedModel, EDTFField
from core.models import PlainTextModel, SlugNaturalKeyManager, TimestampedModel

from ..names import fold, query_tokens

LANGUAGE_CHOICES = [
    ("en", "English"),
    ("ru", "Russian (Cyrillic)"),
    ("kk-Cyrl", "Kazakh (Cyrillic)"),
    ("kk-Latn", "Kazakh (Latin)"),
    ("be", "Belarusian"),
    ("uk", "Ukrainian"),
    ("zh", "Chinese"),
    ("tr", "Turkish"),
    ("ar", "Arabic"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("it", "Italian"),
    ("pt", "Portuguese"),
    ("pl", "Polish"),
    ("ro", "Romanian"),
    ("bg", "Bulgarian"),
    ("hu", "Hungarian"),
    ("und", "Other or unknown"),
]


class ActorQuerySet(models.QuerySet):
    def matching(self, query):
        """Actors whose name or any alias contains every word of `query`, in any script or spelling."""
        tokens = query_tokens(query)
        if not tokens:
            return self.none() if (query or "").strip() else self
        condition = Q()
        for token in tokens:
            # One set of ids from two uncorrelated lookups, each able to use its trigram index on
            # PostgreSQL; an EXISTS on the aliases, or an OR of the two, is checked actor by actor.
            by_name = Actor.objects.filter(search_key__contains=token).order_by().values("pk")
            by_alias = Alias.objects.filter(search_key__contains=token).order_by().values("actor_id")
            condition &= Q(pk__in=by_name.union(by_alias))
        return self.filter(condition)

    def for_list(self):
        return self.prefetch_related("aliases", "identifiers")


ActorManager = SlugNaturalKeyManager.from_queryset(ActorQuerySet)


class Actor(DatedModel, TimestampedModel):
    """One person or organisation (a state, a company, an agency) that takes part in events."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organisation"

    slug = models.SlugField(max_length=120, unique=True, help_text="Stable identifier used in URLs and the API.")
    name = models.CharField(max_length=200, help_text="The name as usually written in English.")
    sort_name = models.CharField(
        max_length=200, blank=True, help_text="The name as sorted in a list, e.g. “Nazarbayev, Nursultan”."
    )
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.PERSON, help_text="Person or organisation."
    )
    birth_date = EDTFField(blank=True, help_text="EDTF, e.g. 1940-07-06 or 1940; for organisations the founding date.")
    death_date = EDTFField(blank=True, help_text="EDTF; leave empty when alive or unknown.")
    summary = models.TextField(blank=True, help_text="Who this is, in one or two sentences.")
    search_key = models.CharField(
        max_length=600, editable=False, default="", help_text="Folded name used by the name search; derived."
    )
    history = HistoricalRecords()

    objects = ActorManager()

    class Meta:
        ordering = ["sort_name", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("actors:actor-detail", args=[self.slug])

    def fill_derived_fields(self):
        super().fill_derived_fields()
        if not self.sort_name:
            self.sort_name = self.name
        self.search_key = fold(f"{self.name} {self.sort_name}")[:600]


class IdentifierManager(models.Manager):
    def get_by_natural_key(self, scheme, identifier):
        return self.get(scheme=scheme, identifier=identifier)


class Identifier(PlainTextModel):
    """One identifier of an actor in an outside scheme, e.g. its Wikidata item."""

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="identifiers", help_text="Whom the identifier names."
    )
    scheme = models.CharField(max_length=40, help_text="The scheme, e.g. “wikidata”.")
    identifier = models.CharField(max_length=200, help_text="The value in that scheme, e.g. “Q4075”.")
    history = HistoricalRecords()

    objects = IdentifierManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "identifier"], name="identifier_unique_in_scheme"),
        ]

    def __str__(self):
        return f"{self.scheme}:{self.identifier}"

    def natural_key(self):
        return (self.scheme, self.identifier)

    natural_key.dependencies = ["actors.actor"]


class AliasManager(models.Manager):
    def get_by_natural_key(self, actor_slug, name, lang):
        return self.get(actor__slug=actor_slug, name=name, lang=lang)


class Alias(PlainTextModel):
    """Another name of an actor: a spelling, a script, a former name (Popolo `other_names`)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases", help_text="Whose name this is.")
    name = models.CharField(max_length=200, help_text="The name exactly as written in that language and script.")
    lang = models.CharField(
        max_length=10, choices=LANGUAGE_CHOICES, default="en", help_text="Language and script of this spelling."
    )
    note = models.CharField(max_length=300, blank=True, help_text="E.g. “common press transliteration”.")
    search_key = models.CharField(max_length=300, editable=False, default="", help_text="Folded name; derived.")
    history = HistoricalRecords()

    objects = AliasManager()

    class Meta:
        verbose_name_plural = "aliases"
        ordering = ["lang", "name"]
        constraints = [
            models.UniqueConstraint(fields=["actor", "name", "lang"], name="alias_unique_per_actor"),
        ]

    def __str__(self):
        return f"{self.name} ({self.lang})"

    def natural_key(self):
        return (self.actor.slug, self.name, self.lang)

    natural_key.dependencies = ["actors.actor"]

    def fill_derived_fields(self):
        self.search_key = fold(self.name)[:300]

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)
