"""factory-boy factories for every model; each builds a valid, saved row by default."""

import datetime

import factory
from factory.django import DjangoModelFactory

from actors.models import Actor, Alias, Faction, Identifier, Membership, Office, Tenure
from events.models import Citation, Event, EventType, ParticipantRole, Participation, Source
from leads.models import Feed, Lead


class ActorFactory(DjangoModelFactory):
    class Meta:
        model = Actor

    name: str = factory.Sequence(lambda n: f"Actor Number{n}")
    slug: str = factory.Sequence(lambda n: f"actor-{n}")
    kind: str = Actor.Kind.PERSON


class OrganizationFactory(ActorFactory):
    name: str = factory.Sequence(lambda n: f"Organisation {n}")
    slug: str = factory.Sequence(lambda n: f"organisation-{n}")
    kind: str = Actor.Kind.ORGANIZATION


class AliasFactory(DjangoModelFactory):
    class Meta:
        model = Alias

    actor = factory.SubFactory(ActorFactory)
    name: str = factory.Sequence(lambda n: f"Alias {n}")
    lang: str = "en"


class IdentifierFactory(DjangoModelFactory):
    class Meta:
        model = Identifier

    actor = factory.SubFactory(ActorFactory)
    scheme: str = "wikidata"
    identifier: str = factory.Sequence(lambda n: f"Q{1000 + n}")


class FactionFactory(DjangoModelFactory):
    class Meta:
        model = Faction

    name: str = factory.Sequence(lambda n: f"Faction {n}")
    slug: str = factory.Sequence(lambda n: f"faction-{n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    actor = factory.SubFactory(ActorFactory)
    faction = factory.SubFactory(FactionFactory)
    role: str = Membership.Role.MEMBER
    start_date: str = "2016"


class OfficeFactory(DjangoModelFactory):
    class Meta:
        model = Office

    name: str = factory.Sequence(lambda n: f"Office {n}")
    slug: str = factory.Sequence(lambda n: f"office-{n}")


class TenureFactory(DjangoModelFactory):
    class Meta:
        model = Tenure

    actor = factory.SubFactory(ActorFactory)
    office = factory.SubFactory(OfficeFactory)
    start_date: str = "2016-09"


class EventTypeFactory(DjangoModelFactory):
    class Meta:
        model = EventType
        django_get_or_create = ("slug",)

    slug: str = "arrest"
    name: str = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())


class ParticipantRoleFactory(DjangoModelFactory):
    class Meta:
        model = ParticipantRole
        django_get_or_create = ("slug",)

    slug: str = "subject"
    name: str = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title: str = factory.Sequence(lambda n: f"Event {n}")
    slug: str = factory.Sequence(lambda n: f"event-{n}")
    type = factory.SubFactory(EventTypeFactory)
    date: str = "2017-08"
    # A draft: the domain publishes an event only with a source, so a published one comes
    # with its citation (`published=True`), or from `CitationFactory`, which cites it.
    status: str = Event.Status.DRAFT

    class Params:
        published = factory.Trait(
            status=Event.Status.PUBLISHED,
            citation=factory.RelatedFactory("tests.factories.CitationFactory", factory_related_name="event"),
        )


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = Participation

    event = factory.SubFactory(EventFactory, published=True)
    actor = factory.SubFactory(ActorFactory)
    role = factory.SubFactory(ParticipantRoleFactory)


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    title: str = factory.Sequence(lambda n: f"Source {n}")
    slug: str = factory.Sequence(lambda n: f"source-{n}")
    kind: str = Source.Kind.NEWS
    reliability: str = Source.Reliability.B
    url: str = factory.Sequence(lambda n: f"https://example.org/source-{n}")


class CitationFactory(DjangoModelFactory):
    class Meta:
        model = Citation

    source = factory.SubFactory(SourceFactory)
    # Published, and cited by this very row: the event the citation makes publishable.
    event = factory.SubFactory(EventFactory, status=Event.Status.PUBLISHED)
    quote: str = factory.Sequence(lambda n: f"Quoted words number {n}.")
    credibility: int = 2


class FeedFactory(DjangoModelFactory):
    class Meta:
        model = Feed

    name: str = factory.Sequence(lambda n: f"Feed {n}")
    url: str = factory.Sequence(lambda n: f"https://news.example/feed-{n}.xml")


class LeadFactory(DjangoModelFactory):
    class Meta:
        model = Lead

    feed = factory.SubFactory(FeedFactory)
    entry_id: str = factory.Sequence(lambda n: f"entry-{n}")
    title: str = factory.Sequence(lambda n: f"Headline {n}")
    link: str = factory.Sequence(lambda n: f"https://news.example/story-{n}")
    published = factory.Sequence(
        lambda n: datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(hours=n)
    )
    matched: list = factory.LazyFunction(list)
