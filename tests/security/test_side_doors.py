"""The admin's side doors and the drafts that must not reach readers, one behaviour a test.

The roles are the groups the migrations make (Curator: adds and changes; Editor: publishes and
deletes), not the conftest's curator, which holds more than the group does.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from actors.models import Actor
from events.models import Citation, Event, Source
from events.services import event_update
from leads.services import lead_convert
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventFactory,
    EventTypeFactory,
    LeadFactory,
    ParticipantRoleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(staff_in_groups):
    """A client signed in as a new staff user in the groups named."""

    def make(name, *groups):
        user = staff_in_groups(name, *groups)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client

    return make


def history_form(actor, summary):
    return {
        "name": actor.name,
        "slug": actor.slug,
        "kind": actor.kind,
        "summary": summary,
        "sort_name": actor.sort_name,
    }


def test_an_editor_who_may_only_view_actors_cannot_save_through_the_history_page(member):
    actor = ActorFactory(summary="As published")
    version = actor.history.get()
    editor = member("editor", "Editor")
    response = editor.post(
        f"/admin/actors/actor/{actor.pk}/history/{version.history_id}/", history_form(actor, "Rewritten")
    )
    assert response.status_code == 403
    actor.refresh_from_db()
    assert actor.summary == "As published"
    assert actor.history.count() == 1


def test_a_curator_cannot_revert_an_event_through_its_history_page(member):
    event = EventFactory(title="First title")
    first = event.history.get()
    Event.objects.filter(pk=event.pk).update(title="Second title")
    curator = member("curator", "Curator")
    page = curator.get(f"/admin/events/event/{event.pk}/history/{first.history_id}/")
    assert page.status_code == 200  # curators may look at an earlier version
    data = {"title": "First title", "slug": event.slug, "type": event.type.pk, "date": event.date, "status": "draft"}
    response = curator.post(f"/admin/events/event/{event.pk}/history/{first.history_id}/", data)
    assert response.status_code == 403
    assert Event.objects.get(pk=event.pk).title == "Second title"


def test_someone_who_curates_and_edits_reverts_an_actor_through_its_history_page(member):
    actor = ActorFactory(summary="As published")
    first = actor.history.get()
    Actor.objects.filter(pk=actor.pk).update(summary="Vandalised")
    both = member("both", "Curator", "Editor")
    response = both.post(f"/admin/actors/actor/{actor.pk}/history/{first.history_id}/", history_form(actor, "Reverted"))
    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.summary == "Reverted"
    assert actor.history.first().history_user.username == "both"


@pytest.mark.parametrize("groups", [("Editor",), ("Curator",)])
def test_merging_actors_needs_both_change_and_delete(member, groups):
    keep, lose = ActorFactory(name="Karim Massimov"), ActorFactory(name="Karim Masimov")
    client = member("someone", *groups)
    body = {"action": "merge_actors", "_selected_action": [keep.pk, lose.pk], "index": "0"}
    assert client.post("/admin/actors/actor/", body).status_code == 403
    assert Actor.objects.count() == 2
    assert "merge_actors" not in client.get("/admin/actors/actor/").content.decode()


def test_someone_who_curates_and_edits_may_merge_actors(member):
    keep, lose = ActorFactory(name="Karim Massimov"), ActorFactory(name="Karim Masimov")
    client = member("both", "Curator", "Editor")
    body = {"action": "merge_actors", "_selected_action": [keep.pk, lose.pk], "index": "0"}
    response = client.post("/admin/actors/actor/", body, follow=True)
    assert "Merged Karim Masimov into Karim Massimov" in response.content.decode()
    assert list(Actor.objects.all()) == [keep]


def test_renaming_a_published_event_into_a_draft_tells_readers_only_that_it_left(editor):
    event = CitationFactory(event=EventFactory(slug="old-name", status="published")).event
    event_update(event=event, user=editor, data={"slug": "secret-new-name", "status": "draft"})
    anonymous = Client().get("/api/v1/tombstones/").json()["results"]
    assert [(row["key"], row["reason"], row["replaced_by"]) for row in anonymous] == [("old-name", "unpublished", "")]
    assert "secret-new-name" not in Client().get("/api/v1/tombstones/").content.decode()
    seen = Client()
    seen.force_login(editor)
    rows = seen.get("/api/v1/tombstones/").json()["results"]
    assert [(row["key"], row["reason"], row["replaced_by"]) for row in rows] == [
        ("old-name", "renamed", "secret-new-name")
    ]


def test_a_converted_leads_source_stays_hidden_until_its_event_is_published(curator, editor):
    ParticipantRoleFactory(slug="subject")
    EventTypeFactory(slug="announcement")
    lead = LeadFactory(title="Headline still in the draft queue", link="https://wire.example/a")
    lead.actors.set([ActorFactory()])
    event = lead_convert(lead=lead, user=curator)
    assert "Headline still in the draft queue" not in Client().get("/api/v1/sources/").content.decode()
    source = event.citations.get().source
    assert Client().get(f"/api/v1/sources/{source.pk}/").status_code == 404
    editors = Client()
    editors.force_login(editor)
    assert editors.get(f"/api/v1/sources/{source.pk}/").status_code == 200
    event_update(event=event, user=editor, data={"status": "published"})
    assert Client().get(f"/api/v1/sources/{source.pk}/").status_code == 200


def test_the_only_citation_of_a_published_event_cannot_move_to_a_draft(curator):
    citation = CitationFactory(event=EventFactory(status="published"))
    draft = EventFactory()
    citation.event = draft
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert "only citation" in str(error.value)
    client = Client()
    client.force_login(curator)
    form = {
        "source": citation.source.pk,
        "event": draft.pk,
        "quote": citation.quote,
        "credibility": citation.credibility,
        "opened_version": "",
    }
    response = client.post(f"/admin/events/citation/{citation.pk}/change/", form)
    assert response.status_code == 200
    assert "only citation" in response.content.decode()
    assert Citation.objects.get(pk=citation.pk).event.status == "published"


def test_a_linked_drafts_edit_does_not_list_a_published_event_as_changed_for_readers(editor):
    linked = EventFactory(slug="linked-draft")
    leaving = CitationFactory(event=EventFactory(slug="leaving", status="published")).event
    event = CitationFactory(event=EventFactory(slug="public-one", parent=linked, status="published")).event
    event.related.set([linked, leaving])
    others = CitationFactory(event=EventFactory(slug="unlinked", status="published")).event
    Event.objects.filter(pk__in=[event.pk, leaving.pk, others.pk]).update(updated_at="2020-01-01T00:00Z")
    Source.objects.update(updated_at="2020-01-01T00:00Z")
    for model in (Event, Citation):
        model.history.model.objects.update(history_date="2020-01-01T00:00Z")
    since = "2021-01-01T00:00:00Z"
    event_update(event=linked, user=editor, data={"title": "The draft, edited"})

    def changed(client):
        return [row["slug"] for row in client.get(f"/api/v1/events/?updated_since={since}").json()["results"]]

    assert changed(Client()) == []
    editors = Client()
    editors.force_login(editor)
    assert sorted(changed(editors)) == ["linked-draft", "public-one"]
    # A linked event that was published then and has left since: what readers saw changed.
    event_update(event=leaving, user=editor, data={"status": "draft"})
    assert changed(Client()) == ["public-one"]
