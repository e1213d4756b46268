"""Invariants hold twice: in model validation (a form error) and in the database itself."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actors.models import Membership, Tenure
from events.models import Citation, Event
from tests.factories import (
    ActorFactory,
    AliasFactory,
    CitationFactory,
    EventFactory,
    FactionFactory,
    MembershipFactory,
    OfficeFactory,
    ParticipantRoleFactory,
    ParticipationFactory,
    SourceFactory,
    TenureFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused_by_database(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


@pytest.mark.parametrize("factory", [MembershipFactory, TenureFactory])
def test_span_end_before_start_is_a_validation_error(factory):
    span = factory.build(actor=ActorFactory(), start_date="2017-05", end_date="2016")
    if isinstance(span, Membership):
        span.faction = FactionFactory()
    else:
        span.office = OfficeFactory()
    with pytest.raises(ValidationError) as error:
        span.full_clean()
    assert "end_date" in error.value.message_dict


@pytest.mark.parametrize("factory", [MembershipFactory, TenureFactory])
def test_span_end_before_start_is_refused_by_the_database(factory):
    span = factory()
    span.start_date, span.end_date = "2017-05", "2016"
    assert_refused_by_database(span.save)


def test_span_without_end_has_no_known_end_and_is_current_later():
    membership = MembershipFactory(start_date="2016-09~", end_date="")
    assert membership.end_upper is None
    assert membership.end_display == "no known end"
    import datetime

    assert Membership.objects.at(datetime.date(2030, 1, 1)).get() == membership
    assert not Membership.objects.at(datetime.date(2015, 1, 1)).exists()


def test_span_overlapping_its_own_year_is_allowed():
    tenure = TenureFactory(start_date="2017-08", end_date="2017")
    tenure.full_clean()


def test_event_date_bounds_follow_the_edtf_text():
    event = EventFactory(date="2016-09~", published=True)
    assert (str(event.date_start), str(event.date_end)) == ("2016-09-01", "2016-09-30")
    event.date = "2017-06/2017-08"
    event.save()
    event.refresh_from_db()
    assert (str(event.date_start), str(event.date_end)) == ("2017-06-01", "2017-08-31")


@pytest.mark.parametrize("text", ["next tuesday", "2017-02-30", "2017-13"])
def test_event_with_invalid_date_is_a_validation_error_on_date(text):
    event = EventFactory.build(type=EventFactory(published=True).type, date=text)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "date" in error.value.message_dict
    assert "2017-08" in error.value.message_dict["date"][0]


def test_event_needs_a_date():
    event = EventFactory.build(type=EventFactory(published=True).type, date="")
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "date" in error.value.message_dict


def test_event_end_before_start_is_refused_by_the_database():
    event = EventFactory(published=True)
    assert_refused_by_database(lambda: Event.objects.filter(pk=event.pk).update(date_end="2000-01-01"))


def test_event_cannot_be_a_part_of_its_own_part():
    reshuffle = EventFactory(published=True)
    appointment = EventFactory(parent=reshuffle, published=True)
    reshuffle.parent = appointment
    with pytest.raises(ValidationError) as error:
        reshuffle.full_clean()
    assert "parent" in error.value.message_dict


def test_event_cannot_be_its_own_parent():
    event = EventFactory(published=True)
    event.parent = event
    with pytest.raises(ValidationError):
        event.full_clean()
    assert_refused_by_database(lambda: Event.objects.filter(pk=event.pk).update(parent=event))


@pytest.mark.parametrize(
    "make_duplicate",
    [
        lambda: ActorFactory(slug=ActorFactory().slug),
        lambda: FactionFactory(slug=FactionFactory().slug),
        lambda: OfficeFactory(slug=OfficeFactory().slug),
        lambda: EventFactory(slug=EventFactory().slug, published=True),
        lambda: SourceFactory(slug=SourceFactory().slug),
    ],
)
def test_slugs_are_unique(make_duplicate):
    assert_refused_by_database(make_duplicate)


def test_one_actor_plays_one_role_once_per_event():
    participation = ParticipationFactory()
    assert_refused_by_database(
        lambda: ParticipationFactory(event=participation.event, actor=participation.actor, role=participation.role)
    )


def test_one_actor_may_play_two_roles_in_one_event():
    participation = ParticipationFactory()
    ParticipationFactory(
        event=participation.event, actor=participation.actor, role=ParticipantRoleFactory(slug="successor")
    )
    assert participation.event.participations.count() == 2


def test_alias_is_unique_per_actor_and_language():
    alias = AliasFactory()
    assert_refused_by_database(lambda: AliasFactory(actor=alias.actor, name=alias.name, lang=alias.lang))
    AliasFactory(actor=alias.actor, name=alias.name, lang="ru")


def test_membership_is_unique_per_actor_faction_role_and_start():
    membership = MembershipFactory()
    assert_refused_by_database(
        lambda: MembershipFactory(actor=membership.actor, faction=membership.faction, start_date=membership.start_date)
    )


def test_tenure_predecessor_cannot_be_the_holder():
    tenure = TenureFactory()
    tenure.predecessor = tenure.actor
    with pytest.raises(ValidationError) as error:
        tenure.full_clean()
    assert "predecessor" in error.value.message_dict
    assert_refused_by_database(lambda: Tenure.objects.filter(pk=tenure.pk).update(predecessor=tenure.actor))


def test_citation_supports_exactly_one_claim():
    citation = CitationFactory()
    citation.membership = MembershipFactory()
    with pytest.raises(ValidationError):
        citation.full_clean()
    assert_refused_by_database(citation.save)
    orphan = Citation(source=SourceFactory(), quote="words")
    with pytest.raises(ValidationError):
        orphan.full_clean()
    assert_refused_by_database(orphan.save)


def test_a_citation_without_a_quote_must_say_where_its_paraphrase_stands():
    citation = CitationFactory(quote="words")
    citation.quote = ""
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert "locator and a note" in str(error.value)
    citation.locator, citation.note = "para. 3", "Paraphrased: the decree dismissed the government."
    citation.full_clean()


@pytest.mark.parametrize("credibility", [0, 7])
def test_citation_credibility_is_1_to_6(credibility):
    citation = CitationFactory()
    citation.credibility = credibility
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert "credibility" in error.value.message_dict
    assert_refused_by_database(citation.save)


def test_citation_can_support_a_membership_or_a_tenure():
    for claim in ({"membership": MembershipFactory()}, {"tenure": TenureFactory()}):
        citation = CitationFactory(event=None, **claim)
        citation.full_clean()
        assert citation.claim == next(iter(claim.values()))


def test_source_reliability_is_an_admiralty_grade():
    source = SourceFactory()
    source.reliability = "G"
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "reliability" in error.value.message_dict


def test_too_long_name_is_a_validation_error():
    actor = ActorFactory.build(name="x" * 201)
    with pytest.raises(ValidationError) as error:
        actor.full_clean()
    assert "name" in error.value.message_dict
