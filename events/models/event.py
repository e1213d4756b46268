"""Events and who took part in them."""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, Exists, ExpressionWrapper, F, Max, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.db.models.lookups import Exact
from django.urls import reverse
from simple_history.manager import HistoricalQuerySet
from simple_history.models import HistoricalRecords

from actors.models import Actor, meets
from actors.names import fold
from core.dates import DatedModel, EDTFField, display
from core.history import as_known
from core.models import KeyedModel, LegacyKeyManager, PlainTextModel, SlugNaturalKeyManager, TimestampedModel
from core.ordering import Key, order_by_keys
from core.rows import AttachingIterable, OwnedRows, attaching, grouped
from core.visibility import VisibleQuerySet, sees_unpublished

from .vocabulary import EventType, ParticipantRole

# The one order of events, for the API and its cursors, the CSV, the feed's filters and the
# pages: by the first day an event can mean or, for an open start ("by Aug 2017"), by the last;
# events with no date at all come last either way; then by id, so the order is total.
CHRONOLOGICAL = (Key("sort_date", kind="date"), Key("pk", kind="int"))
REVERSE_CHRONOLOGICAL = (Key("sort_date", kind="date", descending=True), Key("pk", kind="int", descending=True))


def linked_shown_since(when, link):
    """The linked event (by the relation path `link`) is published now, or was at `when`."""
    status_then = (
        Event.history.model.objects.filter(id=OuterRef(f"{link}_id"), history_date__lt=when)
        .order_by("-history_date")
        .values("status")[:1]
    )
    return Q(**{f"{link}__status": Event.Status.PUBLISHED}) | Q(Exact(Subquery(status_then), Event.Status.PUBLISHED))


def event_window(ref=F):
    """An event's dates as a window for a membership to meet (`actors.models.meets`): its date
    range, with an unknown start or end open. `ref` reads the event's fields (F, or an OuterRef
    from a subquery)."""
    return (
        Coalesce(ref("date_start"), Value(datetime.date.min), output_field=models.DateField()),
        Coalesce(ref("date_end"), Value(datetime.date.max), output_field=models.DateField()),
    )


# What an axis lane may stand for, and the relation that puts an event in it.
LANE_FIELDS = {
    "type": "type_id",
    "person": "participations__actor_id",
    "faction": "participations__actor__memberships__faction_id",
}


class EventQuerySet(VisibleQuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def visible(self, *, sees_unpublished):
        """Every event (drafts and retractions too) for a reader who `sees_unpublished`, else published ones."""
        return self if sees_unpublished else self.published()

    def overlapping(self, start=None, end=None):
        """Events whose date range meets the window [start, end]; either end may be open."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(Q(date_end__gte=start) | Q(date_end__isnull=True))
        if end is not None:
            queryset = queryset.filter(Q(date_start__lte=end) | Q(date_start__isnull=True))
        return queryset

    def chronological(self):
        return order_by_keys(self, CHRONOLOGICAL)

    def reverse_chronological(self):
        return order_by_keys(self, REVERSE_CHRONOLOGICAL)

    def for_api(self, user, known=None):
        """What the API's JSON shows, in a fixed number of queries: the type, the parent
        (`visible_parent`, a slug) and, attached to each event by `ApiEventIterable`, its
        participants, citations and the related events `user` may see. With `known` (a
        moment), `self` is history rows (`core.history.as_known`) and the parent as it then stood."""
        editor = sees_unpublished(user)
        events = Event.objects.all() if known is None else as_known(Event, known)
        parent = events.visible(sees_unpublished=editor).filter(id=OuterRef("parent_id")).values("slug")[:1]
        queryset = self.select_related("type").annotate(visible_parent=Subquery(parent))
        if known is not None:
            return queryset  # history rows: a page of them becomes events with `attach_known_rows`
        return attaching(queryset, EditorApiEventIterable if editor else ApiEventIterable)

    def changed_since(self, when, *, sees_unpublished=True):
        """Events whose API representation may differ from what it was at `when`.

        That is the event row itself, its participations and citations (history rows, so a
        deletion counts too), and the names and titles it shows from actors, sources and
        linked events. A reader who does not `sees_unpublished` is shown a linked event only
        while it is published: for them a link counts when the linked event is published now,
        or was at `when` and has left since; a draft's edits change nothing they see.
        """
        from .evidence import Citation  # evidence.py imports this module for its foreign keys

        participations = Participation.history.model.objects.filter(event_id=OuterRef("pk"), history_date__gte=when)
        citations = Citation.history.model.objects.filter(event_id=OuterRef("pk"), history_date__gte=when)
        actors = Participation.objects.filter(event_id=OuterRef("pk"), actor__updated_at__gte=when)
        sources = Citation.objects.filter(event_id=OuterRef("pk"), source__updated_at__gte=when)
        related = Event.related.through.objects.filter(from_event_id=OuterRef("pk"), to_event__updated_at__gte=when)
        parent = Q(parent__updated_at__gte=when)
        if not sees_unpublished:
            related = related.filter(linked_shown_since(when, "to_event"))
            parent &= linked_shown_since(when, "parent")
        return self.filter(
            Q(updated_at__gte=when)
            | parent
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
        from .evidence import Citation  # evidence.py imports this module for its foreign keys

        return self.select_related("type", "parent").prefetch_related(
            models.Prefetch(
                "participations",
                Participation.objects.select_related("actor", "role").order_by("pk"),
            ),
            models.Prefetch("citations", Citation.objects.select_related("source").order_by("pk")),
        )

    def with_lane(self, by):
        """One row per event and `lane` it belongs in, `by` its "type", a "person" who took
        part (an organisation is no person), or a "faction" one of them was a member of at
        the time (by the dates known, as the `faction` filter reads them). An event with no
        one on record, or no one in a faction then, has no row; one with people of two
        factions has two."""
        if by == "type":
            return self.annotate(lane=F("type_id"))
        rows = self.annotate(lane=F(LANE_FIELDS[by]))
        if by == "person":
            # An alias, so that the condition reads the very participant who is the lane.
            rows = rows.alias(lane_kind=F("participations__actor__kind")).filter(lane_kind=Actor.Kind.PERSON)
        if by == "faction":
            # Aliases, so that the condition meets the very membership whose faction is the lane.
            rows = rows.alias(
                membership_start_lower=F("participations__actor__memberships__start_lower"),
                membership_end_upper=F("participations__actor__memberships__end_upper"),
            ).filter(meets(*event_window(), prefix="membership_"))
        return rows.filter(lane__isnull=False)

    def without_lane(self, by):
        """The events that `with_lane(by)` leaves out."""
        return self.exclude(pk__in=Event.objects.with_lane(by).values("pk"))

    def axis_buckets(self, by="type"):
        """The events counted per lane (`with_lane(by)`), year, month (of `sort_date`) and shape,
        in one GROUP BY.

        A shape is 0, a point (known within a month), 1, a range (spread over more than a
        month) or 2, open (no known start: placed by its end). `first`/`last` are the group's
        widest bounds. Undated events are left out: they have no place on an axis. Every key
        is an integer and the groups come unordered, so PostgreSQL hashes them in memory.
        Events are counted once per lane, however many of its people took part.
        """
        once = by != "type"
        wide = ExpressionWrapper(F("date_start") + datetime.timedelta(days=31), output_field=models.DateField())
        shape = Case(
            When(date_start__isnull=True, then=Value(2)),
            When(date_end__gt=wide, then=Value(1)),
            default=Value(0),
            output_field=models.IntegerField(),
        )
        return (
            self.order_by()
            .filter(sort_date__isnull=False)
            .with_lane(by)
            .annotate(year=ExtractYear("sort_date"), month=ExtractMonth("sort_date"), shape=shape)
            .values("lane", "year", "month", "shape")
            .annotate(
                count=Count("pk", distinct=once),
                first=Min("date_start"),
                last=Max("date_end"),
                drafts=Count("pk", filter=~Q(status="published"), distinct=once),
            )
        )

    def axis_marks(self, limit):
        """Up to `limit` dated events, just what an axis mark needs, in no order (so no sort)."""
        return (
            self.order_by()
            .filter(sort_date__isnull=False)
            .values("pk", "slug", "title", "status", "date", "date_start", "date_end", "sort_date", "type_id")[:limit]
        )


class HistoricalEventQuerySet(EventQuerySet, HistoricalQuerySet):
    """Events' history rows, read with the events' own verbs (`published()`, `visible_to()`):
    the record as it stood at a past moment (`core.history.as_known`) is asked what the live one is."""


# How deep a chain of parent events is followed when looking for a cycle.
MAX_PARENT_DEPTH = 100


class ApiEventIterable(AttachingIterable):
    """Events, each with the plain rows its JSON embeds: `participant_rows`, `citation_rows`
    and `related_slugs` (of published events only; `EditorApiEventIterable` shows every one)."""

    sees_unpublished = False

    def attach_rows(self, events):
        ids = [event.pk for event in events]
        participants = grouped(PARTICIPANT_ROWS.rows(ids), ("actor", "name", "role", "note"))
        citations = grouped(
            CITATION_ROWS.rows(ids),
            ("source", "title", "url", "reliability", "quote", "locator", "credibility", "note"),
        )
        related = defaultdict(list)
        for event_id, slug in RELATED_ROWS.rows(ids, self.sees_unpublished, variant=self.sees_unpublished):
            related[event_id].append(slug)
        for event in events:
            event.participant_rows = participants.get(event.pk, [])
            event.citation_rows = citations.get(event.pk, [])
            event.related_slugs = related.get(event.pk, [])


def _citation_rows(ids):
    from .evidence import Citation  # evidence.py imports this module for its foreign keys

    return Citation.objects.filter(event_id__in=ids).order_by("pk").values_list(*CITATION_COLUMNS)


CITATION_COLUMNS = (
    "event_id",
    "source_id",
    "source__title",
    "source__url",
    "source__reliability",
    "quote",
    "locator",
    "credibility",
    "note",
)


def _related_rows(ids, sees_unpublished):
    links = Event.related.through.objects.filter(from_event_id__in=ids)
    if not sees_unpublished:
        links = links.filter(to_event__status=Event.Status.PUBLISHED)
    return links.order_by("to_event_id").values_list("from_event_id", "to_event__slug")


# What `ApiEventIterable` attaches, by event id.
PARTICIPANT_ROWS = OwnedRows(
    lambda ids: (
        Participation.objects.filter(event_id__in=ids)
        .order_by("pk")
        .values_list("event_id", "actor__slug", "actor__name", "role__slug", "note")
    )
)
CITATION_ROWS = OwnedRows(_citation_rows)
RELATED_ROWS = OwnedRows(_related_rows)


class EditorApiEventIterable(ApiEventIterable):
    sees_unpublished = True


def attach_known_rows(events, known, user):
    """Give `events` (instances made of history rows) what `ApiEventIterable` attaches, as it
    stood at `known`: participants and citations then, and the linked events published then
    (all of them for a reader who sees drafts). The links themselves are today's."""
    from .evidence import Citation  # evidence.py imports this module for its foreign keys

    ids = [event.pk for event in events]
    participants = as_known(Participation, known).filter(event_id__in=ids).order_by("id")
    participants = grouped(
        participants.values_list("event_id", "actor__slug", "actor__name", "role__slug", "note"),
        ("actor", "name", "role", "note"),
    )
    citations = as_known(Citation, known).filter(event_id__in=ids).order_by("id")
    citations = grouped(
        citations.values_list(*CITATION_COLUMNS),
        ("source", "title", "url", "reliability", "quote", "locator", "credibility", "note"),
    )
    links = Event.related.through.objects.filter(from_event_id__in=ids)
    if not sees_unpublished(user):
        links = links.filter(to_event_id__in=as_known(Event, known).published().values("id"))
    related = defaultdict(list)
    for event_id, slug in links.order_by("to_event_id").values_list("from_event_id", "to_event__slug"):
        related[event_id].append(slug)
    for event in events:
        event.participant_rows = participants.get(event.pk, [])
        event.citation_rows = citations.get(event.pk, [])
        event.related_slugs = related.get(event.pk, [])
    return events


class Event(DatedModel, TimestampedModel):
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
    sort_date = models.DateField(
        null=True, blank=True, editable=False, help_text="Where the event sorts: its first day, else its last; derived."
    )
    date_note = models.TextField(blank=True, help_text="How the date was inferred, and the source's own words.")
    location = models.CharField(max_length=200, blank=True, help_text="Where it happened, e.g. “Akmola”.")
    summary = models.TextField(blank=True, help_text="What happened, neutrally, in a few sentences.")
    search_text = models.TextField(
        editable=False,
        default="",
        help_text="Title and summary folded as names are (actors/names.py), for the text search; derived.",
    )
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published events reach analysts and the public API.",
    )
    retraction_reason = models.TextField(
        blank=True,
        help_text="Why the event was retracted; required when retracting, shown with the record.",
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
    participants = models.ManyToManyField(
        Actor, through="Participation", related_name="events", help_text="Who took part, each in a role."
    )
    # The folded text repeats the title and summary: history keeps what people wrote, not a copy.
    history = HistoricalRecords(
        m2m_fields=[related], excluded_fields=["search_text"], historical_queryset=HistoricalEventQuerySet
    )

    objects = SlugNaturalKeyManager.from_queryset(EventQuerySet)()

    class Meta:
        ordering = [F("sort_date").asc(nulls_last=True), "pk"]
        indexes = [
            models.Index(fields=["sort_date", "id"], name="event_sort_idx"),
            # What anonymous readers page through: published events in their one order.
            models.Index(fields=["sort_date", "id"], name="event_published_sort_idx", condition=Q(status="published")),
            # The same, one event type at a time ("?type=arrest").
            models.Index(
                fields=["type", "sort_date", "id"], name="event_type_sort_idx", condition=Q(status="published")
            ),
            # Newest first, overall and per type: PostgreSQL only, so in migration 0011 (SQLite
            # cannot index NULLS LAST, and a backward scan of the above puts NULLs first).
        ]
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

    def check_cited(self, *, citation_count):
        """The rule for the API and the admin alike: a published event cites at least one source."""
        if self.status == Event.Status.PUBLISHED and not citation_count:
            raise ValidationError(
                {"citations": "A published event needs at least one citation: add the source first."},
                code="needs_citation",
            )

    def fill_derived_fields(self):
        super().fill_derived_fields()
        self.sort_date = self.date_start or self.date_end
        self.search_text = fold(f"{self.title} {self.summary}")

    def clean(self):
        super().clean()
        self._check_parent_chain()
        if self.status == Event.Status.RETRACTED and not self.retraction_reason.strip():
            raise ValidationError(
                {"retraction_reason": "Say why the event is retracted: readers of the record see the reason."}
            )

    def _check_parent_chain(self):
        """Refuse a parent that is this event, or one of its own parts at any depth."""
        seen, parent = {self.pk}, self.parent if self.parent_id else None
        for _ in range(MAX_PARENT_DEPTH):
            if parent is None:
                return
            if parent.pk in seen:
                raise ValidationError({"parent": "An event cannot be part of itself, directly or through its parts."})
            seen.add(parent.pk)
            parent = parent.parent


class ParticipationManager(LegacyKeyManager):
    def get_by_legacy_key(self, event_slug, actor_slug, role_slug):
        return self.get(event__slug=event_slug, actor__slug=actor_slug, role__slug=role_slug)


class Participation(KeyedModel, PlainTextModel):
    """One actor's part in one event, e.g. Dutbayev as the accused in his sentencing."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="participations", help_text="The event taken part in."
    )
    actor = models.ForeignKey(
        Actor,
        # An actor who appears in events cannot be deleted by accident; merge or detach first.
        on_delete=models.PROTECT,
        related_name="participations",
        help_text="Who took part: a person or organisation.",
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
        indexes = [
            # An actor's events ("?actor="), read from the index alone.
            models.Index(fields=["actor", "event"], name="participation_actor_event_idx"),
        ]
        constraints = [
            # An actor may play several parts (an appointee is often also a successor), each once.
            models.UniqueConstraint(fields=["event", "actor", "role"], name="participation_unique_role"),
        ]

    def __str__(self):
        return f"{self.actor} ({self.role}) in {self.event}"

    def legacy_natural_key(self):
        return (self.event.slug, self.actor.slug, self.role.slug)

    def natural_key(self):
        return super().natural_key()

    natural_key.dependencies = ["events.event", "actors.actor", "events.participantrole"]
