"""A synthetic, reproducible record at any size, for measuring kzwatch at scale.

`generate(actors=N, events=M, seed=S)` writes actors with Latin and Cyrillic aliases,
factions and memberships, offices with chained successions, sources, events in every EDTF
precision the project accepts, participations skewed like real coverage (a few actors take
part in most events: Zipf), and citations for every published claim. The same arguments
always give the same rows. Rows go in with `bulk_create` (`COPY` on PostgreSQL), so no history rows are written:
the synthetic record has no past, and `updated_since` sees every row as changed at load
time (its `updated_at`), which is what a mirror starting afresh would see too.
"""

import contextlib
import datetime
import functools
import itertools
import operator
import random
import sys
import time

from anyascii import anyascii
from django.db import connection, connections, transaction
from django.db.models import Field
from django.utils.text import slugify

from actors.models import Actor, Alias, Faction, Membership, Office, Tenure
from core import page_cache
from events.models import Citation, Event, EventType, ParticipantRole, Participation, Source

BATCH = 2000
FIRST_DAY = datetime.date(1995, 1, 1)
DAYS = 30 * 365
# The actor every benchmark looks at: the busiest, found by a misspelling of his name.
HEAD_ACTOR = ("Nursultan", "Nazarbayev", "Нурсултан", "Назарбаев")

# Cyrillic name parts; the Latin spellings are made from them, as the press makes them.
GIVEN = [
    "Нурлан",
    "Карим",
    "Бахыт",
    "Асет",
    "Ерлан",
    "Дарига",
    "Тимур",
    "Кайрат",
    "Серик",
    "Алихан",
    "Марат",
    "Гульнара",
    "Даулет",
    "Ербол",
    "Аскар",
    "Жанна",
    "Бауыржан",
    "Умирзак",
    "Самат",
    "Айгерим",
]
ROOTS = [
    "Назар",
    "Масим",
    "Тасмагамбет",
    "Утемурат",
    "Кулиб",
    "Ертыс",
    "Жаксыбек",
    "Сагинта",
    "Абенов",
    "Мамин",
    "Токаев",
    "Бишимба",
    "Исекеш",
    "Жумагали",
    "Смаил",
    "Кошанов",
    "Шукее",
    "Султанб",
    "Дутба",
    "Мусин",
    "Айтмух",
    "Ахметж",
    "Оразб",
    "Нигмат",
    "Тажин",
    "Кемелб",
    "Сапарб",
    "Есимов",
    "Бекет",
]
SUFFIXES = ["ев", "ов", "баев", "улы", "бек", "ин"]
FEMININE = {"Дарига", "Гульнара", "Жанна", "Айгерим"}
EVENT_TYPES = [
    "appointment",
    "dismissal",
    "reshuffle",
    "arrest",
    "detention",
    "charge",
    "trial",
    "sentencing",
    "release",
    "reassignment",
    "decree",
    "speech",
    "treaty",
    "election",
    "trade-measure",
]
ROLES = [
    "subject",
    "appointee",
    "predecessor",
    "successor",
    "appointer",
    "accused",
    "court",
    "author",
    "signatory",
    "target",
]
VERBS = {
    "appointment": "appointed",
    "dismissal": "dismissed",
    "arrest": "arrested",
    "detention": "detained",
    "charge": "charged",
    "trial": "on trial",
    "sentencing": "sentenced",
    "release": "released",
    "reassignment": "reassigned abroad",
    "speech": "speaks",
    "election": "elected",
}
# How curators know dates: (cumulative share, EDTF form), from exact days to open starts.
DATE_FORMS = (
    (0.50, "{day:%Y-%m-%d}"),
    (0.68, "{day:%Y-%m}"),
    (0.74, "{day:%Y}"),
    (0.80, "{day:%Y-%m}~"),
    (0.85, "{day:%Y-%m-%d}?"),
    (0.88, "{day:%Y}?"),
    (0.95, "{day:%Y-%m}/{later:%Y-%m}"),
    (0.98, "../{day:%Y-%m}"),
    (1.01, "{day:%Y-%m}/.."),
)
LOCATIONS = ["Astana", "Almaty", "Shymkent", "Karaganda", "Aktobe", "Atyrau", "Moscow", "Beijing", ""]


def progress(label, done, total, started):
    """One line on stderr, rewritten in place: what is being written, how far, how fast."""
    rate = done / max(time.monotonic() - started, 1e-6)
    if done >= total:
        sys.stderr.write(f"\r{label}: {done:,}/{total:,} ({rate:,.0f}/s)\n")
    elif sys.stderr.isatty():
        sys.stderr.write(f"\r{label}: {done:,}/{total:,} ({rate:,.0f}/s)")
    sys.stderr.flush()


def fill_derived_fields(rows, date_field=None):
    """Each row's derived fields (date bounds, sort date, search keys), as a save would fill them.

    Parsing EDTF is slow and cached (`core.dates`), so rows are visited in the order of their
    date text: each distinct text is parsed once.
    """
    ordered = sorted(rows, key=lambda row: getattr(row, date_field)) if date_field else rows
    for row in ordered:
        row.fill_derived_fields()


def bulk_write(model, rows, label, quiet=False, date_field=None):
    """Insert `rows`, their derived fields filled first; returns them with their ids.

    PostgreSQL takes them by `COPY` (a million events in a minute rather than several), the
    ids drawn from the table's sequence first, in order, as `bulk_create` would have drawn
    them; elsewhere `bulk_create` in batches.
    """
    rows, started, written = list(rows), time.monotonic(), []
    if hasattr(model, "fill_derived_fields"):
        fill_derived_fields(rows, date_field)
    if connection.vendor == "postgresql":
        return copy_rows(model, rows, label, quiet)
    for first in range(0, len(rows), BATCH):
        batch = rows[first : first + BATCH]
        written.extend(model.objects.bulk_create(batch))
        if not quiet:
            progress(label, len(written), len(rows), started)
    return written


def field_value(field):
    """(how to read `field` off a row being added, how to prepare it for the database)."""
    if type(field).pre_save is Field.pre_save:
        return operator.attrgetter(field.attname), field.get_db_prep_save
    return functools.partial(pre_save_adding, field), field.get_db_prep_save


def pre_save_adding(field, row):
    return field.pre_save(row, True)


def copy_rows(model, rows, label, quiet=False):
    """`rows` by one `COPY`, each value as a save prepares it (`pre_save` fills the timestamps)."""
    if not rows:
        return rows
    started, table, fields = time.monotonic(), model._meta.db_table, model._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    # Millions of values: the connection itself rather than its per-thread proxy, and `pre_save`
    # only where a field has its own (timestamps, record keys); elsewhere it reads the attribute.
    database, values = connections[connection.alias], [field_value(field) for field in fields]
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for done, row in enumerate(rows, 1):
            copy.write_row([prepare(read(row), database) for read, prepare in values])
            if not quiet and (done % BATCH == 0 or done == len(rows)):
                progress(label, done, len(rows), started)
    for row in rows:
        # What bulk_create marks on the rows it writes: saved, and where.
        row._state.adding, row._state.db = False, connection.alias
    return rows


@contextlib.contextmanager
def checks_set_aside(*models):
    """The tables' plain indexes (not primary, not unique) and foreign keys dropped while the block
    loads them, and made again from their own definitions after it.

    PostgreSQL builds an index over a million rows at once several times faster than it keeps it
    row by row (the trigram indexes most of all), and checks a foreign key of millions of rows
    with one join rather than a locking lookup a row. All of it happens in the caller's
    transaction, so a load that fails leaves the tables as they were; a foreign key made again
    checks every row written meanwhile.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [[model._meta.db_table for model in models]]
    with connection.cursor() as cursor:
        # A table cannot be altered while checks deferred to the commit wait on its rows: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            tables,
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            tables,
        )
        indexes = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class Generator:
    """Makes the rows; one instance per run, driven by one seeded random source."""

    def __init__(self, *, actors, events, seed, quiet=False):
        self.random = random.Random(seed)
        self.actor_count, self.event_count, self.quiet = max(actors, 10), max(events, 10), quiet
        self.bursts = sorted(self.random.randrange(DAYS) for _ in range(max(20, self.event_count // 2000)))

    # -- dates -------------------------------------------------------------------------

    def day(self):
        """Bursty: most events cluster around crises, the rest spread over thirty years."""
        if self.random.random() < 0.7:
            offset = int(self.random.gauss(self.random.choice(self.bursts), 25))
        else:
            offset = self.random.randrange(DAYS)
        return FIRST_DAY + datetime.timedelta(days=min(max(offset, 0), DAYS - 1))

    def edtf(self, day):
        """`day` as known to a curator: every precision, qualifier and interval form."""
        roll = self.random.random()
        later = day + datetime.timedelta(days=self.random.randrange(20, 200))
        if later >= FIRST_DAY + datetime.timedelta(days=DAYS):
            later = day
        form = next(form for share, form in DATE_FORMS if roll < share)
        return form.format(day=day, later=later)

    # -- who ---------------------------------------------------------------------------

    def person_names(self, index):
        """(Latin name, sort name, aliases as (name, lang)) of the index-th person."""
        if index == 0:
            given, family, given_cyr, family_cyr = HEAD_ACTOR
        else:
            given_cyr = self.random.choice(GIVEN)
            family_cyr = self.random.choice(ROOTS) + self.random.choice(SUFFIXES)
            if given_cyr in FEMININE and family_cyr.endswith(("ев", "ов", "ин")):
                family_cyr += "а"
            given, family = anyascii(given_cyr), anyascii(family_cyr)
            # The press spelling: -ев after a vowel is -yev in passports and papers.
            family = family.replace("aev", "ayev").replace("iev", "iyev")
        press = family.replace("yev", "ev") if "yev" in family else family.replace("ss", "s").replace("s", "ss", 1)
        aliases = [(f"{family_cyr} {given_cyr}", "ru"), (f"{given} {press}", "kk-Latn")]
        if self.random.random() < 0.4:
            aliases.append((f"{given_cyr} {family_cyr}", "kk-Cyrl"))
        return f"{given} {family}", f"{family}, {given}", aliases

    def make_actors(self):
        people = max(self.actor_count - self.actor_count // 10, 1)
        rows, aliases = [], []
        for index in range(self.actor_count):
            if index < people:
                name, sort_name, names = self.person_names(index)
                born = self.random.randint(1930, 1985)
                actor = Actor(
                    slug=f"{slugify(anyascii(name))}-{index}",  # slugify drops the apostrophe of Gul'nara
                    name=name,
                    sort_name=sort_name,
                    kind=Actor.Kind.PERSON,
                    birth_date=str(born) if index % 3 else f"{born}-{self.random.randint(1, 12):02d}",
                    summary=f"Synthetic official number {index}.",
                )
            else:
                name, names = f"Agency {index}", [(f"Агентство {index}", "ru")]
                actor = Actor(slug=f"agency-{index}", name=name, kind=Actor.Kind.ORGANIZATION, summary="")
            rows.append(actor)
            aliases.append(names)
        self.actors = bulk_write(Actor, rows, "actors", self.quiet)
        self.people = self.actors[:people]
        self.organizations = self.actors[people:] or self.actors[:1]
        alias_rows = [
            Alias(actor=actor, name=name, lang=lang)
            for actor, names in zip(self.actors, aliases, strict=True)
            for name, lang in dict.fromkeys(names)
        ]
        bulk_write(Alias, alias_rows, "aliases", self.quiet)
        # Zipf: the n-th actor takes part about 1/n as often as the first.
        self.actor_weights = list(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(self.actors))))

    def make_vocabulary(self):
        """The event types and roles, adding those the migrations have not seeded already."""
        self.types = [
            EventType.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").capitalize()})[0]
            for slug in EVENT_TYPES
        ]
        self.roles = [
            ParticipantRole.objects.get_or_create(slug=slug, defaults={"name": slug.capitalize()})[0] for slug in ROLES
        ]

    def make_sources(self):
        count = max(self.event_count // 4, 10)
        kinds, grades = [kind for kind, _ in Source.Kind.choices], [grade for grade, _ in Source.Reliability.choices]
        rows = [
            Source(
                slug=f"source-{index}",
                title=f"Report {index} on Kazakh politics",
                publisher=self.random.choice(["Vlast.kz", "Azattyq", "Kursiv", "Reuters", "Tengrinews"]),
                url=f"https://example.org/reports/{index}",
                published_date=self.day().isoformat(),
                kind=self.random.choice(kinds),
                language=self.random.choice(["en", "ru", "kk-Cyrl"]),
                reliability=self.random.choice(grades),
            )
            for index in range(count)
        ]
        self.sources = bulk_write(Source, rows, "sources", self.quiet, date_field="published_date")

    def make_factions_and_offices(self):
        memberships, tenures = self.make_memberships(), self.make_tenures()
        citations = [
            Citation(
                source=self.random.choice(self.sources),
                quote="The appointment was announced.",
                credibility=2,
                **{"membership" if isinstance(claim, Membership) else "tenure": claim},
            )
            for claim in (*memberships, *tenures)
        ]
        bulk_write(Citation, citations, "span citations", self.quiet)

    def make_memberships(self):
        """Factions, and up to three memberships of each person, some open."""
        factions = [
            Faction(
                slug=f"faction-{index}", name=f"Circle {index}", orientation=self.random.choice(["", "pro-Russian"])
            )
            for index in range(max(self.actor_count // 50, 5))
        ]
        self.factions = Faction.objects.bulk_create(factions)
        memberships = []
        for actor in self.people:
            for faction in self.random.sample(self.factions, self.random.choice([0, 1, 1, 2, 3])):
                start = self.day()
                end = self.edtf(start + datetime.timedelta(days=self.random.randrange(300, 4000)))
                memberships.append(
                    Membership(
                        actor=actor,
                        faction=faction,
                        role=self.random.choice(Membership.Role.values),
                        start_date=f"{start:%Y-%m}",
                        end_date="" if self.random.random() < 0.3 or "/" in end else end[:7].rstrip("~?"),
                    )
                )
        return bulk_write(Membership, memberships, "memberships", self.quiet, date_field="start_date")

    def make_tenures(self):
        """Offices of the organisations, each held by one person after another over the years."""
        offices = [
            Office(
                slug=f"office-{index}",
                name=f"Minister of Portfolio {index}",
                organization=self.random.choice(self.organizations),
            )
            for index in range(max(self.actor_count // 20, 5))
        ]
        offices = Office.objects.bulk_create(offices)
        tenures = []
        for office in offices:
            day, previous = FIRST_DAY + datetime.timedelta(days=self.random.randrange(400)), None
            while day < FIRST_DAY + datetime.timedelta(days=DAYS):
                holder = self.random.choice(self.people[:: max(len(self.people) // 500, 1)] or self.people)
                if previous is not None and holder.pk == previous.pk:
                    continue
                end = day + datetime.timedelta(days=self.random.randrange(300, 2200))
                tenures.append(
                    Tenure(
                        actor=holder,
                        office=office,
                        predecessor=previous,
                        appointed_by=self.actors[0] if holder.pk != self.actors[0].pk else None,
                        start_date=day.isoformat(),
                        end_date=end.isoformat() if end < FIRST_DAY + datetime.timedelta(days=DAYS) else "",
                    )
                )
                day, previous = end, holder
        return bulk_write(Tenure, tenures, "tenures", self.quiet, date_field="start_date")

    # -- what happened -----------------------------------------------------------------

    def make_events(self):
        rows, participants = self.event_rows()
        with checks_set_aside(Event, Participation, Citation):
            events = bulk_write(Event, rows, "events", self.quiet, date_field="date")
            self.link_events(events)
            self.write_evidence(events, participants)
            started = time.monotonic()
        if not self.quiet:
            sys.stderr.write(f"indexes and foreign keys made again: {time.monotonic() - started:.0f} s\n")
        self.events = events

    def event_rows(self):
        """Unsaved events, a few drafts and retractions among them, and who took part in each."""
        texts = [self.edtf(self.day()) for _ in range(self.event_count)]
        rows = []
        for index, text in enumerate(texts):
            event_type = self.random.choice(self.types)
            roll = self.random.random()
            status = Event.Status.DRAFT if roll < 0.03 else Event.Status.RETRACTED if roll < 0.04 else "published"
            rows.append(
                Event(
                    slug=f"event-{index}",
                    title="",
                    type=event_type,
                    date=text,
                    location=self.random.choice(LOCATIONS),
                    summary=f"Synthetic {event_type.slug} number {index}.",
                    status=status,
                )
            )
        participants = []
        for event in rows:
            chosen = {}
            for _ in range(self.random.choice([1, 1, 2, 2, 2, 3, 4])):
                actor = self.random.choices(self.actors, cum_weights=self.actor_weights)[0]
                chosen.setdefault(actor.pk, (actor, self.random.choice(self.roles)))
            participants.append(list(chosen.values()))
            first = next(iter(chosen.values()))[0]
            event.title = f"{first.name} {VERBS.get(event.type.slug, event.type.slug.replace('-', ' '))}"[:300]
        return rows, participants

    def link_events(self, events):
        """A few events as parts of others, and some linked in pairs."""
        # A few events are parts of a larger one (a reshuffle and its appointments).
        children = [event for event in events if self.random.random() < 0.05]
        for child in children:
            child.parent = self.random.choice(events)
            if child.parent.pk == child.pk:
                child.parent = None
        Event.objects.bulk_update(children, ["parent"], batch_size=BATCH)
        links = {
            tuple(sorted((self.random.choice(events).pk, self.random.choice(events).pk)))
            for _ in range(len(events) // 50)
        }
        through = Event.related.through
        through.objects.bulk_create(
            [through(from_event_id=a, to_event_id=b) for a, b in links if a != b]
            + [through(from_event_id=b, to_event_id=a) for a, b in links if a != b],
            batch_size=BATCH,
        )

    def write_evidence(self, events, participants):
        """The participations chosen for each event, and one to three citations of each (by id:
        millions of rows, and setting a related object costs more than the row's other fields)."""
        bulk_write(
            Participation,
            (
                Participation(event_id=event.pk, actor_id=actor.pk, role_id=role.pk)
                for event, chosen in zip(events, participants, strict=True)
                for actor, role in chosen
            ),
            "participations",
            self.quiet,
        )
        bulk_write(
            Citation,
            (
                Citation(
                    event_id=event.pk,
                    source_id=source.pk,
                    quote=f"Quote {number} on {event.slug}.",
                    credibility=self.random.randint(1, 6),
                )
                for event in events
                for number, source in enumerate(self.random.sample(self.sources, self.random.choice([1, 1, 2, 3])))
            ),
            "citations",
            self.quiet,
        )


def generate(*, actors, events, seed, quiet=False):
    """Write the synthetic record into an empty database; returns counts of what was written."""
    if Actor.objects.exists() or Event.objects.exists():
        raise ValueError("The database already holds actors or events; generate into an empty one.")
    generator = Generator(actors=actors, events=events, seed=seed, quiet=quiet)
    with transaction.atomic():
        generator.make_vocabulary()
        generator.make_actors()
        generator.make_sources()
        generator.make_factions_and_offices()
        generator.make_events()
        # bulk_create sends no signals: readers' kept pages must be renewed by hand.
        page_cache.changed()
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner; VACUUM also merges the trigram indexes' pending
        # entries, which otherwise make each name search read them all (it cannot run inside
        # a transaction, as in tests, where ANALYZE alone does).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return {
        "actors": Actor.objects.count(),
        "events": Event.objects.count(),
        "participations": Participation.objects.count(),
        "citations": Citation.objects.count(),
    }


# The record's history as `?known=` reads it: the synthetic rows go in with `bulk_create`, which
# writes none. A first generation of every span and span citation on HISTORY_START, and a
# correction of one span in CORRECTED_EVERY ten days later, so that a moment between has a
# latest row to pick among several for some ids.
HISTORY_START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
HISTORY_KNOWN = HISTORY_START + datetime.timedelta(days=20)
CORRECTED_EVERY = 5


def ensure_span_history():
    """Write the history rows described above, once (a database that has them keeps them)."""
    if Tenure.history.exists():
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model, where in (
            (Membership, ""),
            (Tenure, ""),
            (Citation, " WHERE membership_id IS NOT NULL OR tenure_id IS NOT NULL"),
        ):
            history = model.history.model
            columns = ", ".join(quote(field.column) for field in history.tracked_fields)
            stamps = ", ".join(quote(history._meta.get_field(name).column) for name in ("history_date", "history_type"))
            for moment, kind, sample in (
                (HISTORY_START, "+", ""),
                (
                    HISTORY_START + datetime.timedelta(days=10),
                    "~",
                    f" {'AND' if where else 'WHERE'} id %% {CORRECTED_EVERY} = 0",
                ),
            ):
                cursor.execute(
                    f"INSERT INTO {quote(history._meta.db_table)} ({columns}, {stamps}) "
                    f"SELECT {columns}, %s, %s FROM {quote(model._meta.db_table)}{where}{sample}",
                    [moment, kind],
                )
            if connection.vendor == "postgresql":
                # The planner's estimates of a table just filled are of an empty one.
                cursor.execute(f"ANALYZE {quote(history._meta.db_table)}")
