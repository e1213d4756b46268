"""Staying in sync: `updated_since` on every list, and tombstones for what left."""

import datetime
import functools

import pytest
from django.utils import timezone

from core.models import Tombstone
from tests.api.clients import anonymous_client, token_client
from tests.factories import (
    ActorFactory,
    AliasFactory,
    CitationFactory,
    EventFactory,
    FactionFactory,
    MembershipFactory,
    OfficeFactory,
    ParticipationFactory,
    SourceFactory,
    TenureFactory,
)

pytestmark = pytest.mark.django_db


def keys(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return sorted(str(row.get("slug") or row.get("key")) for row in response.json()["results"])


def since(moment):
    return moment.isoformat().replace("+00:00", "Z")


def after(cutoff):
    """Make sure what follows happens after `cutoff`, even on a coarse clock."""
    while timezone.now() <= cutoff:
        pass


@pytest.mark.parametrize(
    ("path", "factory"),
    [
        ("/api/v1/events/", functools.partial(EventFactory, published=True)),
        ("/api/v1/actors/", ActorFactory),
        ("/api/v1/factions/", FactionFactory),
        ("/api/v1/offices/", OfficeFactory),
        ("/api/v1/sources/", SourceFactory),
    ],
)
def test_updated_since_lists_only_what_changed(path, factory):
    old = factory(slug="old")
    cutoff = timezone.now()
    after(cutoff)
    factory(slug="new")
    changed = type(old).objects.get(pk=old.pk)
    changed.save()

    assert keys(anonymous_client(), f"{path}?updated_since={since(cutoff)}") == ["new", "old"]
    assert keys(anonymous_client(), f"{path}?updated_since={since(timezone.now() + datetime.timedelta(hours=1))}") == []


def test_event_counts_as_changed_when_a_participant_or_citation_changes_or_goes():
    quiet = EventFactory(slug="quiet", published=True)
    lost_participant = ParticipationFactory(event=EventFactory(slug="lost-participant", published=True))
    renamed_actor = ParticipationFactory(event=EventFactory(slug="renamed-actor", published=True))
    retitled_source = CitationFactory(event=EventFactory(slug="retitled-source", status="published"))
    new_citation_event = EventFactory(slug="new-citation", status="published")
    cutoff = timezone.now()
    after(cutoff)

    lost_participant.delete()
    renamed_actor.actor.name = "New name"
    renamed_actor.actor.save()
    retitled_source.source.title = "New title"
    retitled_source.source.save()
    CitationFactory(event=new_citation_event)

    changed = keys(anonymous_client(), f"/api/v1/events/?updated_since={since(cutoff)}")
    assert changed == ["lost-participant", "new-citation", "renamed-actor", "retitled-source"]
    assert quiet.slug not in changed


def test_actor_counts_as_changed_when_an_alias_membership_or_tenure_changes_or_goes():
    dropped_alias = AliasFactory(actor=ActorFactory(slug="dropped-alias"))
    membership = MembershipFactory(actor=ActorFactory(slug="membership-ended"))
    ActorFactory(slug="quiet")
    tenure_actor = ActorFactory(slug="new-tenure")
    renamed_faction = MembershipFactory(actor=ActorFactory(slug="faction-renamed")).faction
    cutoff = timezone.now()
    after(cutoff)

    dropped_alias.delete()
    membership.end_date = "2020"
    membership.save()
    TenureFactory(actor=tenure_actor)
    renamed_faction.slug = "renamed"
    renamed_faction.save()

    changed = keys(anonymous_client(), f"/api/v1/actors/?updated_since={since(cutoff)}")
    assert changed == ["dropped-alias", "faction-renamed", "membership-ended", "new-tenure"]


def test_faction_and_office_count_as_changed_when_their_members_or_holders_change():
    left = MembershipFactory(faction=FactionFactory(slug="lost-member"))
    FactionFactory(slug="quiet-faction")
    holder = TenureFactory(office=OfficeFactory(slug="renamed-holder")).actor
    OfficeFactory(slug="quiet-office")
    cutoff = timezone.now()
    after(cutoff)

    left.delete()
    holder.name = "Renamed"
    holder.save()

    assert keys(anonymous_client(), f"/api/v1/factions/?updated_since={since(cutoff)}") == ["lost-member"]
    assert keys(anonymous_client(), f"/api/v1/offices/?updated_since={since(cutoff)}") == ["renamed-holder"]


def test_tombstones_record_deletions_through_the_api(editor):
    EventFactory(slug="gone-event", published=True)
    EventFactory(slug="gone-draft")
    ActorFactory(slug="gone-actor")
    source = SourceFactory()
    client = token_client(editor)
    cutoff = timezone.now()
    after(cutoff)

    for path in ("events/gone-event", "events/gone-draft", "actors/gone-actor", f"sources/{source.pk}"):
        assert client.delete(f"/api/v1/{path}/").status_code == 204

    public = anonymous_client().get(f"/api/v1/tombstones/?since={since(cutoff)}").json()["results"]
    assert [(row["kind"], row["key"], row["reason"]) for row in public] == [
        ("event", "gone-event", "deleted"),
        ("actor", "gone-actor", "deleted"),
        ("source", str(source.pk), "deleted"),
    ]
    assert "gone-draft" in keys(client, f"/api/v1/tombstones/?since={since(cutoff)}")


def test_retracting_or_unpublishing_leaves_a_tombstone_for_anonymous_readers_only(editor):
    CitationFactory(event=EventFactory(slug="retracted", status="published"))
    CitationFactory(event=EventFactory(slug="unpublished", status="published"))
    client = token_client(editor)
    cutoff = timezone.now()
    after(cutoff)

    client.patch(
        "/api/v1/events/retracted/",
        {"status": "retracted", "retraction_reason": "The source withdrew it."},
        format="json",
    )
    client.patch("/api/v1/events/unpublished/", {"status": "draft"}, format="json")

    public = anonymous_client().get(f"/api/v1/tombstones/?since={since(cutoff)}").json()["results"]
    assert [(row["key"], row["reason"]) for row in public] == [
        ("retracted", "retracted"),
        ("unpublished", "unpublished"),
    ]
    # Editors still see both events in their lists, so their mirror needs no tombstone.
    assert keys(client, f"/api/v1/tombstones/?since={since(cutoff)}") == []
    assert keys(client, f"/api/v1/events/?updated_since={since(cutoff)}") == ["retracted", "unpublished"]


def test_renaming_a_slug_leaves_a_tombstone_pointing_to_the_new_one(editor):
    EventFactory(slug="old-slug", published=True)
    ActorFactory(slug="old-actor")
    client = token_client(editor)

    client.patch("/api/v1/events/old-slug/", {"slug": "new-slug"}, format="json")
    client.patch("/api/v1/actors/old-actor/", {"slug": "new-actor"}, format="json")

    tombstones = anonymous_client().get("/api/v1/tombstones/").json()["results"]
    assert [(row["kind"], row["key"], row["reason"], row["replaced_by"]) for row in tombstones] == [
        ("event", "old-slug", "renamed", "new-slug"),
        ("actor", "old-actor", "renamed", "new-actor"),
    ]


def test_a_mirror_that_applies_tombstones_then_updates_matches_the_api(editor):
    """Sync the way the tombstones endpoint describes, and compare with a fresh full read."""
    for number in range(4):
        CitationFactory(event=EventFactory(slug=f"e{number}", status="published"))
    reader = anonymous_client()
    mirror = {row["slug"]: row for row in reader.get("/api/v1/events/").json()["results"]}
    last_sync = timezone.now()
    after(last_sync)
    client = token_client(editor)
    client.patch(
        "/api/v1/events/e0/", {"status": "retracted", "retraction_reason": "The source withdrew it."}, format="json"
    )
    client.delete("/api/v1/events/e1/")
    client.patch("/api/v1/events/e2/", {"title": "Changed"}, format="json")
    client.patch("/api/v1/events/e3/", {"slug": "e3-renamed"}, format="json")
    CitationFactory(event=EventFactory(slug="e4", status="published"))

    for tombstone in reader.get(f"/api/v1/tombstones/?since={since(last_sync)}").json()["results"]:
        mirror.pop(tombstone["key"], None)
    for row in reader.get(f"/api/v1/events/?updated_since={since(last_sync)}").json()["results"]:
        mirror[row["slug"]] = row

    fresh = {row["slug"]: row for row in reader.get("/api/v1/events/").json()["results"]}
    assert mirror == fresh
    assert sorted(fresh) == ["e2", "e3-renamed", "e4"]


def test_tombstones_filter_by_kind():
    Tombstone.objects.create(kind="actor", key="a", reason="deleted")
    Tombstone.objects.create(kind="event", key="e", reason="deleted")

    assert keys(anonymous_client(), "/api/v1/tombstones/?kind=event") == ["e"]
