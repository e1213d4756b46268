"""What every app's models share: plain text, slugs and record keys as natural keys, timestamps,
and the tombstone log."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .legacy_keys import legacy_key
from .text import no_control_characters
from .visibility import VisibleQuerySet


class SlugNaturalKeyManager(models.Manager):
    """Lets fixtures and the API name rows by slug."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class RecordKeyField(models.SlugField):
    """A row's identity that no correction changes: given in a fixture, or minted on the first
    save (also by `bulk_create`, which calls `pre_save`) in the style of Open Civic Data's ids."""

    def pre_save(self, model_instance, add):
        if not getattr(model_instance, self.attname):
            setattr(model_instance, self.attname, new_record_key())
        return super().pre_save(model_instance, add)


def new_record_key():
    return uuid.uuid4().hex


class KeyedModel(models.Model):
    """A record (a tenure, a membership, a participation, a citation) named by its `key`.

    Its natural key is the key alone, so a fixture that corrects a date or a quote updates the
    row it names. A fixture of an earlier release, written before keys, names a row by what it
    then said (`legacy_natural_key()`); `LegacyKeyManager` still finds the row that way.
    """

    key = RecordKeyField(
        max_length=200,
        unique=True,
        blank=True,
        editable=False,
        help_text="Stable identity: set once, unchanged when the dates, quote or note are corrected; "
        "fixtures and other databases name the row by it.",
    )

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.key,) if self.key else self.legacy_natural_key()

    def legacy_natural_key(self):
        raise NotImplementedError

    def key_from_earlier_release(self):
        """The key of the record an earlier release's fixtures named as this row is named, or None."""
        return legacy_key(self._meta.label_lower, self.legacy_natural_key())


class LegacyKeyManager(models.Manager):
    """Finds a keyed record by its key, or by the natural key of an earlier release's fixtures."""

    def get_by_natural_key(self, *parts):
        if len(parts) == 1:
            return self.get(key=parts[0])
        return self.get_by_legacy_key(*parts)

    def get_by_legacy_key(self, *parts):
        raise NotImplementedError


class PlainTextModel(models.Model):
    """Base of every project model: its text fields (CharField, TextField and their kinds) refuse
    control characters whenever the row is validated.

    The check runs in `clean_fields()`, which every write path calls through `full_clean()`: the
    services, the import's bulk path, the admin's forms and inlines, the API's serializers. Being
    here rather than in each field's `validators`, it reaches a field added later without a
    migration for every text column; tests/test_plain_text.py walks every model to prove it.
    """

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            self.check_text(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def check_text(self, exclude=None):
        """Raise a ValidationError naming each text field, but those in `exclude`, that holds a control character."""
        errors = {}
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and field.name not in (exclude or ()):
                try:
                    no_control_characters(getattr(self, field.attname))
                except ValidationError as error:
                    errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)


class TimestampedModel(PlainTextModel):
    """A record mirrors fetch again when `updated_at` moves; `created_at` says when it arrived."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class TombstoneQuerySet(VisibleQuerySet):
    def visible(self, *, sees_unpublished):
        """What a reader's mirror must drop. Readers who see drafts keep retracted and
        unpublished records in their lists, so only the rest are departures for them; everyone
        else gets the public departures."""
        if sees_unpublished:
            return self.exclude(reason__in=[Tombstone.Reason.RETRACTED, Tombstone.Reason.UNPUBLISHED])
        return self.filter(public=True)


class Tombstone(PlainTextModel):
    """One record that left the API at a moment: deleted, merged, renamed, retracted or unpublished.

    API clients that mirror kzwatch read these to drop what they hold; rows are written by
    the service functions in `core.services` that delete, rename or unpublish, never by signals.
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
        # The table was created by the events app, where the log began; it keeps its name.
        db_table = "events_tombstone"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.kind} {self.key} {self.reason} at {self.at:%Y-%m-%d %H:%M}"
