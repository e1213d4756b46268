"""The HTML pages answer, show published events only, and escape what curators typed."""

import pytest

from tests.factories import ActorFactory, EventFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def test_timeline_and_admin_answer(client):
    assert client.get("/").status_code == 200
    assert client.get("/admin/", follow=True).status_code == 200


def test_draft_event_is_hidden_from_anonymous(client):
    EventFactory(title="Published one", slug="published-one")
    EventFactory(title="Secret draft", slug="secret-draft", status="draft")
    page = client.get("/").content.decode()
    assert "Published one" in page
    assert "Secret draft" not in page
    assert client.get("/events/secret-draft/").status_code == 404


def test_unknown_slugs_are_404(client):
    for url in ("/events/nope/", "/actors/nope/", "/factions/nope/"):
        assert client.get(url).status_code == 404


def test_curator_text_is_escaped(client):
    actor = ActorFactory(name="<script>alert(1)</script>")
    participation = ParticipationFactory(actor=actor, event__summary="<img src=x onerror=alert(2)>")
    page = client.get(participation.event.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "<img src=x" not in page
    assert client.get(actor.get_absolute_url()).status_code == 200
