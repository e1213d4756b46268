"""The vocabularies curators extend: kinds of event and the parts actors play in them."""

from django.db import models
from simple_history.models import HistoricalRecords

from core.models import PlainTextModel, SlugNaturalKeyManager


class Term(PlainTextModel):
    """One word of a vocabulary, named by its slug in filters, fixtures and the API."""

    slug = models.SlugField(max_length=60, unique=True, help_text="Used in filters and the API, e.g. “arrest”.")
    name = models.CharField(max_length=100, help_text="As shown to readers, e.g. “Arrest”.")
    description = models.TextField(blank=True, help_text="When to use this term.")

    objects = SlugNaturalKeyManager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class EventType(Term):
    """One kind of event: arrest, reshuffle, decree... (curators add new kinds as they need them)."""

    history = HistoricalRecords()

    class Meta(Term.Meta):
        pass


class ParticipantRole(Term):
    """One part an actor plays in an event: appointee, accused, court... (curators add more)."""

    history = HistoricalRecords()

    class Meta(Term.Meta):
        pass
