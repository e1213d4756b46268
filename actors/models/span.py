"""What memberships and tenures share: a span of two EDTF dates, begun and ended by events."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from simple_history.manager import HistoricalQuerySet

from core.dates import DatedModel, EDTFField, display, display_span_end
from core.history import as_known
from core.models import KeyedModel, TimestampedModel
from core.visibility import sees_unpublished


def meets(start, end, *, prefix=""):
    """The condition that a span's known dates meet the window [start, end]; an unknown start
    or end meets everything. `prefix` names the span's fields from another model's rows
    ("membership_" for annotations `membership_start_lower` and `membership_end_upper`)."""
    return (Q(**{f"{prefix}start_lower__lte": end}) | Q(**{f"{prefix}start_lower__isnull": True})) & (
        Q(**{f"{prefix}end_upper__gte": start}) | Q(**{f"{prefix}end_upper__isnull": True})
    )


class SpanQuerySet(models.QuerySet):
    """Rows with a start and an end date: memberships and tenures."""

    def order_by_start(self):
        return self.order_by(F("start_lower").asc(nulls_first=True), "pk")

    def overlapping(self, start, end):
        """Rows whose known span meets the window [start, end] (dates or query expressions);
        an unknown start or end meets everything."""
        return self.filter(meets(start, end))

    def at(self, day):
        """Rows that may be current on `day`: started by then, and not known to have ended before."""
        return self.overlapping(day, day)

    def with_visible_causes(self, user):
        """Annotate `started_by_visible` and `ended_by_visible`: the slugs of the events that began
        and ended each span, or None where `user` may not see that event (a draft)."""
        return self.with_causes(sees_unpublished=sees_unpublished(user))

    def with_causes(self, *, sees_unpublished, events=None, citations=None):
        """`with_visible_causes` for a reader who sees drafts and retractions, or only published
        events (`with_cause_slugs`), and `with_last_confirmed` of the `citations` given."""
        return self.with_cause_slugs(sees_unpublished=sees_unpublished, events=events).with_last_confirmed(
            citations=citations
        )

    def with_cause_slugs(self, *, sees_unpublished, events=None):
        """Annotate `started_by_visible` and `ended_by_visible`: the slugs of the events that began
        and ended each span, or None where the reader (who `sees_unpublished`, or not) may not
        see that event. `events` are where the causes are read: the live table by default, the
        rows known at a past moment for the record as it stood then (`core.history.as_known`).
        The one place the rule meets a span's causes: pages read these annotations too."""
        if events is None:
            events = self.span_model().cause_model().objects.all()
        events = events.visible(sees_unpublished=sees_unpublished)
        return self.annotate(
            started_by_visible=Subquery(events.filter(id=OuterRef("started_by_id")).values("slug")[:1]),
            ended_by_visible=Subquery(events.filter(id=OuterRef("ended_by_id")).values("slug")[:1]),
        )

    def with_last_confirmed(self, *, as_written=False, citations=None):
        """Annotate `last_confirmed`: the latest publication date (its first day) of a source cited
        for each span; with `as_written`, also `last_confirmed_as`, that source's date as its
        record gives it ("2025-11", "2017-06/2017-08"), for pages that say it as precisely as known.
        `citations` as in `with_causes`."""
        span = self.span_model()
        if citations is None:
            citations = span.citation_model().objects.all()
        citations = citations.filter(**{span._meta.model_name: OuterRef("id")})
        latest = citations.filter(source__published_start__isnull=False).order_by(
            "-source__published_start", "-source__published_end", "-source_id"
        )
        rows = self.annotate(last_confirmed=Subquery(latest.values("source__published_start")[:1]))
        if as_written:
            rows = rows.annotate(last_confirmed_as=Subquery(latest.values("source__published_date")[:1]))
        return rows

    def for_api(self, user, known=None):
        """What the memberships and tenures lists show, in a fixed number of queries; with
        `known` (a moment), the rows as they then stood, their causes and reports too."""
        span = self.span_model()
        rows, events, citations = self, None, None
        if known is not None:
            rows = as_known(span, known)
            events, citations = as_known(span.cause_model(), known), as_known(span.citation_model(), known)
        rows = rows.select_related(*span.API_RELATED)
        editor = sees_unpublished(user)
        return rows.with_causes(sees_unpublished=editor, events=events, citations=citations).order_by_start()

    def span_model(self):
        """The membership or tenure model; for their history rows (`HistoricalSpanQuerySet`), the
        live model they record."""
        return getattr(self.model, "instance_type", self.model)


class HistoricalSpanQuerySet(SpanQuerySet, HistoricalQuerySet):
    """The history rows of memberships or tenures, read with the spans' own verbs: the record
    as it stood at a past moment (`core.history.as_known`) is asked what the live one is."""


class Span(KeyedModel, DatedModel, TimestampedModel):
    """Shared shape of memberships and tenures: two EDTF dates; no end means "no known end"."""

    start_date = EDTFField(blank=True, bounds=("start_lower", "start_upper"), help_text="EDTF; empty if unknown.")
    end_date = EDTFField(
        blank=True,
        bounds=("end_lower", "end_upper"),
        help_text="EDTF; empty means no known end (not “for ever”).",
    )
    start_lower = models.DateField(null=True, blank=True, editable=False, db_index=True)
    start_upper = models.DateField(null=True, blank=True, editable=False)
    end_lower = models.DateField(null=True, blank=True, editable=False)
    end_upper = models.DateField(null=True, blank=True, editable=False, db_index=True)
    note = models.TextField(blank=True, help_text="How the dates were inferred, caveats, original wording.")
    # The causes are events, which sit in the app above; a lazy reference by name keeps this
    # module free of any import from it.
    started_by = models.ForeignKey(
        "events.Event",
        # Deleting the event keeps the span; it only forgets its cause.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="started_%(class)ss",
        help_text="The event that began this span, e.g. the appointment.",
    )
    ended_by = models.ForeignKey(
        "events.Event",
        # Deleting the event keeps the span; it only forgets its cause.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ended_%(class)ss",
        help_text="The event that ended this span, e.g. the dismissal, the arrest, the death.",
    )

    class Meta:
        abstract = True

    @classmethod
    def cause_model(cls):
        """The events app sits above this one: its model, reached through the foreign key, not an import."""
        return cls._meta.get_field("started_by").related_model

    @classmethod
    def citation_model(cls):
        """The model of the citations (in the events app) that support a span, reached the same way."""
        return cls._meta.get_field("citations").related_model

    @property
    def start_display(self):
        return display_span_end(self.start_date) if self.start_date else "start unknown"

    @property
    def confirmed_display(self):
        """The latest report's date (see `SpanQuerySet.with_last_confirmed`) as readers see dates,
        as precisely as the source gives it where the query asked for that, or ""."""
        confirmed = getattr(self, "last_confirmed_as", None) or getattr(self, "last_confirmed", None)
        if not confirmed:
            return ""
        return display(confirmed if isinstance(confirmed, str) else confirmed.isoformat())

    @property
    def end_display(self):
        return display_span_end(self.end_date) if self.end_date else "no known end"

    def clean(self):
        super().clean()
        self.fill_date_bounds()
        if self.start_lower and self.end_upper and self.end_upper < self.start_lower:
            raise ValidationError({"end_date": "The end cannot be before the start."})


def span_constraints(prefix):
    return [
        models.CheckConstraint(
            condition=Q(end_upper__isnull=True) | Q(start_lower__isnull=True) | Q(end_upper__gte=F("start_lower")),
            name=f"{prefix}_end_not_before_start",
        ),
    ]
