"""Who: actors (people and organisations), their names, factions, offices and tenures."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from simple_history.manager import HistoricalQuerySet
from simple_history.models import HistoricalRecords

from core.dates import DatedModel, EDTFField, display, display_span_end
from core.history import as_known
from core.models import KeyedModel, LegacyKeyManager, PlainTextModel, SlugNaturalKeyManager, TimestampedModel
from core.rows import AttachingIterable, OwnedRows, attaching, grouped
from core.visibility import sees_unpublished

from .names import fold, query_tokens

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

    def for_detail(self, user=None):
        """Everything an actor's JSON embeds, attached by `ApiActorIterable` as plain rows; event
        slugs only where `user` may see the event."""
        return attaching(self, EditorApiActorIterable if sees_unpublished(user) else ApiActorIterable)


class ApiActorIterable(AttachingIterable):
    """Actors, each with `alias_rows`, `identifier_rows`, `membership_rows` and `tenure_rows`:
    the columns the JSON shows, with the slugs of faction, office and predecessor, and the
    slugs of the events that began and ended a span where the reader may see them (published
    ones; every one for `EditorApiActorIterable`)."""

    sees_unpublished = False

    def attach_rows(self, actors):
        ids = [actor.pk for actor in actors]
        sees_unpublished = self.sees_unpublished
        aliases = grouped(ALIAS_ROWS.rows(ids), ("name", "lang"))
        identifiers = grouped(IDENTIFIER_ROWS.rows(ids), ("scheme", "identifier"))
        memberships = grouped(
            MEMBERSHIP_ROWS.rows(ids, sees_unpublished, variant=sees_unpublished),
            ("id", "faction", "role", "start_date", "end_date", "started_by", "ended_by", "last_confirmed"),
        )
        tenures = grouped(
            TENURE_ROWS.rows(ids, sees_unpublished, variant=sees_unpublished),
            ("id", "office", "predecessor", "start_date", "end_date", "started_by", "ended_by", "last_confirmed"),
        )
        for row in (row for rows in (*memberships.values(), *tenures.values()) for row in rows):
            # As the serializer's field writes it: the direct read and DRF's walk give the same JSON.
            row["last_confirmed"] = row["last_confirmed"] and row["last_confirmed"].isoformat()
        for actor in actors:
            actor.alias_rows = aliases.get(actor.pk, [])
            actor.identifier_rows = identifiers.get(actor.pk, [])
            actor.membership_rows = memberships.get(actor.pk, [])
            actor.tenure_rows = tenures.get(actor.pk, [])


class EditorApiActorIterable(ApiActorIterable):
    sees_unpublished = True


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


def _span_constraints(prefix):
    return [
        models.CheckConstraint(
            condition=Q(end_upper__isnull=True) | Q(start_lower__isnull=True) | Q(end_upper__gte=F("start_lower")),
            name=f"{prefix}_end_not_before_start",
        ),
    ]


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
            *_span_constraints("membership"),
            models.UniqueConstraint(fields=["actor", "faction", "role", "start_date"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.actor} — {self.get_role_display().lower()} of {self.faction}"

    def legacy_natural_key(self):
        return (self.actor.slug, self.faction.slug, self.role, self.start_date)

    def natural_key(self):
        return super().natural_key()

    natural_key.dependencies = ["actors.actor", "actors.faction"]


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
            *_span_constraints("tenure"),
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


# What `ApiActorIterable` attaches, by actor id; the spans' causes as `with_causes` names them.
ALIAS_ROWS = OwnedRows(
    lambda ids: Alias.objects.filter(actor_id__in=ids).order_by("lang", "name").values_list("actor_id", "name", "lang")
)
IDENTIFIER_ROWS = OwnedRows(
    lambda ids: (
        Identifier.objects.filter(actor_id__in=ids).order_by("pk").values_list("actor_id", "scheme", "identifier")
    )
)


def _span_rows(model, *columns):
    def build(ids, sees_unpublished):
        spans = model.objects.filter(actor_id__in=ids).with_causes(sees_unpublished=sees_unpublished)
        spans = spans.order_by_start()
        return spans.values_list("actor_id", "pk", *columns, "start_date", "end_date", *SPAN_CAUSES)

    return OwnedRows(build)


SPAN_CAUSES = ("started_by_visible", "ended_by_visible", "last_confirmed")
MEMBERSHIP_ROWS = _span_rows(Membership, "faction__slug", "role")
TENURE_ROWS = _span_rows(Tenure, "office__slug", "predecessor__slug")
