"""Two records of one person become one: every link follows, nothing cited is lost."""

import pytest
from django.core.exceptions import ValidationError

from actors.models import Actor, Alias, Membership
from core.models import Tombstone
from events.models import Participation
from events.services import actor_merge
from tests.factories import (
    ActorFactory,
    AliasFactory,
    CitationFactory,
    IdentifierFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipationFactory,
    TenureFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    keep = ActorFactory(name="Karim Massimov", slug="karim-massimov")
    lose = ActorFactory(name="Karim Masimov", slug="karim-masimov-2")
    return keep, lose


def test_merge_moves_every_link_and_keeps_the_lost_name_as_an_alias(records, curator):
    keep, lose = records
    AliasFactory(actor=lose, name="Кәрім Мәсімов", lang="kk-Cyrl")
    IdentifierFactory(actor=lose, identifier="Q4925")
    membership = MembershipFactory(actor=lose)
    tenure = TenureFactory(actor=lose)
    successor = TenureFactory(predecessor=lose)
    participation = ParticipationFactory(actor=lose)

    actor_merge(keep=keep, lose=lose, user=curator)

    assert not Actor.objects.filter(pk=lose.pk).exists()
    assert set(keep.aliases.values_list("name", flat=True)) == {"Karim Masimov", "Кәрім Мәсімов"}
    assert keep.identifiers.get().identifier == "Q4925"
    for row in (membership, tenure, participation):
        row.refresh_from_db()
        assert row.actor_id == keep.pk
    successor.refresh_from_db()
    assert successor.predecessor_id == keep.pk
    assert list(Actor.objects.matching("Мәсімов")) == [keep]
    tombstone = Tombstone.objects.get()
    assert (tombstone.reason, tombstone.key, tombstone.replaced_by) == ("merged", "karim-masimov-2", "karim-massimov")
    assert Actor.history.filter(id=lose.pk, history_type="-").get().history_user == curator


def test_a_repeated_membership_is_dropped_but_its_citations_move_to_the_twin(records, curator):
    keep, lose = records
    kept = MembershipFactory(actor=keep, start_date="2016")
    repeated = MembershipFactory(actor=lose, faction=kept.faction, start_date="2016")
    citation = CitationFactory(event=None, membership=repeated, quote="the head of the security services")
    # Both records were the subject of one event: one participation is left.
    ParticipationFactory(actor=keep, event=ParticipationFactory(actor=lose).event)

    actor_merge(keep=keep, lose=lose, user=curator)

    assert list(Membership.objects.all()) == [kept]
    citation.refresh_from_db()
    assert citation.membership == kept
    assert Participation.objects.filter(actor=keep).count() == 1
    assert not Participation.objects.exclude(actor=keep).exists()


def test_a_succession_between_the_two_records_is_dropped(records, curator):
    keep, lose = records
    tenure = TenureFactory(actor=keep, predecessor=lose)
    actor_merge(keep=keep, lose=lose, user=curator)
    tenure.refresh_from_db()
    assert tenure.predecessor is None


def test_a_person_and_an_organisation_are_not_merged_and_nothing_changes(curator):
    person, organisation = ActorFactory(), OrganizationFactory()
    MembershipFactory(actor=organisation)
    with pytest.raises(ValidationError):
        actor_merge(keep=person, lose=organisation, user=curator)
    assert Actor.objects.count() == 2
    assert Membership.objects.get().actor == organisation
    assert not Tombstone.objects.exists()


def test_admin_action_merges_into_the_first_recorded(client, curator, records):
    keep, lose = records
    client.force_login(curator)
    response = client.post(
        "/admin/actors/actor/", {"action": "merge_actors", "_selected_action": [keep.pk, lose.pk]}, follow=True
    )
    assert "Merged Karim Masimov into Karim Massimov" in response.content.decode()
    assert list(Actor.objects.all()) == [keep]
    assert Alias.objects.get().name == "Karim Masimov"
