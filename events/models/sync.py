"""What API mirrors need beyond the records themselves."""

from django.db import models
from django.utils import timezone


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
