"""Offices (Popolo posts) and the tenures of those who held them."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import LegacyKeyManager, SlugNaturalKeyManager, TimestampedModel

from .actor import Actor
from .span import HistoricalSpanQuerySet, Span, SpanQuerySet, span_constraints


class OfficeQuerySet(models.QuerySet):
    def with_holders(self, user=None):
        """Offices with their organisation and their tenures in order, in two queries; each
        tenure's `started_by`/`ended_by` slug only where `user` may see the event."""
        tenures = (
            Tenure.objects.select_related("actor", "predecessor", "appointed_by")
            .with_visible_causes(user)
            .order_by_start()
        )
        return self.select_related("organization").prefetch_related(models.Prefetch("tenures", tenures))


class Office(TimestampedModel):
    """A position one person holds at a time (Popolo Post), e.g. “Prime Minister of Kazakhstan”."""

    slug = models.SlugField(max_length=120, unique=True, help_text="Stable identifier used in URLs and the API.")
    name = models.CharField(
        max_length=200, help_text="The full title, e.g. “Chairman of the National Security Committee”."
    )
    organization = models.ForeignKey(
        Actor,
        # An organisation that still has offices on record cannot vanish; delete the offices first.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices",
        limit_choices_to={"kind": Actor.Kind.ORGANIZATION},
        help_text="The body the office belongs to, if it is on record.",
    )
    summary = models.TextField(blank=True, help_text="What the office does, in a sentence.")
    seats = models.PositiveSmallIntegerField(
        default=1,
        help_text=(
            "How many people hold it at once: 1 for a president, prime minister or chairman (a new "
            "holder then ends the open tenure), more for a board; 0 when the number is not fixed."
        ),
    )
    history = HistoricalRecords()

    objects = SlugNaturalKeyManager.from_queryset(OfficeQuerySet)()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("actors:office-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class TenureManager(LegacyKeyManager.from_queryset(SpanQuerySet)):
    def get_by_legacy_key(self, actor_slug, office_slug, start_date):
        return self.get(actor__slug=actor_slug, office__slug=office_slug, start_date=start_date)


class Tenure(Span):
    """An actor holding an office over a span of time."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="tenures", help_text="Who held the office.")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="tenures", help_text="The office held.")
    predecessor = models.ForeignKey(
        Actor,
        # Losing the predecessor's record must not erase who holds the office now.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="succeeded_by_tenures",
        help_text="Who held the office before and was replaced by this actor.",
    )
    appointed_by = models.ForeignKey(
        Actor,
        # Losing the appointer's record must not erase the tenure itself.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointed_tenures",
        help_text="Who made the appointment, if known.",
    )
    history = HistoricalRecords(historical_queryset=HistoricalSpanQuerySet)

    objects = TenureManager()

    API_RELATED = ("actor", "office", "predecessor", "appointed_by")

    class Meta:
        ordering = ["office", "start_lower", "pk"]
        constraints = [
            *span_constraints("tenure"),
            models.UniqueConstraint(fields=["actor", "office", "start_date"], name="tenure_unique"),
            models.CheckConstraint(condition=~Q(predecessor=F("actor")), name="tenure_predecessor_not_self"),
        ]

    def __str__(self):
        return f"{self.actor} as {self.office}"

    def legacy_natural_key(self):
        return (self.actor.slug, self.office.slug, self.start_date)

    def natural_key(self):
        return super().natural_key()

    natural_key.dependencies = ["actors.actor", "actors.office"]

    @property
    def is_single_seat(self):
        return self.office_id is not None and self.office.seats == 1

    @property
    def has_certain_start(self):
        """A start known to the day, month or year, and an end that is either that certain or not
        yet known: an open tenure of a one-seat office still holds the seat."""
        return bool(_CERTAIN_DATE.fullmatch(self.start_date or "")) and (
            not self.end_date or bool(_CERTAIN_DATE.fullmatch(self.end_date))
        )

    def clean(self):
        super().clean()
        if self.predecessor_id and self.predecessor_id == self.actor_id:
            raise ValidationError({"predecessor": "An actor cannot succeed themselves."})
        self._check_single_holder()

    def _check_single_holder(self):
        """A one-seat office has one holder at a time; dates the sources are unsure of may overlap.

        An open tenure holds the seat from its start on. A new holder from a later start ends it
        (`tenure_create` does that), but one from the same day, or from an earlier day that runs
        past its start, would make two holders: that is refused, naming the sitting holder.
        """
        if not (self.is_single_seat and self.has_certain_start):
            return
        for rival in Tenure.objects.filter(office_id=self.office_id).exclude(pk=self.pk).select_related("actor"):
            if rival.has_certain_start and self._shares_the_seat_with(rival):
                if rival.end_date:
                    held = f"held it {rival.start_display} to {rival.end_display}"
                    field = "end_date"
                else:
                    held = f"has held it since {rival.start_display}, with no known end"
                    field = "start_date"
                raise ValidationError(
                    {field: f"{self.office} has one seat, and {rival.actor} {held}: these tenures overlap."}
                )

    def _shares_the_seat_with(self, rival):
        """Whether both certainly held the seat on some day; a handover on the day (or in the
        month) one ends is no overlap, and an open rival that began earlier is the predecessor."""
        if not rival.end_date:
            if rival.start_lower < self.start_lower:
                return False
            if rival.start_date == self.start_date and _CERTAIN_DAY.fullmatch(self.start_date):
                return True
            return bool(self.end_date) and self.end_lower > rival.start_upper
        if not self.end_date:
            # A later rival says this one ended, at a day the record does not know.
            return rival.start_lower <= self.start_upper and rival.end_lower > self.start_upper
        return rival.start_upper < self.end_lower and rival.end_lower > self.start_upper


_CERTAIN_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_CERTAIN_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
