"""Factions and the memberships that place actors in them over time."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import LegacyKeyManager, SlugNaturalKeyManager, TimestampedModel

from .actor import Actor
from .span import HistoricalSpanQuerySet, Span, SpanQuerySet, span_constraints


class FactionQuerySet(models.QuerySet):
    def with_members(self, at=None, user=None):
        """Factions with their memberships (all, or those that may be current on `at`), in two
        queries; each membership's `started_by`/`ended_by` slug only where `user` may see the event."""
        memberships = Membership.objects.select_related("actor").with_visible_causes(user).order_by_start()
        if at is not None:
            memberships = memberships.at(at)
        return self.prefetch_related(None).prefetch_related(models.Prefetch("memberships", memberships))


class Faction(TimestampedModel):
    """An informal group inside an elite: a clan, a camp, a circle of clients around a patron."""

    slug = models.SlugField(max_length=120, unique=True, help_text="Stable identifier used in URLs and the API.")
    name = models.CharField(max_length=200, help_text="The group's usual name, e.g. “Old Guard”.")
    summary = models.TextField(blank=True, help_text="Who they are and what holds them together.")
    orientation = models.CharField(
        max_length=200, blank=True, help_text="Their leaning as the sources describe it, e.g. “pro-Russian”."
    )
    history = HistoricalRecords()

    objects = SlugNaturalKeyManager.from_queryset(FactionQuerySet)()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("actors:faction-detail", args=[self.slug])


class MembershipManager(LegacyKeyManager.from_queryset(SpanQuerySet)):
    def get_by_legacy_key(self, actor_slug, faction_slug, role, start_date):
        return self.get(actor__slug=actor_slug, faction__slug=faction_slug, role=role, start_date=start_date)


class Membership(Span):
    """An actor's place in a faction over a span of time, as a source reports it."""

    class Role(models.TextChoices):
        LEADER = "leader", "Leader"
        MEMBER = "member", "Member"
        PATRON = "patron", "Patron"
        ALLY = "ally", "Ally"
        CANDIDATE = "candidate", "Candidate"

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="memberships", help_text="The member: a person or organisation."
    )
    faction = models.ForeignKey(
        Faction, on_delete=models.CASCADE, related_name="memberships", help_text="The faction they belong to."
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER, help_text="The actor's part.")
    history = HistoricalRecords(historical_queryset=HistoricalSpanQuerySet)

    objects = MembershipManager()

    API_RELATED = ("actor", "faction")

    class Meta:
        ordering = ["faction", "start_lower", "pk"]
        constraints = [
            *span_constraints("membership"),
            models.UniqueConstraint(fields=["actor", "faction", "role", "start_date"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.actor} — {self.get_role_display().lower()} of {self.faction}"

    def legacy_natural_key(self):
        return (self.actor.slug, self.faction.slug, self.role, self.start_date)

    def natural_key(self):
        return super().natural_key()

    natural_key.dependencies = ["actors.actor", "actors.faction"]
